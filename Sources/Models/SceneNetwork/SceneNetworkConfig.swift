// How the scene networks of the lecture-8 chapters are trained, per profile:
// the scene classifier (step 1 of the localization recipe), the box
// regressors on it (steps 2 and 3) and the two-object K x 4 net. One
// configuration for all of them, since each starts from the classifier.
import ExperimentKit

public struct SceneNetworkConfig: Codable, Sendable, Equatable {
  public var trainScenes: Int
  public var testScenes: Int
  /// Training scenes used by step 3 (the first ones).
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

  public init(
    trainScenes: Int, testScenes: Int, fineTuneScenes: Int, pairScenes: Int, classEpochs: Int, headEpochs: Int, fineTuneEpochs: Int, pairEpochs: Int
  ) {
    (self.trainScenes, self.testScenes, self.fineTuneScenes, self.pairScenes) = (trainScenes, testScenes, fineTuneScenes, pairScenes)
    (self.classEpochs, self.headEpochs, self.fineTuneEpochs, self.pairEpochs) = (classEpochs, headEpochs, fineTuneEpochs, pairEpochs)
  }

  public static let full = SceneNetworkConfig(
    trainScenes: 14_000, testScenes: 2_000, fineTuneScenes: 4_000, pairScenes: 8_000, classEpochs: 5, headEpochs: 6, fineTuneEpochs: 1,
    pairEpochs: 2)
  public static let quick = SceneNetworkConfig(
    trainScenes: 3_000, testScenes: 400, fineTuneScenes: 500, pairScenes: 1_000, classEpochs: 3, headEpochs: 3, fineTuneEpochs: 1,
    pairEpochs: 1)

  /// About three times the full training: more scenes, more epochs.
  public static let large = SceneNetworkConfig(
    trainScenes: 30_000, testScenes: 4_000, fineTuneScenes: 8_000, pairScenes: 16_000, classEpochs: 8, headEpochs: 10, fineTuneEpochs: 2,
    pairEpochs: 3)

  public static func of(_ profile: Profile) -> SceneNetworkConfig {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }
}
