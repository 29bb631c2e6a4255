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
    profile == .large ? "measured with --threads 1 (one core), empty model cache" : "measured with --threads 2, empty model cache"
  }

  public static func seconds(_ profile: Profile) -> [String: Double] {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }

  static let quick: [String: Double] = [
    "adversarial": 82.9,
    "class-visualization": 37.6,
    "classifier": 28.0,
    "fashion-scenes": 5.3,
    "feature-inversion": 22.8,
    "filters-and-patches": 4.0,
    "hog-detector": 22.1,
    "localization-regression": 42.6,
    "map-evaluation": 0.6,
    "neural-style": 9.1,
    "occlusion": 3.7,
    "pose-regression": 7.5,
    "region-proposals": 8.2,  // issue 17: measured under load (load average 12; user time 3.1 s), pessimistic
    "roi-pooling": 1.3,
    "saliency": 5.0,
    "sliding-window": 7.1,
    "spatial-transformer": 35.6,
    "tsne": 30.6,
  ]
  /// Not measured yet on this code for most experiments: those count the 60 s fallback.
  static let full: [String: Double] = [
    "roi-pooling": 10.0,  // its own work; the scene classifier it loads is trained by localization-regression first
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
