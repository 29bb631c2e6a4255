// Fast R-CNN (Girshick, "Fast R-CNN", ICCV 2015) on FashionScenes. Chapter:
// chapters/10-fast-rcnn.md. Network, head and training: Models/FastRCNN.
//
// Inputs: the DetectionSuite scenes (128 px, one to five objects) and their
// Selective Search "fast" proposals; the trained scene classifier
// (Models/SceneNetwork) whose trunk up to conv3's ReLU is the shared conv
// layers (28 x 28 x 64 at stride 4) and whose `cls.fc1` starts the head.
// Algorithm and numbers:
//   - the sampled minibatch regions of a training scene (figure, counts);
//   - two networks trained end to end with the multi-task loss (softmax +
//     λ smooth L1): through RoI pooling into conv2 and conv3 ("fine-tuned"),
//     and with every conv layer frozen (FC layers only): the paper's
//     "which layers to fine-tune?" (§4.5, Table 5). Their loss curves;
//   - VOC 2007 11-point mAP of both on `DetectionSuite.testScenes`, with the
//     same proposals; AP per class;
//   - test time per image, split into proposals, the conv pass and the RoI
//     head (noisy: timings.json), and the recorded training times;
//   - a gradient check of the head through RoI pooling into the real map;
//   - the lecture's step 1 (FastRCNN+Pretraining.swift): trunks of three
//     depths pretrained on our ImageNet, and Fast R-CNN trained from them or
//     from random weights.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum FastRCNNExperiment: Experiment {
  public static let id = "fast-rcnn"
  public static let title = "Fast R-CNN"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/FastRCNN"
  public static let uses = [
    "Layers", "Datasets", "Detection", "Plot", FastRCNN.folder, SceneClassifier.folder, DetectionSuite.folder, "Models/SceneProposals", PretrainedTrunk.folder,
  ]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Training epochs over the training scenes (both networks).
    public var epochs: Int
    /// Regions sampled per scene (R / N; the paper's 64).
    public var regionsPerImage: Int
    /// Adam's learning rate.
    public var learningRate: Float
    /// λ of the multi-task loss.
    public var lambda: Float
    /// Test scenes drawn with their detections.
    public var figureScenes: Int
    /// Repeats of the timed test pass (best of).
    public var timingRepeats: Int
    /// Coordinates sampled by the gradient check.
    public var gradientSamples: Int
  }

  public static let quick = Config(
    epochs: FastRCNNConfig.of(.quick).epochs, regionsPerImage: 32, learningRate: FastRCNNConfig.of(.quick).learningRate, lambda: 1, figureScenes: 4, timingRepeats: 2, gradientSamples: 12)
  public static let full = Config(
    epochs: FastRCNNConfig.of(.full).epochs, regionsPerImage: 32, learningRate: FastRCNNConfig.of(.full).learningRate, lambda: 1, figureScenes: 4, timingRepeats: 3, gradientSamples: 30)

  /// The model configuration of the run's profile with the experiment's fields.
  static func modelConfig(_ config: Config, profile: Profile) -> FastRCNNConfig {
    var m = FastRCNNConfig.of(profile)
    (m.epochs, m.regionsPerImage, m.learningRate, m.lambda) = (config.epochs, config.regionsPerImage, config.learningRate, config.lambda)
    return m
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the suite's test scenes and proposals, a training scene's sampled regions.
    let model = modelConfig(config, profile: context.profile)
    let sizes = model.suite
    let test = try DetectionSuite.testScenes(count: sizes.testScenes, context: context)
    let proposalStart = Date()
    let proposals = DetectionSuite.proposals(test, split: .test, keep: sizes.proposalsPerScene, context: context)
    let proposalSeconds = Date().timeIntervalSince(proposalStart)
    context.record("suite.trainScenes", sizes.trainScenes)
    context.record("suite.testScenes", sizes.testScenes)
    context.record("suite.proposalsPerScene", sizes.proposalsPerScene)
    context.record("proposals.mean", Double(proposals.map(\.count).reduce(0, +)) / Double(max(proposals.count, 1)), format: ".0f")
    context.record("batch.images", model.imagesPerBatch)
    context.record("batch.regionsPerImage", model.regionsPerImage)
    context.record("batch.regions", model.imagesPerBatch * model.regionsPerImage)
    context.record("loss.lambda", Double(model.lambda), format: ".1f")
    let train = try DetectionSuite.trainScenes(count: min(8, sizes.trainScenes), context: context)
    let trainProposals = DetectionSuite.proposals(train, split: .train, keep: sizes.proposalsPerScene, context: context)
    let sampled = sampledRegions(train, trainProposals, model, context: context)

    // 2. The two networks (cached), trained end to end or with frozen conv layers.
    _ = try context.model(SceneClassifier(config: model.classifier))  // first, so it is not in Fast R-CNN's training time
    var nets: [FastRCNN.Variant: Trained<FastRCNN>] = [:]
    for v in FastRCNN.Variant.allCases {
      nets[v] = try context.timed("load or train \(v.rawValue)") { try context.model(FastRCNN(v, config: model)) }
    }
    guard let tuned = nets[.fineTuned], let frozen = nets[.frozen] else { return }
    context.record("train.steps", tuned.history.classLoss.count)
    context.record("train.epochs", model.epochs)
    curves(tuned.history, key: "fineTuned", context: context)
    curves(frozen.history, key: "frozen", context: context)
    context.record("params.trained.fineTuned", (tuned.network.trainedTrunk.parameterCount + tuned.network.head.layers.parameterCount))
    context.record("params.trained.frozen", frozen.network.head.layers.parameterCount)
    for (v, t) in nets {
      context.measure("time.train.\(v.rawValue)", t.history.loopSeconds, unit: "s", format: ".1f")
      if let s = t.trainingSeconds { context.measure("time.train.recorded.\(v.rawValue)", s, unit: "s", format: ".1f") }
    }

    // 3. Detection: VOC 2007 mAP of both on the same test scenes and proposals.
    var results: [FastRCNN.Variant: (detections: [[ScoredDetection]], scores: SceneDetectionScores)] = [:]
    for (v, t) in nets {
      let found = context.timed("detect \(v.rawValue)") { t.network.detect(test.images, proposals: proposals) }
      results[v] = (found, test.score(found))
    }
    guard let tunedResult = results[.fineTuned], let frozenResult = results[.frozen] else { return }
    context.record("map07.fineTuned", 100 * tunedResult.scores.map07, unit: "%", format: ".1f")
    context.record("map07.frozen", 100 * frozenResult.scores.map07, unit: "%", format: ".1f")
    context.record("map07.gain", 100 * (tunedResult.scores.map07 - frozenResult.scores.map07), unit: "points", format: ".1f")
    context.record("map10.fineTuned", 100 * tunedResult.scores.map10, unit: "%", format: ".1f")
    context.record("coco.ap.fineTuned", 100 * tunedResult.scores.coco.ap, unit: "%", format: ".1f")
    context.record("detections.perScene", Double(tunedResult.detections.map(\.count).reduce(0, +)) / Double(max(test.count, 1)), format: ".1f")
    perClassTable(tunedResult.scores, frozenResult.scores, context: context)

    // 4. Test time per image: proposals, the conv pass, the RoI head (best of a few passes).
    try timing(tuned.network, test, proposals, proposalSeconds: proposalSeconds, repeats: config.timingRepeats, context: context)

    // 5. The head's backward through RoI pooling, checked on a real map.
    gradientCheck(tuned.network, test, proposals, samples: config.gradientSamples, context: context)

    // 6. Step 1 of the lecture: pretrained trunks of three depths, and Fast R-CNN from them or from scratch.
    try pretraining(context, test: test, proposals: proposals)

    // 7. Figures.
    try figures(context, config: config, train: train, sampled: sampled, tuned: tuned.history, frozen: frozen.history, test: test,
                tunedResult: tunedResult, frozenResult: frozenResult)
  }
}
