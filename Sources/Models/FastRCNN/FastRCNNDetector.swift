// Fast R-CNN as a SceneDetector (Models/SceneDetector.swift) for the
// chapters that compare detectors (speed-tables): external proposals
// (Selective Search, `needsProposals`), one conv pass per batch of scenes,
// the RoI head on every proposal, per-class NMS at 0.3 (the paper's test
// setting). `load` gets the end-to-end trained (fine-tuned) network from the
// model cache, training it first when it is not there.
import Detection
import ExperimentKit
import Tensor

public struct FastRCNNDetector: SceneDetector {
  public let network: FastRCNNNetwork
  public var name: String { "Fast R-CNN" }
  public var needsProposals: Bool { true }
  /// Training time recorded in the model cache (nil for older files).
  public var trainingSeconds: Double?

  public init(network: FastRCNNNetwork, trainingSeconds: Double? = nil) {
    (self.network, self.trainingSeconds) = (network, trainingSeconds)
  }

  /// The fine-tuned Fast R-CNN of `profile`, from the cache (or trained now).
  public static func load(profile: Profile, context: RunContext) throws -> FastRCNNDetector {
    let model = FastRCNN(.fineTuned, profile: profile)
    _ = try context.model(SceneClassifier(config: model.config.classifier))  // trained first, so it is not in Fast R-CNN's training time
    let trained = try context.model(model)
    return FastRCNNDetector(network: trained.network, trainingSeconds: trained.trainingSeconds)
  }

  public func detect(_ scenes: Tensor, proposals: [[Box]]) -> [[ScoredDetection]] {
    network.detect(scenes, proposals: proposals)
  }
}
