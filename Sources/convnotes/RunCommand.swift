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

  func validate() throws {
    guard !ids.isEmpty else { throw ValidationError("name an experiment (see `convnotes list`), or use `convnotes all`") }
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
    try sharding.run(experiments, options: options, keepGoing: keepGoing)
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
