// How the R-CNN pieces are trained, per profile (Girshick et al., CVPR 2014,
// scaled to 48 px regions of 128 px scenes; RCNNModel.swift says what each
// field does and which of the paper's settings it stands for).
import ExperimentKit

public struct RCNNConfig: Codable, Sendable, Equatable {
  /// The scene classifier the net starts from (step 1).
  public var sceneNetwork: SceneNetworkConfig
  /// Training scenes and proposals per scene (DetectionSuite's sizes for the profile).
  public var suite: DetectionSuite.Sizes
  /// Warped region side and context padding (R-CNN: 227 px and 16 px).
  public var warpSize = 48
  public var padding = 3.0
  /// Fine-tuning: SGD steps, regions per minibatch, the foreground share
  /// (R-CNN: 128 regions, 32 foreground), the IoU that makes a proposal foreground.
  public var fineTuneSteps: Int
  public var batchSize = 64
  public var foregroundFraction = 0.25
  public var foregroundIoU = 0.5
  public var learningRate: Float = 0.0005
  /// The first training scenes whose cached features train the SVMs and regressors.
  public var featureScenes: Int
  /// Features are scaled to this mean L2 norm before the SVMs and regressors (R-CNN: 20).
  public var featureNorm = 20.0
  /// SVMs: C and the positives' weight (R-CNN's rcnn_train: 0.001 and 2), the
  /// IoU below which a proposal is a negative for a class, random negatives per
  /// scene in the first cache, rounds of hard-negative mining, the margin a
  /// hard negative must violate (score > -1) and the score below which easy
  /// negatives leave the cache (-1.2, R-CNN's evict threshold).
  public var svmC = 0.001
  public var svmPositiveWeight = 2.0
  public var negativeIoU = 0.3
  public var randomNegativesPerScene = 6
  public var miningRounds = 2
  public var hardThreshold: Float = -1
  public var evictThreshold: Float = -1.2
  /// Box regression: proposals with IoU >= this to a ground truth, and ridge's λ (R-CNN: 0.6 and 1000).
  public var regressionIoU = 0.6
  public var ridgeLambda = 1000.0
  public var netSeed: UInt64 = 11

  public init(sceneNetwork: SceneNetworkConfig, suite: DetectionSuite.Sizes, fineTuneSteps: Int, featureScenes: Int) {
    (self.sceneNetwork, self.suite, self.fineTuneSteps, self.featureScenes) = (sceneNetwork, suite, fineTuneSteps, featureScenes)
  }

  public static let quick = RCNNConfig(sceneNetwork: .quick, suite: DetectionSuite.quick, fineTuneSteps: 400, featureScenes: 240)
  public static let full = RCNNConfig(sceneNetwork: .full, suite: DetectionSuite.full, fineTuneSteps: 1_200, featureScenes: 400)
  public static let large = RCNNConfig(sceneNetwork: .large, suite: DetectionSuite.large, fineTuneSteps: 4_000, featureScenes: 1_500)

  public static func of(_ profile: Profile) -> RCNNConfig {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }
}
