// Splitting a run into n shards for a job array (Slurm, a CI matrix): each
// shard is one process on one machine, writing its own results folder; the
// folders are merged afterwards (`ShardMerge`).
//
// Whole groups, not single experiments: an experiment that reads another's
// results (`requires`) runs in the same shard as it, so each shard reads only
// what it wrote itself and nothing waits on another job. Recomputing a
// prerequisite in every shard that needs it would also work, but would run it
// twice and leave two copies to reconcile; today the requires-graph is small
// (fashion-scenes <- localization-regression, pose-regression), so grouping
// costs no balance. Networks several experiments share are not grouped:
// they come from the shared model cache, whose per-key lock makes the second
// job wait for the first's training instead of repeating it.
//
// Balance: longest group first, each to the shard with the least estimated
// time so far (Graham's LPT rule, within 4/3 of the best makespan); ties go
// to the lower shard index, and groups of equal time keep catalog order, so
// every shard computes the same plan from the same estimates. Estimates must
// therefore be the same for every shard: the reference times compiled into
// the binary, or the timings.json files of one earlier run named explicitly.
import Foundation

/// Shard `index` of `count` (1-based, as "2/3" on the command line).
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) throws {
    guard count >= 1, (1...count).contains(index) else {
      throw ShardError("shard \(index)/\(count): expected i/n with 1 <= i <= n")
    }
    (self.index, self.count) = (index, count)
  }

  /// Parses "i/n".
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw ShardError("--shard `\(text)`: expected i/n, for example 2/3 (shard 2 of 3)")
    }
    try self.init(index: i, count: n)
  }

  public var description: String { "\(index)/\(count)" }
}

public struct ShardError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

public enum ShardPlan {
  /// The experiments in the same group as another: connected through `requires`.
  public static func groups(_ experiments: [any Experiment.Type]) -> [[any Experiment.Type]] {
    let ids = experiments.map { $0.id }
    var parent = Array(ids.indices)
    func root(_ i: Int) -> Int {
      var i = i
      while parent[i] != i { (parent[i], i) = (parent[parent[i]], parent[i]) }
      return i
    }
    for (i, experiment) in experiments.enumerated() {
      for required in experiment.requires {
        if let j = ids.firstIndex(of: required.id) {
          let (a, b) = (root(i), root(j))
          parent[max(a, b)] = min(a, b)
        }
      }
    }
    var byRoot: [Int: [any Experiment.Type]] = [:]
    var order: [Int] = []
    for i in ids.indices {
      let r = root(i)
      if byRoot[r] == nil { order.append(r) }
      byRoot[r, default: []].append(experiments[i])
    }
    return order.map { byRoot[$0]! }
  }

  /// The experiments of every shard, each list in the given (catalog) order.
  /// `seconds` estimates each experiment's run time (missing: `fallback`).
  public static func assign(
    _ experiments: [any Experiment.Type], shards count: Int, seconds: [String: Double], fallback: Double = 60
  ) -> [[any Experiment.Type]] {
    let groups = groups(experiments)
    let cost = groups.map { $0.reduce(0.0) { $0 + (seconds[$1.id] ?? fallback) } }
    // Longest first; equal costs keep catalog order (stable by index).
    let order = groups.indices.sorted { cost[$0] != cost[$1] ? cost[$0] > cost[$1] : $0 < $1 }
    var load = [Double](repeating: 0, count: count)
    var members = [Set<String>](repeating: [], count: count)
    for g in order {
      let target = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
      load[target] += cost[g]
      for e in groups[g] { members[target].insert(e.id) }
    }
    return members.map { set in experiments.filter { set.contains($0.id) } }
  }

  /// Seconds per experiment from the timings.json files under `resultsRoot` (an earlier run).
  public static func recordedSeconds(in resultsRoot: URL, ids: [String]) -> [String: Double] {
    var seconds: [String: Double] = [:]
    for id in ids { if let t = Runner.lastRun(of: id, in: resultsRoot) { seconds[id] = t.seconds } }
    return seconds
  }
}

extension ShardPlan {
  /// Runs shard `shard` of `experiments` with `runner`, then writes the
  /// shard's manifest into `options.resultsRoot`. A runner that went on past
  /// failures (`ShardFailure`) gets a manifest naming them, so a merge says
  /// which; a runner that stopped at the first error leaves no manifest (the
  /// shard did not finish). Either way the error is rethrown.
  public static func runShard(
    _ shard: Shard, of experiments: [any Experiment.Type], seconds: [String: Double], options: RunOptions,
    log: (String) -> Void = Runner.stderr,
    runner: ([any Experiment.Type]) throws -> Void
  ) throws {
    let plan = assign(experiments, shards: shard.count, seconds: seconds)
    let mine = plan[shard.index - 1]
    log("shard \(shard): \(mine.isEmpty ? "nothing to run" : mine.map { $0.id }.joined(separator: ", "))")
    let ids = plan.map { $0.map { $0.id } }
    try? FileManager.default.removeItem(at: options.resultsRoot.appendingPathComponent(ShardManifest.fileName))
    do {
      try runner(mine)
    } catch let failure as ShardFailure {
      try ShardManifest(shard: shard, options: options, plan: ids, failed: failure.failedExperiments).write(to: options.resultsRoot)
      throw failure
    }
    try ShardManifest(shard: shard, options: options, plan: ids, failed: []).write(to: options.resultsRoot)
  }
}

/// A run that went on past failures and can name them (`all --keep-going`).
public protocol ShardFailure: Error {
  var failedExperiments: [String] { get }
}
