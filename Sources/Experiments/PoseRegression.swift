// DeepPose as regression (Toshev & Szegedy, "DeepPose: Human Pose Estimation
// via Deep Neural Networks", CVPR 2014): a ConvNet regresses the (x, y) of
// every joint from its last hidden FC layer. Chapter: chapters/04-pose-regression.md.
//
// Inputs: generated stick figures (SceneSets.figures: 14 joints in Leeds
// Sports Pose order, 48 x 48 RGB on mild clutter).
// Algorithm: LocalizationNetwork's trunk (valid 3x3 convs with BatchNorm,
// ReLU, 2x2 max-pooling), fc 1024->128, ReLU, fc 128->28; targets are joint
// coordinates divided by the image side; L2 loss (Σ over the 28 numbers,
// mean over images); Adam with cosine decay. DeepPose's cascade of refining
// stages is left out: one stage, as in the lecture's slide.
// Numbers: PCK@0.2 per joint and overall (a joint is right when it lies
// within 0.2 x torso diameter of the truth; torso = neck to mid-hip), mean
// error in pixels, and the same for a baseline that predicts the mean pose.
// Figures: predicted skeletons over test images, PCK per joint, PCK vs
// threshold, training curve.
import Datasets
import Foundation
import Layers
import Plot
import Tensor

public enum PoseRegression: Experiment {
  public static let id = "pose-regression"
  public static let title = "Human pose as regression (DeepPose)"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = [FashionScenesData.self]

  public struct Config: Codable, Sendable {
    public var trainFigures: Int
    public var testFigures: Int
    public var epochs: Int
    public var batchSize = 64
    public var learningRate: Float = 0.002
    public var netSeed: UInt64 = 5
    /// The PCK@0.2 this profile must reach.
    public var pckBar: Double
  }

  public static let full = Config(trainFigures: 8_000, testFigures: 1_000, epochs: 4, pckBar: 0.75)
  public static let quick = Config(trainFigures: 1_500, testFigures: 300, epochs: 2, pckBar: 0.3)

  static let joints = StickFigures.jointNames.count

  static func makeNetwork(seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    let trunk = LocalizationNetwork.makeTrunk(using: &rng)
    let head: [any Layer] = [
      Linear(name: "fc1", inputs: 1024, outputs: 128, using: &rng), ReLU(name: "fc1.relu"),
      Linear(name: "joints", inputs: 128, outputs: 2 * joints, using: &rng),
    ]
    let net = Sequential(trunk.layers + head)
    // Small output weights (as a box regressor); the bias is set to the mean pose before training.
    if let last = net.layers.last as? Linear {
      last.weight.value.scale(by: 0.01)
      last.bias.value = Tensor(shape: [2 * joints], repeating: 0.5)
    }
    return net
  }

  /// Joints as (N, 28) targets in [0, 1]: x0, y0, x1, y1, ...
  static func targets(_ figures: StickFigures) -> Tensor {
    let side = Float(figures.size)
    return Tensor(shape: [figures.count, 2 * joints], scalars: figures.joints.flatMap { $0.flatMap { [Float($0.x) / side, Float($0.y) / side] } })
  }

  static func decode(_ outputs: Tensor, side: Int) -> [[(x: Double, y: Double)]] {
    (0..<outputs.shape[0]).map { i in
      (0..<joints).map { j in
        (Double(outputs.scalars[i * 2 * joints + 2 * j]) * Double(side), Double(outputs.scalars[i * 2 * joints + 2 * j + 1]) * Double(side))
      }
    }
  }

  struct History: Codable { var losses: [Float] = [] }

  static func train(_ net: Sequential, _ figures: StickFigures, _ config: Config, context: RunContext) -> History {
    var history = History()
    let targets = targets(figures)
    // The output starts at the mean training pose; the net learns the residual.
    if let last = net.layers.last as? Linear {
      last.bias.value = Tensor(shape: [2 * joints], scalars: (0..<(2 * joints)).map { k in
        (0..<figures.count).map { targets.scalars[$0 * 2 * joints + k] }.reduce(0, +) / Float(figures.count)
      })
    }
    var rng = SplitMix64(seed: context.seed).derived("pose.shuffle")
    var adam = Adam(learningRate: config.learningRate)
    let n = figures.count
    let perEpoch = (n + config.batchSize - 1) / config.batchSize
    let total = perEpoch * config.epochs
    let progress = TrainingProgress(label: "pose", totalSteps: total)
    var step = 0
    for epoch in 1...config.epochs {
      var order = Array(0..<n)
      for i in Swift.stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
      for start in Swift.stride(from: 0, to: n, by: config.batchSize) {
        let batch = Array(order[start..<min(start + config.batchSize, n)])
        adam.learningRate = config.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(total))))
        var trace = Trace()
        let prediction = net.forward(LocalizationNetwork.normalized(figures.images.gather(batch)), mode: .train, trace: &trace)
        let loss = l2Loss(prediction: prediction, target: targets.gather(batch))
        net.zeroGrad()
        trace.backward(seeds: [net.outputName: loss.gradient], inputGradient: false)
        adam.step(net.parameters)
        history.losses.append(loss.value)
        step += 1
        progress.update(epoch: epoch, epochs: config.epochs, step: step, loss: loss.value, accuracy: 0, images: step * config.batchSize)
      }
    }
    return history
  }

  static func predict(_ net: Sequential, _ images: Tensor) -> Tensor {
    var out: [Float] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: 256) {
      out += net.forward(LocalizationNetwork.normalized(images.slice(start..<min(start + 256, n))), mode: .test).scalars
    }
    return Tensor(shape: [n, 2 * joints], scalars: out)
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let train = context.timed("generate") { SceneSets.figures(.train, count: config.trainFigures, runSeed: context.seed) }
    let test = context.timed("generate") { SceneSets.figures(.test, count: config.testFigures, runSeed: context.seed) }

    // 2. Train (or load).
    let net = makeNetwork(seed: config.netSeed)
    let configJSON = String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self)
    let key = ModelCache.key([
      id, configJSON, "seed \(context.seed)", "threads \(context.threads)",
      CodeFingerprint.of(["Sources/Layers", "Sources/Datasets", "Sources/Experiments/Support", "Sources/Experiments/PoseRegression.swift"] + CodeFingerprint.numericCore),
    ])
    let history = try context.timed("train") {
      try context.cachedTraining(key: key, network: net, note: "model") { Self.train(net, train, config, context: context) }
    }
    let predicted = context.timed("evaluate") { decode(predict(net, test.images), side: test.size) }

    // Baseline: every test figure gets the mean training pose.
    let meanPose = (0..<joints).map { j in
      (train.joints.map { $0[j].x }.reduce(0, +) / Double(train.count), train.joints.map { $0[j].y }.reduce(0, +) / Double(train.count))
    }
    let baseline = [[(x: Double, y: Double)]](repeating: meanPose.map { (x: $0.0, y: $0.1) }, count: test.count)

    // 3. Numbers.
    let perJoint = StickFigures.pck(predicted: predicted, truth: test.joints, fraction: 0.2)
    let baselinePerJoint = StickFigures.pck(predicted: baseline, truth: test.joints, fraction: 0.2)
    let pck = perJoint.reduce(0, +) / Double(joints)
    context.record("trainFigures", config.trainFigures)
    context.record("testFigures", config.testFigures)
    context.record("epochs", config.epochs)
    context.record("pck", pck, format: ".1%")
    context.record("pckBar", config.pckBar, format: ".0%")
    context.record("baseline.pck", baselinePerJoint.reduce(0, +) / Double(joints), format: ".1%")
    context.record("meanError", meanError(predicted, test.joints), unit: "px", format: ".2f")
    context.record("baseline.meanError", meanError(baseline, test.joints), unit: "px", format: ".2f")
    context.record("firstLoss", Double(history.losses.prefix(10).reduce(0, +) / Float(min(10, history.losses.count))), format: ".4f")
    context.record("finalLoss", Double(history.losses.suffix(10).reduce(0, +) / Float(min(10, history.losses.count))), format: ".4f")
    let worst = perJoint.indices.min { perJoint[$0] < perJoint[$1] }!
    let best = perJoint.indices.max { perJoint[$0] < perJoint[$1] }!
    context.record("worstJoint.pck", perJoint[worst], format: ".1%")
    context.record("bestJoint.pck", perJoint[best], format: ".1%")
    context.record("worstJoint", worst)
    for (j, name) in StickFigures.jointNames.enumerated() {
      context.record("joint.\(jointKey(name)).pck", perJoint[j], format: ".1%")
    }
    let torsoMean = test.joints.map { t in hypot(t[12].x - (t[2].x + t[3].x) / 2, t[12].y - (t[2].y + t[3].y) / 2) }.reduce(0, +) / Double(test.count)
    context.record("torso.mean", torsoMean, unit: "px", format: ".1f")
    context.table(
      "perJoint", caption: "PCK@0.2 per joint on the test figures: the net, and the mean-pose baseline.",
      columns: ["joint", "PCK@0.2", "mean pose"], formats: ["", ".1%", ".1%"],
      rows: StickFigures.jointNames.indices.map { [.string(StickFigures.jointNames[$0]), .number(perJoint[$0]), .number(baselinePerJoint[$0])] })
    let thresholds = Swift.stride(from: 0.0, through: 0.5, by: 0.025).map { $0 }
    let curve = thresholds.map { f in StickFigures.pck(predicted: predicted, truth: test.joints, fraction: f).reduce(0, +) / Double(joints) }
    let baselineCurve = thresholds.map { f in StickFigures.pck(predicted: baseline, truth: test.joints, fraction: f).reduce(0, +) / Double(joints) }

    // 4. Figures.
    try context.figure("skeletons", caption: "Test figures: true joints (white) and predicted skeleton (yellow).", skeletonsFigure(test, predicted))
    try context.figure("pck", caption: "Left: PCK@0.2 per joint. Right: PCK as the threshold (fraction of the torso) grows.",
      pckFigure(perJoint: perJoint, baseline: baselinePerJoint, thresholds: thresholds, curve: curve, baselineCurve: baselineCurve))
    try context.figure("training-curve", caption: "L2 loss on the normalized joint coordinates during training.", lossFigure(history))
  }

  static func meanError(_ predicted: [[(x: Double, y: Double)]], _ truth: [[(x: Double, y: Double)]]) -> Double {
    var sum = 0.0
    for (p, t) in zip(predicted, truth) { for j in 0..<joints { sum += hypot(p[j].x - t[j].x, p[j].y - t[j].y) } }
    return sum / Double(max(truth.count * joints, 1))
  }

  /// "right ankle" -> "rightAnkle".
  static func jointKey(_ name: String) -> String {
    let words = name.split(separator: " ").map(String.init)
    return words.enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
  }
}
