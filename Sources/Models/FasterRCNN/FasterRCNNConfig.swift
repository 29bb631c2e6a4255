// How Faster R-CNN is built and trained here, per profile (chapter
// chapters/11-faster-rcnn.md). Anchors: base 4 px (the trunk's stride, as
// py-faster-rcnn's base 16 is VGG16's), scales 4, 7, 12 (square sides 16, 28
// and 48 px, a factor ~1.7 apart, as the paper's 128, 256, 512 are a factor
// 2 apart) and ratios 0.5, 1, 2: A = 9. Our objects are tight boxes around
// Fashion-MNIST items drawn 24 to 56 px wide, so their sides run from ~10 px
// (a sandal's height, a trouser leg's width) to 56 px.
import Detection
import ExperimentKit

public struct FasterRCNNConfig: Codable, Sendable, Equatable {
  /// Training scenes (DetectionSuite's first `trainScenes`).
  public var trainScenes: Int
  public var epochs: Int
  /// Images per step.
  public var batchSize = 4
  /// Adam, cosine decay to zero.
  public var learningRate: Float = 0.002
  public var scales: [Double] = [4, 7, 12]
  public var ratios: [Double] = [0.5, 1, 2]
  /// RPN minibatch: anchors per image (at most half positive).
  public var anchorsPerImage = 256
  /// How far (px) a training anchor may cross the scene's border (py-faster-rcnn's allowed_border, 0: the paper's rule).
  public var allowedBorder = 0.0
  /// Fast R-CNN minibatch: regions per image (25% foreground).
  public var regionsPerImage = 64
  /// Weights of the four losses in the one objective.
  public var rpnBoxWeight: Float = 1
  public var headBoxWeight: Float = 1
  public var trainProposals = ProposalLayer.train
  public var netSeed: UInt64 = 11

  public init(trainScenes: Int, epochs: Int) { (self.trainScenes, self.epochs) = (trainScenes, epochs) }

  public static let quick = FasterRCNNConfig(trainScenes: DetectionSuite.quick.trainScenes, epochs: 6)
  public static let full = FasterRCNNConfig(trainScenes: DetectionSuite.full.trainScenes, epochs: 6)
  public static let large = FasterRCNNConfig(trainScenes: DetectionSuite.large.trainScenes, epochs: 8)

  public static func of(_ profile: Profile) -> FasterRCNNConfig {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }

  public var anchorGenerator: AnchorGenerator { AnchorGenerator(baseSize: FasterRCNNNetwork.stride, scales: scales, ratios: ratios) }
}
