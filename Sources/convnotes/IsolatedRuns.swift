// `convnotes all --keep-going`: every experiment in a child process of this
// binary (`convnotes run <id> --only ...`), so that one that fails, or
// crashes (a student's stub is a fatalError), costs only itself and the
// experiments that read its results; the others still run, and the book
// still renders with the failing chapters flagged. The exit status is 1
// when anything failed, after everything else has run.
import ExperimentKit
import Experiments
import Foundation

enum IsolatedRuns {
  struct Failure: ShardFailure, CustomStringConvertible {
    let failed: [String]
    let skipped: [String]
    var failedExperiments: [String] { failed + skipped }
    var description: String {
      "\(failed.count) experiment\(failed.count == 1 ? "" : "s") failed (\(failed.joined(separator: ", ")))"
        + (skipped.isEmpty ? "" : "; skipped, as they read its results: \(skipped.joined(separator: ", "))")
    }
  }

  static func run(_ experiments: [any Experiment.Type], options: RunOptionsGroup) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    let executable = FileManager.default.isExecutableFile(atPath: binary.path) ? binary : URL(fileURLWithPath: Bundle.main.executablePath ?? "convnotes")
    let lock = try ResultsFolderLock.acquire(URL(fileURLWithPath: options.out))
    defer { withExtendedLifetime(lock) {} }
    var failed: [String] = [], skipped: [String] = []
    for (n, experiment) in experiments.enumerated() {
      let place = "[\(n + 1)/\(experiments.count)] \(experiment.id)"
      if let missing = experiment.requires.first(where: { failed.contains($0.id) || skipped.contains($0.id) }) {
        Runner.stderr("\(place) skipped: it reads the results of \(missing.id), which did not run")
        skipped.append(experiment.id)
        continue
      }
      let process = Process()
      process.executableURL = executable
      process.arguments = ["run", experiment.id, "--only"] + options.arguments
      process.environment = ResultsFolderLock.environmentForChildren  // the children run under this process's lock
      try process.run()
      process.waitUntilExit()
      if process.terminationStatus != 0 || process.terminationReason == .uncaughtSignal {
        let how = process.terminationReason == .uncaughtSignal ? "crashed (signal \(process.terminationStatus))" : "failed (exit \(process.terminationStatus))"
        Runner.stderr("\(place) \(how); its previous results, if any, are kept; going on")
        failed.append(experiment.id)
      }
    }
    if !failed.isEmpty { throw Failure(failed: failed, skipped: skipped) }
  }
}

extension RunOptionsGroup {
  /// These options as command-line arguments, for a child process.
  var arguments: [String] {
    ["--profile", profile.rawValue, "--seed", String(seed), "--threads", String(threads), "--out", out, "--models", models, "--data-dir", dataDir]
      + (force ? ["--force"] : [])
  }
}
