// Faster R-CNN as a cached TrainedModel (key derived from this declaration,
// its config and the scene classifier it starts from; ExperimentKit's
// TrainedModel) and as a SceneDetector for the chapters that compare
// detectors (speed-tables): `FasterRCNNDetector.load(profile:context:)`.
import Datasets
import Detection
import ExperimentKit
import Layers
import Tensor

public struct FasterRCNN: TrainedModel {
  public let config: FasterRCNNConfig
  public let scenes: SceneNetworkConfig
  public init(config: FasterRCNNConfig, scenes: SceneNetworkConfig) { (self.config, self.scenes) = (config, scenes) }
  public init(profile: Profile) { self.init(config: .of(profile), scenes: .of(profile)) }

  public var name: String { "faster-rcnn" }
  public static let folder = "Models/FasterRCNN"
  public static let uses = ["Layers", "Datasets", "Detection", SceneClassifier.folder, "Models/FastRCNN", DetectionSuite.folder]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: scenes)] }
  public func makeNetwork() -> FasterRCNNNetwork { FasterRCNNNetwork(anchors: config.anchorGenerator, seed: config.netSeed) }
  public func weights(of network: FasterRCNNNetwork) -> Sequential { network.all }

  public func train(_ net: FasterRCNNNetwork, in context: RunContext) throws -> FasterRCNNHistory {
    let classifier = try context.model(SceneClassifier(config: scenes)).network
    net.initialize(from: classifier)
    let train = try DetectionSuite.trainScenes(count: config.trainScenes, context: context)
    return FasterRCNNTraining.train(net, scenes: train, config, context: context)
  }
}

/// The trained network behind the suite's detector protocol: it makes its own proposals.
public struct FasterRCNNDetector: SceneDetector {
  public let network: FasterRCNNNetwork
  public var proposalLayer: ProposalLayer
  public var name: String { "Faster R-CNN" }
  public var needsProposals: Bool { false }

  public init(network: FasterRCNNNetwork, proposalLayer: ProposalLayer = .test) { (self.network, self.proposalLayer) = (network, proposalLayer) }

  /// The cached (or newly trained) network of `profile`.
  public static func load(profile: Profile, context: RunContext) throws -> FasterRCNNDetector {
    FasterRCNNDetector(network: try context.model(FasterRCNN(profile: profile)).network)
  }

  public func detect(_ scenes: Tensor, proposals: [[Box]]) -> [[ScoredDetection]] {
    network.detect(scenes, layer: proposalLayer).detections
  }
}
