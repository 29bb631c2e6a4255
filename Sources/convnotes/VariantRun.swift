// `convnotes run <id> --set key=value ...`: the experiment with some fields
// of its configuration changed, into a results folder of its own (never the
// canonical results/, whose numbers the book quotes). The prerequisites'
// canonical results are copied in when the variant folder lacks them, so the
// Runner keeps them (their inputs did not change) instead of rerunning them.
// `convnotes report --results results-try --site report-try` then renders the
// chapter with a banner naming what changed.
import ArgumentParser
import ExperimentKit
import Experiments
import Foundation

enum VariantRun {
  static let defaultFolder = "results-try"
  static let canonicalFolder = "results"

  /// Runs `id` with `settings` applied; returns the results folder used.
  static func run(
    _ id: String, experiments: [any Experiment.Type], settings: [String], options group: RunOptionsGroup
  ) throws -> URL {
    guard let experiment = Catalog.experiment(id: id) else { throw ValidationError("unknown experiment `\(id)`") }
    let overrides = try settings.map(ConfigOverride.init(argument:))
    var options = group.runOptions
    options.overrides = [id: overrides]
    // Checked before any work: unknown keys and unparsable values stop here.
    let changes = try changes(of: experiment, options: options)
    let canonical = URL(fileURLWithPath: canonicalFolder).standardizedFileURL
    if options.resultsRoot.standardizedFileURL == canonical {
      options.resultsRoot = URL(fileURLWithPath: defaultFolder)
    }
    Runner.stderr(
      "\(id): variant run into \(options.resultsRoot.relativePath)/ with "
        + (changes.isEmpty ? "no field changed (the values equal the profile's)" : changes.map { "\($0.key) = \($0.value) (default \($0.defaultValue))" }.joined(separator: ", ")))
    try seedPrerequisites(of: experiment, from: canonical, into: options.resultsRoot)
    try Runner.run(experiments, options: options)
    return options.resultsRoot
  }

  static func changes(of experiment: any Experiment.Type, options: RunOptions) throws -> [ConfigChange] {
    func open<E: Experiment>(_ e: E.Type) throws -> [ConfigChange] { try E.resolvedConfig(options).changes }
    return try open(experiment)
  }

  /// Copies the canonical results of `experiment`'s prerequisites (all the
  /// way down) into `root` where `root` has none.
  static func seedPrerequisites(of experiment: any Experiment.Type, from canonical: URL, into root: URL) throws {
    let fm = FileManager.default
    guard canonical.standardizedFileURL != root.standardizedFileURL else { return }
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    for prerequisite in Catalog.withPrerequisites([experiment.id]) where prerequisite.id != experiment.id {
      let source = canonical.appendingPathComponent(prerequisite.id)
      let target = root.appendingPathComponent(prerequisite.id)
      guard fm.fileExists(atPath: source.appendingPathComponent("results.json").path),
        !fm.fileExists(atPath: target.path)
      else { continue }
      try fm.copyItem(at: source, to: target)
    }
  }
}
