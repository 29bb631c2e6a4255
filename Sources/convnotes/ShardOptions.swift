// `--shard i/n` for `run` and `all`: run only shard i's experiments (whole
// requires-groups, balanced by estimated time; ExperimentKit/Scale/ShardPlan)
// and write shard.json, which `convnotes merge` checks; `--jobs n`: n
// experiments at once, each in its own process (IsolatedRuns.swift).
import ArgumentParser
import ExperimentKit
import Experiments
import Foundation

struct ShardOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Run shard i of n (1-based, e.g. 2/3) and write shard.json for `convnotes merge`.", valueName: "i/n"))
  var shard: String?

  @Option(help: ArgumentHelp("Balance shards by the timings.json of this earlier run (default: the reference times built in; every shard must use the same).", valueName: "dir"))
  var balanceFrom: String?

  @Flag(help: "Print the ids of the experiments that would run, one per line, and run nothing.")
  var dryRun = false

  @Option(help: ArgumentHelp("Experiments run at once, each in its own process with the run's --threads (same results as one at a time; fills the cores one experiment leaves idle).", valueName: "n"))
  var jobs: Int = 1

  func validate() throws {
    if let shard { _ = try parsedShard(shard) }
    guard (1...16).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 16, got \(jobs)") }
  }

  func parsedShard(_ text: String) throws -> Shard {
    do { return try Shard(parsing: text) } catch let error as ShardError { throw ValidationError(error.message) }
  }

  /// The estimates every shard balances by.
  func estimates(_ experiments: [any Experiment.Type], profile: Profile) -> [String: Double] {
    Self.estimates(experiments, profile: profile, balanceFrom: balanceFrom)
  }

  static func estimates(_ experiments: [any Experiment.Type], profile: Profile, balanceFrom: String?) -> [String: Double] {
    guard let balanceFrom else { return ReferenceTimes.seconds(profile) }
    let recorded = ShardPlan.recordedSeconds(in: URL(fileURLWithPath: balanceFrom), ids: experiments.map { $0.id })
    return ReferenceTimes.seconds(profile).merging(recorded) { _, measured in measured }
  }

  /// The plan of `experiments` into `count` shards.
  func plan(_ experiments: [any Experiment.Type], count: Int, profile: Profile) -> [[any Experiment.Type]] {
    ShardPlan.assign(experiments, shards: count, seconds: estimates(experiments, profile: profile))
  }

  static func plan(_ experiments: [any Experiment.Type], count: Int, profile: Profile, balanceFrom: String?) -> [[any Experiment.Type]] {
    ShardPlan.assign(experiments, shards: count, seconds: estimates(experiments, profile: profile, balanceFrom: balanceFrom))
  }

  /// Runs `experiments` (all of them, or this shard's part) and, for a shard, writes its manifest.
  func run(_ experiments: [any Experiment.Type], options: RunOptionsGroup, keepGoing: Bool) throws {
    func runner(_ list: [any Experiment.Type]) throws {
      if keepGoing || jobs > 1 {
        try IsolatedRuns.run(list, options: options, jobs: jobs, keepGoing: keepGoing)
      } else {
        try Runner.run(list, options: options.runOptions)
      }
    }
    if dryRun {
      let list = try shard.map { plan(experiments, count: try parsedShard($0).count, profile: options.profile)[try parsedShard($0).index - 1] } ?? experiments
      for e in list { print(e.id) }
      return
    }
    try options.checkModelFolder()  // before any work: a read-only --models fails here
    guard let text = shard else { return try runner(experiments) }
    try ShardPlan.runShard(
      try parsedShard(text), of: experiments, seconds: estimates(experiments, profile: options.profile), options: options.runOptions,
      runner: runner)
  }
}
