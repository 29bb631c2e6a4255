// The generated data sets of the lecture-8 chapters, defined once: each
// chapter that needs scenes or stick figures calls these, so the
// `fashion-scenes` chapter shows exactly the data the others train on.
// Training scenes are drawn from Fashion-MNIST's training items, test scenes
// from its test items; the seed of each set is derived from the run's seed
// and the set's name.
import Datasets
import Tensor

public enum SceneSets {
  /// One object per 48 px scene: the localization data.
  public static let localization = SceneSpec(size: 48, objects: 1...1, objectSize: 28...44, clutter: .mild)
  /// Exactly two objects per 48 px scene: the K x 4 regression data.
  public static let pairs = SceneSpec(size: 48, objects: 2...2, objectSize: 22...30, clutter: .mild, maxOverlap: 0.05)
  /// One to five objects per 128 px scene: the detection data.
  public static let detection = SceneSpec(size: 128, objects: 1...5, objectSize: 24...56)
  /// One object, from the 48 px window's size to nearly twice it, per 96 px scene: OverFeat's multi-scale input.
  public static let large = SceneSpec(size: 96, objects: 1...1, objectSize: 28...84, clutter: .mild)
  /// Side of the stick-figure canvases.
  public static let poseSize = 48

  public static let named: [(name: String, spec: SceneSpec)] = [
    ("localization", localization), ("pairs", pairs), ("detection", detection), ("large", large),
  ]

  public static func seed(_ name: String, _ split: FashionMNIST.Split, runSeed: UInt64) -> UInt64 {
    var rng = SplitMix64(seed: runSeed).derived("fashion-scenes.\(name).\(split.rawValue)")
    return rng.next()
  }

  /// `count` scenes of the named set from the items of `source` (whose split names the scenes' split).
  public static func scenes(_ name: String, _ split: FashionMNIST.Split, count: Int, source: FashionMNIST, runSeed: UInt64) -> FashionScenes {
    guard let spec = named.first(where: { $0.name == name })?.spec else { preconditionFailure("SceneSets: no set named \(name)") }
    return FashionScenes.generate(spec, count: count, source: source, seed: seed(name, split, runSeed: runSeed))
  }

  public static func figures(_ split: FashionMNIST.Split, count: Int, runSeed: UInt64) -> StickFigures {
    StickFigures.generate(count: count, size: poseSize, seed: seed("stick-figures", split, runSeed: runSeed))
  }
}
