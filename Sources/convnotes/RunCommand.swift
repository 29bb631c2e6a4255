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
    try Runner.run(Catalog.withPrerequisites(ids), options: options.runOptions)
  }
}

struct AllCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "all", abstract: "Run every experiment in chapter order.")

  @OptionGroup var options: RunOptionsGroup

  func run() throws {
    try Runner.run(Catalog.all, options: options.runOptions)
  }
}
