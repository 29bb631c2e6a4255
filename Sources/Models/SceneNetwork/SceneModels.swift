// The trained scene networks, as TrainedModel recipes (cache keys derived
// from this declaration; see ExperimentKit's TrainedModel):
//   SceneClassifier  step 1: trunk + classifier on the `localization` scenes
//                    (also what occlusion and saliency probe);
//   SceneLocalizer   steps 2 and 3 for one regression head (after FC or after
//                    conv, class-agnostic or class-specific), from the classifier;
//   PairLocalizer    K x 4 with K = 2 on the `pairs` scenes (slots left to right).
import Datasets
import Detection
import ExperimentKit
import Layers
import Tensor

/// The training and test scenes the scene networks learn from (one object, 48 px).
public struct SceneTrainingData {
  public let train: FashionScenes
  public let test: FashionScenes
  public let trainItems: FashionMNIST

  public static func load(_ config: SceneNetworkConfig, context: RunContext) throws -> SceneTrainingData {
    let trainItems = try context.fashionMNIST(.train)
    let testItems = try context.fashionMNIST(.test)
    return SceneTrainingData(
      train: SceneSets.scenes("localization", .train, count: config.trainScenes, source: trainItems, runSeed: context.seed),
      test: SceneSets.scenes("localization", .test, count: config.testScenes, source: testItems, runSeed: context.seed),
      trainItems: trainItems)
  }
}

public struct SceneClassifier: TrainedModel {
  public let config: SceneNetworkConfig
  public init(config: SceneNetworkConfig) { self.config = config }
  public init(profile: Profile) { self.init(config: .of(profile)) }

  public var name: String { "scene-classifier" }
  public static let folder = "Models/SceneNetwork"
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public func makeNetwork() -> LocalizationNetwork { LocalizationNetwork(attachment: .fc, seed: config.netSeed) }
  public func weights(of network: LocalizationNetwork) -> Sequential { network.all }

  public func train(_ net: LocalizationNetwork, in context: RunContext) throws -> SceneTrainingHistory {
    let data = try SceneTrainingData.load(config, context: context)
    return SceneTraining.trainClassifier(net, data.train, config, context: context)
  }
}

public struct SceneLocalizer: TrainedModel {
  /// Where the regression head reads from, and whether it predicts a box per class.
  public struct Variant: Sendable {
    public let key: String
    public let label: String
    public let attachment: LocalizationNetwork.Attachment
    public let classSpecific: Bool
  }

  public static let variants = [
    Variant(key: "fc", label: "after FC, class-agnostic", attachment: .fc, classSpecific: false),
    Variant(key: "conv", label: "after conv, class-agnostic", attachment: .conv, classSpecific: false),
    Variant(key: "fcSpecific", label: "after FC, class-specific", attachment: .fc, classSpecific: true),
  ]

  public let variant: Variant
  public let config: SceneNetworkConfig
  public init(_ variant: Variant, config: SceneNetworkConfig) { (self.variant, self.config) = (variant, config) }

  public var name: String { "scene-localizer.\(variant.key)" }
  public static let folder = "Models/SceneNetwork"
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: config)] }
  public func makeNetwork() -> LocalizationNetwork {
    LocalizationNetwork(attachment: variant.attachment, classSpecific: variant.classSpecific, seed: config.netSeed &+ 1)
  }
  public func weights(of network: LocalizationNetwork) -> Sequential { network.all }

  /// Step 2 on the classifier's frozen features (scored on the test scenes), then step 3.
  public func train(_ net: LocalizationNetwork, in context: RunContext) throws -> SceneTrainingHistory {
    let backbone = try context.model(SceneClassifier(config: config)).network
    let data = try SceneTrainingData.load(config, context: context)
    try net.loadBackbone(from: backbone)
    var history = SceneTrainingHistory()
    history.boxLoss = SceneTraining.trainHead(net, data.train, config, context: context)
    history.frozen = net.evaluate(data.test, objects: data.test.objects).scores
    let subset = Array(0..<min(config.fineTuneScenes, data.train.count))
    let tuned = SceneTraining.fineTune(
      net, data.train.images.gather(subset), objects: subset.map { data.train.objects[$0] }, epochs: config.fineTuneEpochs,
      learningRate: config.fineTuneLearningRate, config, label: variant.key, context: context)
    history.classLoss = tuned.classLoss
    history.boxLoss += tuned.boxLoss
    return history
  }
}

public struct PairLocalizer: TrainedModel {
  public let config: SceneNetworkConfig
  public init(config: SceneNetworkConfig) { self.config = config }

  public var name: String { "pair-localizer" }
  public static let folder = "Models/SceneNetwork"
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: config)] }
  public func makeNetwork() -> LocalizationNetwork { LocalizationNetwork(attachment: .fc, slots: 2, seed: config.netSeed &+ 2) }
  public func weights(of network: LocalizationNetwork) -> Sequential { network.all }

  /// Objects ordered left to right by box centre: the slot order of the K x 4 head.
  public static func leftToRight(_ objects: [[LabeledBox]]) -> [[LabeledBox]] {
    objects.map { $0.sorted { ($0.box.x1 + $0.box.x2, $0.box.y1 + $0.box.y2) < ($1.box.x1 + $1.box.x2, $1.box.y1 + $1.box.y2) } }
  }

  public func train(_ net: LocalizationNetwork, in context: RunContext) throws -> SceneTrainingHistory {
    let backbone = try context.model(SceneClassifier(config: config)).network
    let trainItems = try context.fashionMNIST(.train)
    let scenes = SceneSets.scenes("pairs", .train, count: config.pairScenes, source: trainItems, runSeed: context.seed)
    try net.loadBackbone(from: backbone)
    return SceneTraining.fineTune(
      net, scenes.images, objects: Self.leftToRight(scenes.objects), epochs: config.pairEpochs, learningRate: config.pairLearningRate, config,
      label: "pairs", context: context)
  }
}

extension SceneClassifier {
  /// The trained scene classifier as one chain (input: `LocalizationNetwork.normalized`
  /// scenes; output: class scores) and the first `count` localization test
  /// scenes: what the visualization chapters probe when they need an object
  /// with a known box and mask.
  public static func withTestScenes(count: Int, context: RunContext) throws -> (classifier: Sequential, scenes: FashionScenes) {
    let net = try context.timed("load network") { try context.model(SceneClassifier(profile: context.profile)).network }
    let items = try context.fashionMNIST(.test)
    return (net.classificationNetwork, SceneSets.scenes("localization", .test, count: count, source: items, runSeed: context.seed))
  }
}
