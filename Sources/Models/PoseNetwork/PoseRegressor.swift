// DeepPose's first stage (Toshev & Szegedy, "DeepPose: Human Pose Estimation
// via Deep Neural Networks", CVPR 2014) on generated stick figures: the scene
// trunk (valid 3x3 convs with BatchNorm, ReLU, 2x2 max-pooling; see
// LocalizationNetwork), fc 1024->128, ReLU, fc 128->28, regressing the (x, y)
// of the 14 joints (Leeds Sports Pose order) divided by the image side. L2
// loss (sum over the 28 numbers, mean over images); Adam with cosine decay;
// the output bias starts at the mean training pose, so the net learns the residual.
import Datasets
import ExperimentKit
import Layers
import Tensor

public struct PoseRegressor: TrainedModel {
  public struct Config: Codable, Sendable, Equatable {
    public var trainFigures: Int
    public var epochs: Int
    public var batchSize = 64
    public var learningRate: Float = 0.002
    public var netSeed: UInt64 = 5

    public init(trainFigures: Int, epochs: Int) { (self.trainFigures, self.epochs) = (trainFigures, epochs) }
  }

  public static let full = Config(trainFigures: 8_000, epochs: 4)
  public static let quick = Config(trainFigures: 1_500, epochs: 2)
  /// Three times the full training figures, twice the epochs.
  public static let large = Config(trainFigures: 24_000, epochs: 8)

  public struct History: Codable, Sendable { public var losses: [Float] = [] }

  public let config: Config
  public init(config: Config) { self.config = config }
  public init(profile: Profile) {
    switch profile {
    case .quick: self.init(config: Self.quick)
    case .full: self.init(config: Self.full)
    case .large: self.init(config: Self.large)
    }
  }

  public static let joints = StickFigures.jointNames.count
  public var name: String { "pose-regressor" }
  public static let folder = "Models/PoseNetwork"
  public static let uses = ["Layers", "Datasets", "Models/SceneNetwork"]
  public static let dataFiles: [String] = []
  public var settings: String { settingsJSON(config) }
  public func weights(of network: Sequential) -> Sequential { network }

  public func makeNetwork() -> Sequential {
    var rng = SplitMix64(seed: config.netSeed)
    let trunk = LocalizationNetwork.makeTrunk(using: &rng)
    let head: [any Layer] = [
      Linear(name: "fc1", inputs: 1024, outputs: 128, using: &rng), ReLU(name: "fc1.relu"),
      Linear(name: "joints", inputs: 128, outputs: 2 * Self.joints, using: &rng),
    ]
    let net = Sequential(trunk.layers + head)
    // Small output weights (as a box regressor); the bias is set to the mean pose before training.
    if let last = net.layers.last as? Linear {
      last.weight.value.scale(by: 0.01)
      last.bias.value = Tensor(shape: [2 * Self.joints], repeating: 0.5)
    }
    return net
  }

  /// The training figures (from the run's seed).
  public func trainingFigures(_ context: RunContext) -> StickFigures {
    SceneSets.figures(.train, count: config.trainFigures, runSeed: context.seed)
  }

  /// Joints as (N, 28) targets in [0, 1]: x0, y0, x1, y1, ...
  public static func targets(_ figures: StickFigures) -> Tensor {
    let side = Float(figures.size)
    return Tensor(shape: [figures.count, 2 * joints], scalars: figures.joints.flatMap { $0.flatMap { [Float($0.x) / side, Float($0.y) / side] } })
  }

  public static func decode(_ outputs: Tensor, side: Int) -> [[(x: Double, y: Double)]] {
    (0..<outputs.shape[0]).map { i in
      (0..<joints).map { j in
        (Double(outputs.scalars[i * 2 * joints + 2 * j]) * Double(side), Double(outputs.scalars[i * 2 * joints + 2 * j + 1]) * Double(side))
      }
    }
  }

  /// The net's outputs (N, 28) for `images`, 256 at a time in test mode.
  public static func predict(_ net: Sequential, _ images: Tensor) -> Tensor {
    var out: [Float] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: 256) {
      out += net.forward(LocalizationNetwork.normalized(images.slice(start..<min(start + 256, n))), mode: .test).scalars
    }
    return Tensor(shape: [n, 2 * joints], scalars: out)
  }

  public func train(_ net: Sequential, in context: RunContext) throws -> History {
    let figures = trainingFigures(context)
    let joints = Self.joints
    var history = History()
    let targets = Self.targets(figures)
    // The output starts at the mean training pose; the net learns the residual.
    if let last = net.layers.last as? Linear {
      last.bias.value = Tensor(shape: [2 * joints], scalars: (0..<(2 * joints)).map { k in
        (0..<figures.count).map { targets.scalars[$0 * 2 * joints + k] }.reduce(0, +) / Float(figures.count)
      })
    }
    var rng = SplitMix64(seed: context.seed).derived("pose.shuffle")
    var adam = Adam(learningRate: config.learningRate)
    let loop = TrainingLoop(label: "pose", examples: figures.count, batchSize: config.batchSize, epochs: config.epochs)
    loop.run(using: &rng) { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      var trace = Trace()
      let prediction = net.forward(LocalizationNetwork.normalized(figures.images.gather(step.indices)), mode: .train, trace: &trace)
      let loss = l2Loss(prediction: prediction, target: targets.gather(step.indices))
      net.zeroGrad()
      trace.backward(seeds: [net.outputName: loss.gradient], inputGradient: false)
      adam.step(net.parameters)
      history.losses.append(loss.value)
      return .init(loss: loss.value)
    }
    return history
  }
}
