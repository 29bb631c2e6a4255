// Localization as regression (CS231n lecture 8): a classification head and a
// box-regression head on one ConvNet. Chapter: chapters/03-localization-regression.md.
//
// Inputs: the `localization` (one object) and `pairs` (two objects) scene
// sets of SceneSets, 48 x 48 RGB.
// Algorithm (the lecture's recipe, LocalizationNetwork for the net):
//   1. train the classification net (trunk + classifier) with softmax loss;
//   2. attach a regression head and train it alone on the frozen features
//      (features computed once), L2 loss on the box corners;
//   3. fine-tune everything on class loss + weight * box loss;
//   4. at test time, read both heads: the class, and the box (for a
//      class-specific head, the predicted class's box).
// Variants side by side: head after the conv layers vs after the last hidden
// FC layer; class-agnostic (4 numbers) vs class-specific (C x 4); and K x 4
// for exactly K = 2 objects (slots ordered left to right by box centre).
// Numbers: classification accuracy, mean IoU, localization accuracy (right
// class and IoU >= 0.5) for every variant after step 2 and after step 3.
// Figures: training curves, predicted vs true boxes on test scenes, the IoU
// distribution of each variant.
import Datasets
import Detection
import Foundation
import Layers
import Plot
import Tensor

public enum LocalizationRegression: Experiment {
  public static let id = "localization-regression"
  public static let title = "Localization as regression"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = [FashionScenesData.self]
  public static let dataFiles = Array(FashionMNIST.expected.keys).sorted()

  public struct Config: Codable, Sendable {
    public var trainScenes: Int
    public var testScenes: Int
    /// Training scenes used by step 3 (the first ones) and by the two-object net.
    public var fineTuneScenes: Int
    public var pairScenes: Int
    /// Epochs of step 1 (classification), step 2 (head on frozen features), step 3 (fine-tuning).
    public var classEpochs: Int
    public var headEpochs: Int
    public var fineTuneEpochs: Int
    /// Epochs on the two-object scenes (from the step-1 trunk).
    public var pairEpochs: Int
    public var batchSize = 64
    /// Adam's learning rates (cosine decay to zero within each step).
    public var learningRate: Float = 0.002
    public var fineTuneLearningRate: Float = 0.0003
    public var pairLearningRate: Float = 0.001
    public var headLearningRate: Float = 0.001
    /// Weight of the box loss against the class loss when both are trained.
    public var boxWeight: Float = 5
    public var netSeed: UInt64 = 3
    /// Localization accuracy the best one-object variant must reach.
    public var localizationBar: Double
  }

  public static let full = Config(
    trainScenes: 14_000, testScenes: 2_000, fineTuneScenes: 4_000, pairScenes: 8_000, classEpochs: 5, headEpochs: 6, fineTuneEpochs: 1,
    pairEpochs: 2, localizationBar: 0.6)
  public static let quick = Config(
    trainScenes: 3_000, testScenes: 400, fineTuneScenes: 500, pairScenes: 1_000, classEpochs: 3, headEpochs: 3, fineTuneEpochs: 1,
    pairEpochs: 1, localizationBar: 0.3)

  /// A variant of the regression head.
  struct Variant {
    let key: String
    let label: String
    let attachment: LocalizationNetwork.Attachment
    let classSpecific: Bool
  }

  static let variants = [
    Variant(key: "fc", label: "after FC, class-agnostic", attachment: .fc, classSpecific: false),
    Variant(key: "conv", label: "after conv, class-agnostic", attachment: .conv, classSpecific: false),
    Variant(key: "fcSpecific", label: "after FC, class-specific", attachment: .fc, classSpecific: true),
  ]

  /// Loss curves and test scores, saved beside the weights so a cached load reports the same numbers.
  struct History: Codable {
    var classLoss: [Float] = []
    var boxLoss: [Float] = []
    var frozen: Scores? = nil
  }

  struct Scores: Codable {
    var classAccuracy: Double
    var meanIoU: Double
    var localizationAccuracy: Double
  }

  /// Everything the experiment (and `sliding-window`) needs.
  struct Data {
    let train: FashionScenes
    let test: FashionScenes
    let trainItems: FashionMNIST
  }

  static func data(_ config: Config, context: RunContext) throws -> Data {
    let trainItems = try FashionMNIST.load(.train, folder: context.dataFolder)
    let testItems = try FashionMNIST.load(.test, folder: context.dataFolder)
    for (name, sum) in trainItems.checksums.merging(testItems.checksums, uniquingKeysWith: { a, _ in a }) { context.usedData(name, checksum: sum) }
    return Data(
      train: SceneSets.scenes("localization", .train, count: config.trainScenes, source: trainItems, runSeed: context.seed),
      test: SceneSets.scenes("localization", .test, count: config.testScenes, source: testItems, runSeed: context.seed),
      trainItems: trainItems)
  }

  static func cacheKey(_ stage: String, _ config: Config, context: RunContext) -> String {
    let configJSON = String(decoding: (try? JSONEncoder.sorted.encode(config)) ?? Foundation.Data(), as: UTF8.self)
    return ModelCache.key([
      id, stage, configJSON, "seed \(context.seed)", "threads \(context.threads)",
      FashionMNIST.expected.keys.sorted().map { "\($0)=\(FashionMNIST.expected[$0]!.crc32)" }.joined(separator: ","),
      CodeFingerprint.of(["Sources/Layers", "Sources/Datasets"] + CodeFingerprint.numericCore + sourcePaths.filter { $0.hasPrefix("Sources/Experiments/") }),
    ])
  }

  /// Runs `train` unless the cache has the net; returns the history saved with it.
  static func cached(
    _ stage: String, _ net: LocalizationNetwork, _ config: Config, context: RunContext, train: () throws -> History
  ) throws -> History {
    try context.cachedTraining(key: cacheKey(stage, config, context: context), network: net.all, note: "model.\(stage)", train: train)
  }

  // MARK: - The three training steps

  /// Step 1: the classification net.
  static func trainClassifier(_ net: LocalizationNetwork, _ scenes: FashionScenes, _ config: Config, context: RunContext) -> History {
    var history = History()
    let (labels, boxes) = LocalizationNetwork.targets(scenes.objects)
    var rng = SplitMix64(seed: context.seed).derived("localization.classifier")
    var adam = Adam(learningRate: config.learningRate)
    runEpochs(config.classEpochs, label: "localization: classifier", images: scenes.images, labels: labels, boxes: boxes, net: net, config: config, using: &rng) {
      step, total, images, labels, boxes in
      adam.learningRate = config.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(total))))
      let r = net.trainStep(images: images, labels: labels, boxTargets: boxes, parts: .classification, boxWeight: 0, optimizer: &adam)
      history.classLoss.append(r.classLoss)
      return (r.classLoss, r.correct)
    }
    return history
  }

  /// Step 2: the regression head alone, on features computed once from the frozen trunk.
  static func trainHead(_ net: LocalizationNetwork, _ scenes: FashionScenes, _ config: Config, context: RunContext) -> [Float] {
    let features = net.regressorInput(scenes.images)
    let (labels, boxes) = LocalizationNetwork.targets(scenes.objects)
    var rng = SplitMix64(seed: context.seed).derived("localization.head.\(net.attachment).\(net.classSpecific)")
    var adam = Adam(learningRate: config.headLearningRate)
    var losses: [Float] = []
    let n = scenes.count
    for _ in 0..<config.headEpochs {
      var order = Array(0..<n)
      for i in Swift.stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
      for start in Swift.stride(from: 0, to: n, by: config.batchSize) {
        let batch = Array(order[start..<min(start + config.batchSize, n)])
        var trace = Trace()
        let prediction = net.regressor.forward(features.gather(batch), mode: .train, trace: &trace)
        let loss = net.boxLoss(prediction: prediction, labels: batch.map { labels[$0] }, targets: boxes.gather(batch))
        net.regressor.zeroGrad()
        trace.backward(seeds: [net.regressor.outputName: loss.gradient], inputGradient: false)
        adam.step(net.regressor.parameters)
        losses.append(loss.value)
      }
    }
    return losses
  }

  /// Step 3 (and the two-object net): every layer on class loss + weight * box loss.
  static func fineTune(
    _ net: LocalizationNetwork, _ images: Tensor, objects: [[LabeledBox]], epochs: Int, learningRate: Float, _ config: Config,
    label: String, context: RunContext
  ) -> History {
    var history = History()
    let (labels, boxes) = LocalizationNetwork.targets(objects)
    var rng = SplitMix64(seed: context.seed).derived("localization.finetune.\(label)")
    var adam = Adam(learningRate: learningRate)
    runEpochs(epochs, label: "localization: \(label)", images: images, labels: labels, boxes: boxes, net: net, config: config, using: &rng) {
      step, total, images, labels, boxes in
      adam.learningRate = learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(total))))
      let r = net.trainStep(images: images, labels: labels, boxTargets: boxes, parts: .all, boxWeight: config.boxWeight, optimizer: &adam)
      history.classLoss.append(r.classLoss)
      history.boxLoss.append(r.boxLoss)
      return (r.classLoss + config.boxWeight * r.boxLoss, r.correct)
    }
    return history
  }

  /// Shuffled minibatch epochs with progress; `step` trains on one batch and returns (loss, correct labels).
  static func runEpochs(
    _ epochs: Int, label: String, images: Tensor, labels: [Int], boxes: Tensor, net: LocalizationNetwork, config: Config,
    using rng: inout SplitMix64, step: (Int, Int, Tensor, [Int], Tensor) -> (Float, Int)
  ) {
    let n = images.shape[0]
    let slots = labels.count / max(n, 1)
    let perEpoch = (n + config.batchSize - 1) / config.batchSize
    let progress = TrainingProgress(label: label, totalSteps: perEpoch * epochs)
    var done = 0, seen = 0
    for epoch in 1...max(epochs, 1) where epochs > 0 {
      var order = Array(0..<n)
      for i in Swift.stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
      var correct = 0, count = 0
      for start in Swift.stride(from: 0, to: n, by: config.batchSize) {
        let batch = Array(order[start..<min(start + config.batchSize, n)])
        let batchLabels = batch.flatMap { i in labels[(i * slots)..<((i + 1) * slots)] }
        let (loss, right) = step(done, perEpoch * epochs, images.gather(batch), batchLabels, boxes.gather(batch))
        done += 1
        seen += batch.count
        correct += right
        count += batchLabels.count
        progress.update(epoch: epoch, epochs: epochs, step: done, loss: loss, accuracy: Double(correct) / Double(count), images: seen)
      }
    }
  }

  // MARK: - Scores

  /// Class accuracy, mean IoU and localization accuracy over every object slot.
  static func score(_ predicted: [[LabeledBox]], _ truth: [[LabeledBox]]) -> (Scores, ious: [Double]) {
    var right = 0, localized = 0, total = 0
    var ious: [Double] = []
    for (p, t) in zip(predicted, truth) {
      for (a, b) in zip(p, t) {
        let iou = a.overlap(b)
        ious.append(iou)
        total += 1
        if a.label == b.label { right += 1 }
        if a.label == b.label && iou >= 0.5 { localized += 1 }
      }
    }
    let n = Double(max(total, 1))
    return (Scores(classAccuracy: Double(right) / n, meanIoU: ious.reduce(0, +) / n, localizationAccuracy: Double(localized) / n), ious)
  }

  static func evaluate(_ net: LocalizationNetwork, _ scenes: FashionScenes, objects: [[LabeledBox]]) -> (Scores, predicted: [[LabeledBox]], ious: [Double]) {
    let (logits, boxes) = net.predict(scenes.images)
    let predicted = net.decode(logits: logits, boxes: boxes)
    let (scores, ious) = score(predicted, objects)
    return (scores, predicted, ious)
  }

  /// Objects ordered left to right by box centre: the slot order of the K x 4 head.
  static func leftToRight(_ objects: [[LabeledBox]]) -> [[LabeledBox]] {
    objects.map { $0.sorted { ($0.x1 + $0.x2, $0.y1 + $0.y2) < ($1.x1 + $1.x2, $1.y1 + $1.y2) } }
  }

  // MARK: - The trained nets (also used by sliding-window)

  /// The step-1 classification net.
  static func backbone(_ config: Config, data: Data, context: RunContext) throws -> (LocalizationNetwork, History) {
    let net = LocalizationNetwork(attachment: .fc, seed: config.netSeed)
    let history = try cached("backbone", net, config, context: context) { trainClassifier(net, data.train, config, context: context) }
    return (net, history)
  }

  /// A variant after step 2 (frozen features) or step 3 (fine-tuned).
  static func variant(
    _ variant: Variant, fineTuned: Bool, backbone: LocalizationNetwork, _ config: Config, data: Data, context: RunContext
  ) throws -> (LocalizationNetwork, History) {
    let net = LocalizationNetwork(attachment: variant.attachment, classSpecific: variant.classSpecific, seed: config.netSeed &+ 1)
    let stage = "\(variant.key).\(fineTuned ? "finetuned" : "frozen")"
    let history = try cached(stage, net, config, context: context) {
      try net.loadBackbone(from: backbone)
      var history = History()
      history.boxLoss = trainHead(net, data.train, config, context: context)
      history.frozen = evaluate(net, data.test, objects: data.test.objects).0
      guard fineTuned else { return history }
      let subset = Array(0..<min(config.fineTuneScenes, data.train.count))
      let tuned = fineTune(
        net, data.train.images.gather(subset), objects: subset.map { data.train.objects[$0] }, epochs: config.fineTuneEpochs, learningRate: config.fineTuneLearningRate, config,
        label: variant.key, context: context)
      history.classLoss = tuned.classLoss
      history.boxLoss += tuned.boxLoss
      return history
    }
    return (net, history)
  }

  /// The net sliding-window slides: after FC, class-agnostic, fine-tuned
  /// (from the cache; trained here only if the cache lost it).
  static func slidingNetwork(_ config: Config, context: RunContext) throws -> LocalizationNetwork {
    let v = variants[0]
    let net = LocalizationNetwork(attachment: v.attachment, classSpecific: v.classSpecific, seed: config.netSeed &+ 1)
    if context.modelCache.load(cacheKey("\(v.key).finetuned", config, context: context), into: net.all, log: context.log) != nil {
      return net
    }
    let data = try data(config, context: context)
    let (backbone, _) = try backbone(config, data: data, context: context)
    return try variant(v, fineTuned: true, backbone: backbone, config, data: data, context: context).0
  }

  /// The step-1 classification net on the scenes (for the visualization
  /// chapters that need an object on a background), from the cache when possible.
  static func sceneClassifier(_ config: Config, context: RunContext) throws -> LocalizationNetwork {
    let net = LocalizationNetwork(attachment: .fc, seed: config.netSeed)
    if context.modelCache.load(cacheKey("backbone", config, context: context), into: net.all, log: context.log) != nil { return net }
    return try backbone(config, data: data(config, context: context), context: context).0
  }

  /// The scene classifier (trunk + classifier, input `LocalizationNetwork.normalized`)
  /// and the first `count` localization test scenes: what the visualization
  /// chapters probe when they need an object with a known box and mask.
  static func sceneClassifierAndTestScenes(count: Int, context: RunContext) throws -> (classifier: Sequential, scenes: FashionScenes) {
    let net = try context.timed("load network") { try sceneClassifier(config(for: context.profile), context: context) }
    let items = try FashionMNIST.load(.test, folder: context.dataFolder)
    for (name, sum) in items.checksums { context.usedData(name, checksum: sum) }
    return (net.classificationNetwork, SceneSets.scenes("localization", .test, count: count, source: items, runSeed: context.seed))
  }

  // MARK: - Run

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let data = try context.timed("generate scenes") { try Self.data(config, context: context) }
    let testItems = try FashionMNIST.load(.test, folder: context.dataFolder)
    let pairTrain = context.timed("generate scenes") {
      SceneSets.scenes("pairs", .train, count: config.pairScenes, source: data.trainItems, runSeed: context.seed)
    }
    let pairTest = SceneSets.scenes("pairs", .test, count: config.testScenes, source: testItems, runSeed: context.seed)

    // 2. Step 1, then each variant after steps 2 and 3.
    let (backbone, backboneHistory) = try context.timed("train classifier") { try Self.backbone(config, data: data, context: context) }
    let backboneScores = evaluate(backbone, data.test, objects: data.test.objects).0
    var results: [(variant: Variant, frozen: Scores, tuned: Scores, predicted: [[LabeledBox]], ious: [Double], history: History)] = []
    for v in variants {
      let (net, history) = try context.timed("train \(v.key)") { try variant(v, fineTuned: true, backbone: backbone, config, data: data, context: context) }
      let (scores, predicted, ious) = evaluate(net, data.test, objects: data.test.objects)
      results.append((v, history.frozen!, scores, predicted, ious, history))
    }
    // K x 4: two objects, slots left to right, from the step-1 trunk.
    let pairs = LocalizationNetwork(attachment: .fc, slots: 2, seed: config.netSeed &+ 2)
    let pairHistory = try context.timed("train pairs") {
      try cached("pairs", pairs, config, context: context) {
        try pairs.loadBackbone(from: backbone)
        return fineTune(
          pairs, pairTrain.images, objects: leftToRight(pairTrain.objects), epochs: config.pairEpochs, learningRate: config.pairLearningRate, config,
          label: "pairs", context: context)
      }
    }
    let pairTruth = leftToRight(pairTest.objects)
    let (pairScores, pairPredicted, _) = evaluate(pairs, pairTest, objects: pairTruth)

    // 3. Numbers.
    context.record("trainScenes", config.trainScenes)
    context.record("testScenes", config.testScenes)
    context.record("parameters", backbone.trunk.parameterCount + backbone.classifier.parameterCount)
    context.record("backbone.classAccuracy", backboneScores.classAccuracy, format: ".1%")
    context.record("localizationBar", config.localizationBar, format: ".0%")
    context.record("boxWeight", Double(config.boxWeight), format: ".0f")
    var rows: [[JSONValue]] = []
    for r in results {
      for (stage, s) in [("frozen", r.frozen), ("finetuned", r.tuned)] {
        context.record("\(r.variant.key).\(stage).classAccuracy", s.classAccuracy, format: ".1%")
        context.record("\(r.variant.key).\(stage).meanIoU", s.meanIoU, format: ".3f")
        context.record("\(r.variant.key).\(stage).localizationAccuracy", s.localizationAccuracy, format: ".1%")
        rows.append([
          .string(r.variant.label), .string(stage == "frozen" ? "head only (frozen features)" : "fine-tuned"),
          .number(s.classAccuracy), .number(s.meanIoU), .number(s.localizationAccuracy),
        ])
      }
    }
    context.record("pairs.classAccuracy", pairScores.classAccuracy, format: ".1%")
    context.record("pairs.meanIoU", pairScores.meanIoU, format: ".3f")
    context.record("pairs.localizationAccuracy", pairScores.localizationAccuracy, format: ".1%")
    rows.append([
      .string("K x 4 (K = 2), after FC"), .string("fine-tuned"), .number(pairScores.classAccuracy), .number(pairScores.meanIoU),
      .number(pairScores.localizationAccuracy),
    ])
    let best = results.max { $0.tuned.localizationAccuracy < $1.tuned.localizationAccuracy }!
    context.record("best.localizationAccuracy", best.tuned.localizationAccuracy, format: ".1%")
    context.record("best.variant", variants.firstIndex { $0.key == best.variant.key }!)
    context.table(
      "variants", caption: "Every head on the same test scenes (one object, except the K x 4 row).",
      columns: ["regression head", "training", "class accuracy", "mean IoU", "localization accuracy"],
      formats: ["", "", ".1%", ".3f", ".1%"], rows: rows)

    // 4. Figures.
    try context.figure(
      "curves", caption: "Step 1 (class loss), step 2 (box loss of the head alone), step 3 (both losses, fine-tuning); after-FC head.",
      curvesFigure(backbone: backboneHistory, variant: results[0].history))
    try context.figure("predictions", caption: "Test scenes: true boxes (white) and the fine-tuned after-FC head's boxes with their predicted class (yellow).",
      predictionsFigure(data.test, predicted: results[0].predicted, pairs: pairTest, pairPredicted: pairPredicted))
    try context.figure("iou-distribution", caption: "IoU with the true box over the test scenes, per fine-tuned head.",
      iouFigure(results.map { ($0.variant.label, $0.ious) }))
  }
}
