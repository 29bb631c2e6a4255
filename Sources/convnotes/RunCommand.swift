import ArgumentParser
import ExperimentKit
import Experiments
import Foundation

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run experiments (and what they require); write results/<id>/.")

  @Argument(help: "Experiment ids (see `convnotes list`).")
  var ids: [String] = []

  @OptionGroup var options: RunOptionsGroup

  @OptionGroup var sharding: ShardOptions

  @Flag(help: "Run only the named experiments, not what they require (their results must be there).")
  var only = false

  @Flag(help: "Run each experiment in a child process and go on past one that fails or crashes (exit 1 at the end if any did).")
  var keepGoing = false

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Change a field of the experiment's configuration (repeatable; `convnotes params <id>` lists the fields). The run goes to its own folder (default \(VariantRun.defaultFolder)/), never over results/.",
      valueName: "key=value"))
  var settings: [String] = []

  func validate() throws {
    guard !ids.isEmpty else { throw ValidationError("name an experiment (see `convnotes list`), or use `convnotes all`") }
    if !settings.isEmpty {
      guard ids.count == 1 else { throw ValidationError("--set changes one experiment's configuration: name exactly one (got \(ids.joined(separator: ", ")))") }
      guard !keepGoing, sharding.shard == nil, sharding.jobs == 1 else { throw ValidationError("--set runs in this process: drop --keep-going, --shard and --jobs") }
    }
    for id in ids where Catalog.experiment(id: id) == nil {
      if Profile(rawValue: id) != nil {
        throw ValidationError("`\(id)` is not an experiment; did you mean `--profile \(id)`?")
      }
      let hint = Catalog.nearest(to: id).map { "; did you mean `\($0)`?" } ?? ""
      throw ValidationError("unknown experiment `\(id)`\(hint) (see `convnotes list`)")
    }
  }

  func run() throws {
    let experiments = only ? ids.compactMap { Catalog.experiment(id: $0) } : Catalog.withPrerequisites(ids)
    if !settings.isEmpty {
      let root = try VariantRun.run(ids[0], experiments: experiments, settings: settings, options: options)
      RunSummary.print(ids: ids, resultsRoot: root)
      return
    }
    try sharding.run(experiments, options: options, keepGoing: keepGoing)
    if sharding.shard == nil && !sharding.dryRun && !keepGoing {
      RunSummary.print(ids: ids, resultsRoot: URL(fileURLWithPath: options.out))
    }
  }
}

struct AllCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "all", abstract: "Run every experiment in chapter order.")

  @OptionGroup var options: RunOptionsGroup

  @OptionGroup var sharding: ShardOptions

  @Flag(help: "Run each experiment in a child process and go on past one that fails or crashes (exit 1 at the end if any did).")
  var keepGoing = false

  func run() throws {
    try sharding.run(Catalog.all, options: options, keepGoing: keepGoing)
  }
}
