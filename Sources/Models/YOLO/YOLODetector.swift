// YOLO v1 as one of the suite's SceneDetectors (Redmon et al., CVPR 2016):
// one forward pass of the whole 128 px scene, then decoding (class-specific
// confidences, threshold, per-class NMS; YOLODecoding.swift). It makes its
// own boxes, so it reads no proposals. `load` is what speed-tables calls.
import Detection
import ExperimentKit
import Tensor

public struct YOLODetector: SceneDetector {
  public let network: YOLONetwork
  /// Class-specific confidences at or below this are dropped before NMS.
  public var scoreThreshold: Double
  /// IoU above which a lower-scored box of the same class is suppressed.
  public var nmsIoU: Double

  public static let defaultScoreThreshold = 0.005
  public static let defaultNMSIoU = 0.5

  public init(network: YOLONetwork, scoreThreshold: Double = defaultScoreThreshold, nmsIoU: Double = defaultNMSIoU) {
    (self.network, self.scoreThreshold, self.nmsIoU) = (network, scoreThreshold, nmsIoU)
  }

  /// The profile's trained YOLO, from the model cache (trained if missing).
  public static func load(profile: Profile, context: RunContext) throws -> YOLODetector {
    YOLODetector(network: try context.model(YOLOModel(profile: profile)).network)
  }

  public var name: String { "YOLO" }
  public var needsProposals: Bool { false }

  public func detect(_ scenes: Tensor, proposals: [[Box]]) -> [[ScoredDetection]] {
    let output = network.predict(scenes)
    return (0..<scenes.shape[0]).map {
      network.grid.decode(output, image: $0, scoreThreshold: scoreThreshold, nmsIoU: nmsIoU).detections
    }
  }
}
