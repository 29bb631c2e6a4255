// Every shared network of a profile, for `convnotes list --keys` (which
// model-cache file is which) and for the tests that check the keys follow
// the code they are made from.
import ExperimentKit

public enum ModelCatalog {
  public static func all(_ profile: Profile) -> [any TrainedModel] {
    let scenes = SceneNetworkConfig.of(profile)
    return [FashionClassifier(profile: profile), SceneClassifier(config: scenes)]
      + SceneLocalizer.variants.map { SceneLocalizer($0, config: scenes) }
      + [PairLocalizer(config: scenes), PoseRegressor(profile: profile), TexturePatchClassifier(profile: profile)]
      + [RCNNModel(profile: profile)]
      + FastRCNN.Variant.allCases.map { FastRCNN($0, profile: profile) }
      + [FasterRCNN(profile: profile)]
      + [YOLOModel(profile: profile)]
      + TrunkDepth.allCases.map { PretrainedTrunk($0, config: .of(profile)) }
      + TrunkDetector.comparisons.map { TrunkDetector($0.depth, $0.start, profile: profile) }
  }
}
