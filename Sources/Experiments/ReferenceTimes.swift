// Seconds each experiment took, per profile, on the development machine
// (2 vCPUs, AMD EPYC, AVX-512 kernel, --threads 2, starting from an empty
// model cache, so each time includes training the networks it was first to
// need, as in a fresh cluster run): the estimates `convnotes all --shard i/n` balances shards by
// when no earlier run is named (--balance-from). Every shard must compute
// the same plan, so the estimates are compiled in, not read from whatever
// results folder a job happens to see. Update them from a fresh run's
// timings.json (`convnotes shards N --balance-from results` shows the
// effect); an experiment missing here counts 60 s.
import ExperimentKit

public enum ReferenceTimes {
  /// How the times of `profile` were measured.
  public static func conditions(_ profile: Profile) -> String {
    let machine = "AMD EPYC, 2 vCPUs, AVX-512 kernel"
    return profile == .large
      ? "measured on \(machine) with --threads 1 (one core), empty model cache"
      : "measured on \(machine) with --threads 2, empty model cache"
  }

  /// Wall-clock seconds of the whole suite as the Makefile runs it
  /// (`convnotes all --jobs 2`, empty model cache, same machine), and the job
  /// count; nil where not measured.
  public static func wall(_ profile: Profile) -> (seconds: Double, jobs: Int)? {
    switch profile {
    case .quick: quickWall
    case .full: fullWall
    case .large: nil
    }
  }

  public static func seconds(_ profile: Profile) -> [String: Double] {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }

  /// Measured 2026-12-03: `make test`'s quick run on a clean clone (empty model cache, --threads 2; AMD EPYC, 2 vCPUs, AVX-512).
  static let quick: [String: Double] = [
    "adversarial": 14.3,
    "class-visualization": 2.9,
    "classifier": 6.1,
    "deepdream": 1.1,
    "fashion-scenes": 0.7,
    "fast-rcnn": 24.4,
    "faster-rcnn": 16.9,
    "feature-inversion": 2.4,
    "filters-and-patches": 1.0,
    "hog-detector": 4.7,
    "localization-regression": 13.9,
    "map-evaluation": 0.2,
    "neural-style": 2.8,
    "occlusion": 0.6,
    "pose-regression": 2.2,
    "rcnn": 39.8,
    "region-proposals": 1.9,
    "roi-pooling": 0.3,
    "saliency": 0.9,
    "sliding-window": 1.8,
    "spatial-transformer": 9.8,
    "speed-tables": 4.6,
    "tsne": 8.3,
    "yolo": 5.6,
  ]
  /// Measured 2026-12-04: `make report` (--jobs 2) on a clean clone of 3660ddf, empty model cache, AMD EPYC,
  /// 2 vCPUs, AVX-512: "24 of 24 experiments ran in 773 s, 2 at a time" (the whole make, build and book
  /// included, 966 s at 182 % CPU); the same results.json as one at a time (`full` below, 1216 s).
  static let fullWall: (seconds: Double, jobs: Int)? = (773, 2)
  /// Measured 2026-12-04: `convnotes all --profile quick --jobs 2`, empty model cache, same machine.
  static let quickWall: (seconds: Double, jobs: Int)? = (152, 2)

  /// Measured 2026-12-04: `make report JOBS=1` (one experiment at a time) on a clean clone of 3ca1e80
  /// (empty model cache, --threads 2; AMD EPYC, 2 vCPUs, AVX-512), 20 min 16 s in all. Each
  /// time includes training the shared networks that experiment is the first to need in catalog order.
  static let full: [String: Double] = [
    "adversarial": 89.1,
    "class-visualization": 12.3,
    "classifier": 109.4,
    "deepdream": 4.7,
    "fashion-scenes": 7.5,
    "fast-rcnn": 294.8,
    "faster-rcnn": 105.2,
    "feature-inversion": 24.8,
    "filters-and-patches": 5.6,
    "hog-detector": 23.9,
    "localization-regression": 119.3,
    "map-evaluation": 0.3,
    "neural-style": 32.1,
    "occlusion": 4.5,
    "pose-regression": 26.3,
    "rcnn": 139.9,
    "region-proposals": 6.9,
    "roi-pooling": 1.8,
    "saliency": 5.6,
    "sliding-window": 9.7,
    "spatial-transformer": 54.5,
    "speed-tables": 35.6,
    "tsne": 65.1,
    "yolo": 36.9,
  ]
  /// Measured 2026-12-02 with --threads 1 while other jobs shared the machine (pessimistic).
  static let large: [String: Double] = [
    "adversarial": 126.4,
    "class-visualization": 10.4,
    "classifier": 840.2,
    "fashion-scenes": 4.5,
    "feature-inversion": 23.8,
    "filters-and-patches": 5.5,
    "localization-regression": 298.1,
    "map-evaluation": 0.1,
    "occlusion": 4.0,
    "pose-regression": 128.3,
    "saliency": 3.5,
    "sliding-window": 12.4,
    "spatial-transformer": 69.3,
    "tsne": 165.6,
  ]
}
