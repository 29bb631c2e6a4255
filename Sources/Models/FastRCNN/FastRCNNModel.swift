// Fast R-CNN as cached TrainedModels (cache keys derived from this
// declaration): the network of FastRCNNNetwork.swift, started from the
// trained scene classifier (its trunk and `cls.fc1`), trained end to end on
// the DetectionSuite training scenes and their Selective Search proposals
// (FastRCNNTraining.swift). Two variants for the paper's "which layers to
// fine-tune?" experiment (§4.5, Table 5): `fineTuned` trains through RoI
// pooling into conv2 and conv3 (conv1 fixed), `frozen` trains the FC layers
// only (the paper's SPPnet-like setting, "fc6 and up").
// Scale: minibatches of N = 2 scenes x R/N = 32 regions (the paper: 2 x 64
// = 128 from about 2,000 proposals; our scenes have 200 to 300), 25 %
// foreground; Adam with cosine decay (the house's optimizer) instead of SGD
// with momentum 0.9 and a step schedule.
import Datasets
import Foundation
import Detection
import ExperimentKit
import Layers
import Tensor

public struct FastRCNNConfig: Codable, Sendable, Equatable {
  /// The shared detection data (training scenes, proposals per scene).
  public var suite: DetectionSuite.Sizes
  /// The scene classifier the network starts from.
  public var classifier: SceneNetworkConfig
  public var imagesPerBatch = 2
  public var regionsPerImage = 32
  public var foregroundFraction = 0.25
  public var epochs: Int
  /// Adam's learning rate (cosine decay to zero).
  public var learningRate: Float = 0.002
  /// λ of the multi-task loss.
  public var lambda: Float = 1
  public var netSeed: UInt64 = 11

  public init(suite: DetectionSuite.Sizes, classifier: SceneNetworkConfig, epochs: Int) {
    (self.suite, self.classifier, self.epochs) = (suite, classifier, epochs)
  }

  public static func of(_ profile: Profile) -> FastRCNNConfig {
    switch profile {
    case .quick: FastRCNNConfig(suite: DetectionSuite.quick, classifier: .quick, epochs: 10)
    case .full: FastRCNNConfig(suite: DetectionSuite.full, classifier: .full, epochs: 8)
    case .large: FastRCNNConfig(suite: DetectionSuite.large, classifier: .large, epochs: 10)
    }
  }
}

/// Loss curves of a training run (one entry per minibatch).
public struct FastRCNNHistory: Codable, Sendable {
  /// (1/R) Σ -log p_u.
  public var classLoss: [Float] = []
  /// (1/R) Σ_{foreground} smooth L1 (before λ).
  public var boxLoss: [Float] = []
  /// Foreground regions per minibatch.
  public var foreground: [Int] = []
  /// Regions per minibatch.
  public var regions: [Int] = []
  /// Wall-clock seconds of the training loop alone (without the training scenes' proposals and the
  /// scene classifier, which `Trained.trainingSeconds` may include); a record, not a measurement of this run.
  public var loopSeconds: Double = 0
}

public struct FastRCNN: TrainedModel {
  public enum Variant: String, Codable, Sendable, CaseIterable {
    case fineTuned, frozen
    /// The first trunk layer training updates (nil: none).
    public var firstTrained: String? { self == .fineTuned ? "conv2" : nil }
    public var label: String { self == .fineTuned ? "conv2 and up trained" : "conv frozen (FC only)" }
  }

  public let variant: Variant
  public let config: FastRCNNConfig
  public init(_ variant: Variant, config: FastRCNNConfig) { (self.variant, self.config) = (variant, config) }
  public init(_ variant: Variant, profile: Profile) { self.init(variant, config: .of(profile)) }

  public var name: String { "fast-rcnn.\(variant.rawValue)" }
  public static let folder = "Models/FastRCNN"
  public static let uses = ["Layers", "Datasets", "Detection", SceneClassifier.folder, DetectionSuite.folder, "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) + " " + variant.rawValue }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: config.classifier)] }
  public func makeNetwork() -> FastRCNNNetwork { FastRCNNNetwork(trainable: variant.firstTrained, seed: config.netSeed) }
  public func weights(of network: FastRCNNNetwork) -> Sequential { network.all }

  public func train(_ net: FastRCNNNetwork, in context: RunContext) throws -> FastRCNNHistory {
    let classifier = try context.model(SceneClassifier(config: config.classifier)).network
    net.load(from: classifier)
    let scenes = try DetectionSuite.trainScenes(count: config.suite.trainScenes, context: context)
    let proposals = context.timed("train proposals") {
      TrainingProposals.shared.proposals(scenes, keep: config.suite.proposalsPerScene, context: context)
    }
    return FastRCNNTraining.train(net, scenes: scenes, proposals: proposals, config, label: name, context: context)
  }
}

/// The training scenes' proposals, computed once per process for both
/// variants (Selective Search on every training scene costs more than
/// training the FC-only variant). Same bits as calling DetectionSuite each time.
final class TrainingProposals: @unchecked Sendable {
  static let shared = TrainingProposals()
  private let lock = NSLock()
  private var memo: [String: [[Box]]] = [:]

  func proposals(_ scenes: FashionScenes, keep: Int, context: RunContext) -> [[Box]] {
    let key = "\(context.seed) \(scenes.count) \(keep)"
    lock.lock()
    defer { lock.unlock() }
    if let found = memo[key] { return found }
    let made = DetectionSuite.proposals(scenes, split: .train, keep: keep, context: context)
    memo[key] = made
    return made
  }
}
