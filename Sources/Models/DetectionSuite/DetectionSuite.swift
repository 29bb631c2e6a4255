// The data every CNN detector of the suite shares (chapters rcnn, fast-rcnn,
// faster-rcnn, yolo, speed-tables): FashionScenes `detection` scenes (128 px,
// one to five objects), the same training and test scenes for every
// detector, and Selective Search's "fast" proposals for the detectors that
// need them (Girshick et al. 2014 and 2015 use "fast" mode, about 2,000
// boxes per image; at 128 px "fast" gives a few hundred, and `proposals`
// keeps the best-ranked `proposalsPerScene`).
// Conventions: test scenes are the first `testScenes` of the `detection`
// test set, the same ones region-proposals measures recall on (and a
// scene's proposals do not depend on how many scenes are proposed);
// training scenes come from Fashion-MNIST's training items.
import Datasets
import Detection
import ExperimentKit
import Tensor

public enum DetectionSuite {
  public static let folder = "Models/DetectionSuite"

  public struct Sizes: Codable, Sendable, Equatable {
    /// Training scenes every detector learns from.
    public var trainScenes: Int
    /// Test scenes every detector is scored and timed on.
    public var testScenes: Int
    /// Selective Search boxes kept per scene (best ranked first).
    public var proposalsPerScene: Int
  }

  public static let quick = Sizes(trainScenes: 240, testScenes: 20, proposalsPerScene: 200)
  public static let full = Sizes(trainScenes: 1_200, testScenes: 100, proposalsPerScene: 300)
  public static let large = Sizes(trainScenes: 4_000, testScenes: 200, proposalsPerScene: 500)

  public static func sizes(_ profile: Profile) -> Sizes {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }

  /// The first `count` training scenes of the `detection` set.
  public static func trainScenes(count: Int, context: RunContext) throws -> FashionScenes {
    SceneSets.scenes("detection", .train, count: count, source: try context.fashionMNIST(.train), runSeed: context.seed)
  }

  /// The first `count` test scenes of the `detection` set.
  public static func testScenes(count: Int, context: RunContext) throws -> FashionScenes {
    SceneSets.scenes("detection", .test, count: count, source: try context.fashionMNIST(.test), runSeed: context.seed)
  }

  /// Selective Search ("fast") proposals for every scene, `keep` per scene,
  /// seeded by the run's seed and the scenes' split name.
  public static func proposals(_ scenes: FashionScenes, split: FashionMNIST.Split, keep: Int, context: RunContext) -> [[Box]] {
    var rng = SplitMix64(seed: context.seed).derived("detection-suite.proposals.\(split.rawValue)")
    return SceneProposals.selectiveSearch(scenes, mode: .fast, keep: keep, seed: rng.next())
  }
}
