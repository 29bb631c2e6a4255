import ExperimentKit
import Foundation
import Tensor
import Testing
import TestSupport

/// Experiments with made-up costs for the shard plan: ShardA..ShardE, C reads B's results.
enum ShardA: Experiment {
  static let id = "shard-a", title = "a", folder = "ShardA"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = []
  static let uses: [String] = []
  struct Config: Codable, Sendable { var value = 1 }
  static let quick = Config(), full = Config()
  static func run(_ config: Config, in context: RunContext) throws { context.record("value", config.value) }
}
enum ShardB: Experiment {
  static let id = "shard-b", title = "b", folder = "ShardB"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = []
  static let uses: [String] = []
  struct Config: Codable, Sendable { var value = 2.5 }
  static let quick = Config(), full = Config()
  static func run(_ config: Config, in context: RunContext) throws {
    var rng = context.rng.derived("b")
    context.record("value", config.value + Double(rng.nextUniform()))
  }
}
enum ShardC: Experiment {
  static let id = "shard-c", title = "c", folder = "ShardC"
  static let lecture = Lecture.visualizingAndUnderstanding
  static let requires: [any Experiment.Type] = [ShardB.self]
  static let uses: [String] = []
  struct Config: Codable, Sendable {}
  static let quick = Config(), full = Config()
  static func run(_ config: Config, in context: RunContext) throws {
    let url = context.resultsRoot.appendingPathComponent("shard-b/results.json")
    let b = try JSONDecoder().decode(ExperimentResults.self, from: Data(contentsOf: url))
    context.record("fromB", b.values["value"]!.value * 2)
  }
}
enum ShardD: Experiment {
  static let id = "shard-d", title = "d", folder = "ShardD"
  static let lecture = Lecture.visualizingAndUnderstanding
  static let requires: [any Experiment.Type] = []
  static let uses: [String] = []
  struct Config: Codable, Sendable {}
  static let quick = Config(), full = Config()
  static func run(_ config: Config, in context: RunContext) throws { context.record("d", 4) }
}
enum ShardE: Experiment {
  static let id = "shard-e", title = "e", folder = "ShardE"
  static let lecture = Lecture.visualizingAndUnderstanding
  static let requires: [any Experiment.Type] = []
  static let uses: [String] = []
  struct Config: Codable, Sendable {}
  static let quick = Config(), full = Config()
  static func run(_ config: Config, in context: RunContext) throws { context.record("e", 5) }
}

@Suite(.serialized)
struct ShardTests {
  static let all: [any Experiment.Type] = [ShardA.self, ShardB.self, ShardC.self, ShardD.self, ShardE.self]
  static let seconds = ["shard-a": 10.0, "shard-b": 7, "shard-c": 6, "shard-d": 5, "shard-e": 4]

  @Test func parsesShardsAndRejectsBadOnes() throws {
    #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
    for bad in ["0/3", "4/3", "3", "a/b", "1/0", "/2", "1/2/3"] {
      #expect(throws: ShardError.self, "\(bad)") { try Shard(parsing: bad) }
    }
  }

  /// Worked by hand: groups {a} 10, {b, c} 13, {d} 5, {e} 4; longest first to the
  /// least-loaded shard: bc -> 1 (13), a -> 2 (10), d -> 2 (15), e -> 1 (17).
  @Test func keepsRequiresGroupsTogetherAndBalancesLongestFirst() {
    #expect(ShardPlan.groups(Self.all).map { $0.map { $0.id } } == [["shard-a"], ["shard-b", "shard-c"], ["shard-d"], ["shard-e"]])
    let two = ShardPlan.assign(Self.all, shards: 2, seconds: Self.seconds).map { $0.map { $0.id } }
    #expect(two == [["shard-b", "shard-c", "shard-e"], ["shard-a", "shard-d"]])
    // More shards than groups: the last ones are empty. Without estimates every
    // experiment counts 60 s, so the two-experiment group goes first.
    let six = ShardPlan.assign(Self.all, shards: 6, seconds: [:]).map { $0.map { $0.id } }
    #expect(six == [["shard-b", "shard-c"], ["shard-a"], ["shard-d"], ["shard-e"], [], []])
  }

  func options(_ root: URL, seed: UInt64 = 0) -> RunOptions {
    RunOptions(profile: .quick, seed: seed, threads: BLAS.threads, resultsRoot: root, modelFolder: root.appendingPathComponent("models"))
  }

  /// Runs the shards of a 2-way split into `root/shard-i`.
  func runShards(_ root: URL, count: Int = 2, seed: UInt64 = 0) throws -> [URL] {
    try (1...count).map { i in
      let folder = root.appendingPathComponent("shard-\(i)")
      let options = options(folder, seed: seed)
      try ShardPlan.runShard(try Shard(index: i, count: count), of: Self.all, seconds: Self.seconds, options: options, log: { _ in }) {
        try Runner.run($0, options: options, log: { _ in })
      }
      return folder
    }
  }

  @Test func mergedShardsEqualASingleRunByteForByte() throws {
    let root = TestSupport.temporaryURL("shards")
    defer { try? FileManager.default.removeItem(at: root) }
    let single = root.appendingPathComponent("single")
    try Runner.run(Self.all, options: options(single), log: { _ in })
    let merged = root.appendingPathComponent("merged")
    let summary = try ShardMerge.merge(try runShards(root), into: merged)
    #expect(summary.shards == 2 && Set(summary.experiments) == Set(Self.all.map { $0.id }))
    for e in Self.all {
      let a = try Data(contentsOf: single.appendingPathComponent("\(e.id)/results.json"))
      let b = try Data(contentsOf: merged.appendingPathComponent("\(e.id)/results.json"))
      #expect(a == b, "\(e.id)")
    }
    // The merged folder holds exactly the experiments, nothing half-written.
    let entries = try FileManager.default.contentsOfDirectory(atPath: merged.path).sorted()
    #expect(entries == Self.all.map { $0.id }.sorted())
  }

  func mergeError(_ folders: [URL], _ root: URL) -> String {
    do {
      _ = try ShardMerge.merge(folders, into: root.appendingPathComponent("merged"))
      return "merged"
    } catch { return "\(error)" }
  }

  @Test func mergeNamesWhatIsWrong() throws {
    let root = TestSupport.temporaryURL("shard-errors")
    defer { try? FileManager.default.removeItem(at: root) }
    let shards = try runShards(root)
    #expect(mergeError([shards[0]], root).contains("shard 2/2 missing"))
    #expect(mergeError([shards[0], shards[0]], root).contains("shard 1/2 is in both"))
    #expect(mergeError([shards[0], root], root).contains("\(root.path)/shard.json: missing"))

    // A shard of another run (different seed).
    let other = try runShards(root.appendingPathComponent("other"), seed: 7)
    #expect(mergeError([shards[0], other[1]], root).contains("seed is 7"))

    // A damaged results.json, and an experiment's results in a second folder.
    let damaged = shards[1].appendingPathComponent("shard-a/results.json")
    let good = try Data(contentsOf: damaged)
    try Data("{".utf8).write(to: damaged)
    #expect(mergeError(shards, root).contains("shard-a/results.json: not intact"))
    try good.write(to: damaged)
    try FileManager.default.copyItem(at: shards[1].appendingPathComponent("shard-a"), to: shards[0].appendingPathComponent("shard-a"))
    #expect(mergeError(shards, root).contains("experiment shard-a is present twice"))
    // Nothing was written by the failed merges.
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("merged").path))
  }
}
