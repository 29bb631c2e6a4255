// Options shared by the commands that run experiments or read their results.
import ArgumentParser
import ExperimentKit
import Experiments
import Foundation
import Report

extension Profile: ExpressibleByArgument {}

struct RunOptionsGroup: ParsableArguments {
  @Option(help: "quick (CI, seconds), full (the notes) or large (a cluster: longer training, larger maps).")
  var profile: Profile = .full

  @Option(help: "Seed of every random draw.")
  var seed: UInt64 = 0

  @Option(help: "BLAS threads (results depend on it in the last bits).")
  var threads: Int = 2

  @Option(help: "Results folder.")
  var out: String = "results"

  @Option(help: "Model cache folder (trained networks, reused across runs; jobs may share one). Default: $CONVNOTES_MODELS, else ./models.")
  var models: String = ProcessInfo.processInfo.environment["CONVNOTES_MODELS"].flatMap { $0.isEmpty ? nil : $0 } ?? "models"

  @Option(help: "Fashion-MNIST folder (the four .gz files).")
  var dataDir: String = "/usr/share/datasets/fashion-mnist"

  @Flag(help: "Rerun experiments even when nothing they depend on changed.")
  var force = false

  func validate() throws {
    guard threads >= 1 && threads <= 256 else {
      throw ValidationError("--threads must be between 1 and 256, got \(threads)")
    }
  }

  var runOptions: RunOptions {
    RunOptions(
      profile: profile, seed: seed, threads: threads, resultsRoot: URL(fileURLWithPath: out),
      modelFolder: URL(fileURLWithPath: models), dataFolder: dataDir, force: force)
  }
}

struct ReportPaths: ParsableArguments {
  @Option(help: "Results folder.")
  var results: String = "results"

  @Option(help: "Chapters folder.")
  var chapters: String = "chapters"

  @Option(help: "Repository root, for code snippets quoted from Sources/.")
  var sourceRoot: String = "."

  @Option(parsing: .upToNextOption, help: "Only the chapters of these experiments (ids, as `convnotes list` shows them).")
  var only: [String] = []

  func validate() throws {
    for id in only where Catalog.experiment(id: id) == nil {
      let hint = Catalog.nearest(to: id).map { "; did you mean `\($0)`?" } ?? ""
      throw ValidationError("--only: unknown experiment `\(id)`\(hint)")
    }
  }

  /// The site these paths describe, writing to `siteFolder`.
  func site(writingTo siteFolder: URL) -> Site {
    var site = Site(
      chaptersFolder: URL(fileURLWithPath: chapters), resultsRoot: URL(fileURLWithPath: results),
      siteFolder: siteFolder, sourceRoot: URL(fileURLWithPath: sourceRoot))
    site.only = only.isEmpty ? nil : Set(only)
    site.fullProfileTimes = ReferenceRunTimes(
      seconds: ReferenceTimes.seconds(.full), conditions: ReferenceTimes.conditions(.full), wall: ReferenceTimes.wall(.full))
    return site
  }
}
