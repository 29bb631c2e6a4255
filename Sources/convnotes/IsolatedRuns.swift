// `convnotes all --keep-going` and `--jobs N`: every experiment in a child
// process of this binary (`convnotes run <id> --only ...`).
//
// --keep-going: one that fails, or crashes (a student's stub is a
// fatalError), costs only itself and the experiments that read its results;
// the others still run, and the book still renders with the failing chapters
// flagged. The exit status is 1 when anything failed, after everything else
// has run. Without it, nothing new starts after a failure.
//
// --jobs N: up to N children at once, in the order of ExperimentKit's
// JobSchedule (prerequisites first, then the longest estimated time). Each
// child keeps the run's --threads, so its results are the bits a sequential
// run gives; the jobs only fill the cores that one experiment's serial parts
// leave idle. With N = 1 the children run one after the other in catalog
// order.
import Dispatch
import ExperimentKit
import Experiments
import Foundation

enum IsolatedRuns {
  struct Failure: ShardFailure, CustomStringConvertible {
    let failed: [String]
    let skipped: [String]  // they read the results of one that failed
    var notStarted: [String] = []  // without --keep-going: waiting when one failed
    var failedExperiments: [String] { failed + skipped + notStarted }
    var description: String {
      "\(failed.count) experiment\(failed.count == 1 ? "" : "s") failed (\(failed.joined(separator: ", ")))"
        + (skipped.isEmpty ? "" : "; skipped, as they read its results: \(skipped.joined(separator: ", "))")
        + (notStarted.isEmpty ? "" : "; not started: \(notStarted.joined(separator: ", "))")
    }
  }

  /// The children that have exited, in the order they did (filled by their termination handlers).
  final class Exits: @unchecked Sendable {
    private let lock = NSLock()
    private var exited: [(index: Int, process: Process)] = []
    private let signal = DispatchSemaphore(value: 0)

    func record(_ index: Int, _ process: Process) {
      lock.withLock { exited.append((index, process)) }
      signal.signal()
    }

    func next() -> (index: Int, process: Process) {
      signal.wait()
      return lock.withLock { exited.removeFirst() }
    }
  }

  static func run(_ experiments: [any Experiment.Type], options: RunOptionsGroup, jobs: Int, keepGoing: Bool) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    let executable = FileManager.default.isExecutableFile(atPath: binary.path) ? binary : URL(fileURLWithPath: Bundle.main.executablePath ?? "convnotes")
    let lock = try ResultsFolderLock.acquire(URL(fileURLWithPath: options.out))
    defer { withExtendedLifetime(lock) {} }
    let started = Date()
    var schedule = JobSchedule(experiments, seconds: ReferenceTimes.seconds(options.profile), jobs: jobs)
    let exits = Exits()
    var running: [Int: Date] = [:]
    var order = 0
    var skipped: [String] = [], notStarted: [String] = []
    var stopping = false  // a failure without --keep-going: nothing new starts
    func place(_ index: Int) -> String { "[\(order)/\(experiments.count)] \(schedule.ids[index])" }

    while !schedule.isFinished {
      for (index, missing) in schedule.skipBlocked() {
        order += 1
        skipped.append(schedule.ids[index])
        Runner.stderr("\(place(index)) skipped: it reads the results of \(missing), which did not run")
      }
      if stopping { notStarted += schedule.skipWaiting() }
      while running.count < jobs, let index = schedule.start() {
        order += 1
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run", schedule.ids[index], "--only"] + options.arguments
        process.environment = ResultsFolderLock.environmentForChildren  // the children run under this process's lock
        process.terminationHandler = { exits.record(index, $0) }
        if jobs > 1 { Runner.stderr("\(place(index)) started (\(running.count + 1) of \(jobs) jobs running)") }
        try process.run()
        running[index] = Date()
      }
      guard !running.isEmpty else { break }  // nothing ready and nothing running: only skips were left
      let (index, process) = exits.next()
      let seconds = Date().timeIntervalSince(running.removeValue(forKey: index) ?? Date())
      let crashed = process.terminationReason == .uncaughtSignal
      let succeeded = process.terminationStatus == 0 && !crashed
      schedule.finish(index, succeeded: succeeded)
      let name = schedule.ids[index]
      if !succeeded {
        let how = crashed ? "crashed (signal \(process.terminationStatus))" : "failed (exit \(process.terminationStatus))"
        Runner.stderr("\(name) \(how) after \(String(format: "%.0f", seconds)) s; its previous results, if any, are kept"
          + (keepGoing ? "; going on" : "; starting nothing new"))
        stopping = stopping || !keepGoing
      } else if jobs > 1 {
        Runner.stderr("\(name) finished in \(String(format: "%.0f", seconds)) s")
      }
    }
    if jobs > 1 {
      let succeeded = schedule.states.filter { $0 == .succeeded }.count
      Runner.stderr("\(succeeded) of \(experiments.count) experiments ran in \(String(format: "%.0f", Date().timeIntervalSince(started))) s, \(jobs) at a time")
    }
    if !schedule.failedIDs.isEmpty { throw Failure(failed: schedule.failedIDs, skipped: skipped, notStarted: notStarted) }
  }
}

extension RunOptionsGroup {
  /// These options as command-line arguments, for a child process.
  var arguments: [String] {
    ["--profile", profile.rawValue, "--seed", String(seed), "--threads", String(threads), "--out", out, "--models", models, "--data-dir", dataDir]
      + (force ? ["--force"] : [])
  }
}
