// Runs experiments: prerequisites first, each into a staging folder that
// replaces results/<id>/ only when the run succeeded (an interrupted or
// failed run leaves the last good results). Progress goes to stderr. One run
// per results folder at a time (ResultsFolderLock).
import BuildInfo
import Support
import Datasets
import Foundation
import Layers
import Tensor

public struct RunOptions: Sendable {
  public var profile: Profile
  public var seed: UInt64
  public var threads: Int
  public var resultsRoot: URL
  public var modelFolder: URL
  public var dataFolder: String
  /// Rerun even when nothing an experiment depends on changed.
  public var force: Bool
  /// `--set key=value` per experiment id (ConfigOverrides); empty for the
  /// profile's own configurations.
  public var overrides: [String: [ConfigOverride]] = [:]
  /// The code fingerprints (folder -> hash) experiments are keyed by: the
  /// table embedded at build time (tests pass one made from a changed copy).
  public var sourceFingerprints: [String: String] = BuildInfo.folderFingerprints

  public init(
    profile: Profile = .full, seed: UInt64 = 0, threads: Int = 2, resultsRoot: URL,
    modelFolder: URL = URL(fileURLWithPath: "models"), dataFolder: String = FashionMNIST.defaultFolder,
    force: Bool = false
  ) {
    (self.profile, self.seed, self.threads, self.resultsRoot) = (profile, seed, threads, resultsRoot)
    (self.modelFolder, self.dataFolder, self.force) = (modelFolder, dataFolder, force)
  }
}

public enum Runner {
  /// Runs each experiment in order, skipping those whose inputs did not
  /// change since their last run (unless `options.force`); returns, for
  /// each, its wall seconds and whether the stored results were kept.
  @discardableResult
  public static func run(
    _ experiments: [any Experiment.Type], options: RunOptions, log: (String) -> Void = Runner.stderr
  ) throws -> [(id: String, seconds: Double, reused: Bool)] {
    if let warning = SourceFreshness.warning() { log(warning) }
    let lock = try ResultsFolderLock.acquire(options.resultsRoot)
    defer { withExtendedLifetime(lock) {} }
    if BLAS.threads != options.threads { BLAS.setThreads(options.threads) }
    Memory.keepLargeAllocations()
    var done: [(String, Double, Bool)] = []
    let start = Date()
    for (n, experiment) in experiments.enumerated() {
      let place = "[\(n + 1)/\(experiments.count)] \(experiment.id)"
      if !options.force, try unchanged(experiment, options: options) {
        log("\(place) unchanged since its last run; results kept (--force reruns)")
        done.append((experiment.id, 0, true))
        continue
      }
      log("\(place) (\(options.profile.rawValue)) ...")
      let seconds = try runOne(experiment, options: options)
      log(
        "\(place) done in \(String(format: "%.1f", seconds)) s"
          + " (elapsed \(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
      done.append((experiment.id, seconds, false))
    }
    return done
  }

  static func unchanged<E: Experiment>(_ experiment: E.Type, options: RunOptions) throws -> Bool {
    guard let stored = ExperimentInputs.stored(E.id, in: options.resultsRoot) else { return false }
    return try ExperimentInputs.of(E.self, options: options) == stored
  }

  public static func stderr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  static func runOne<E: Experiment>(_ experiment: E.Type, options: RunOptions) throws -> Double {
    let fm = FileManager.default
    let destination = options.resultsRoot.appendingPathComponent(E.id)
    let staging = options.resultsRoot.appendingPathComponent(".staging-\(E.id)-\(getpid())")
    try? fm.removeItem(at: staging)
    try fm.createDirectory(at: staging.appendingPathComponent("figures"), withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: staging) }

    let (config, changes) = try E.resolvedConfig(options)
    let inputs = try ExperimentInputs.of(E.self, options: options)
    let context = RunContext(
      id: E.id, profile: options.profile, seed: options.seed, threads: options.threads, folder: staging,
      resultsRoot: options.resultsRoot, modelCache: ModelCache(folder: options.modelFolder), dataFolder: options.dataFolder)
    context.provenanceForFigures = [
      ("config", fnv1a64Hex(try JSONEncoder.sorted.encode(config))), ("commit", Git.commit + (Git.isDirty ? "+dirty" : "")),
    ] + changes.map { ("set " + $0.key, $0.value) }
    let clockStart = DispatchTime.now().uptimeNanoseconds
    try E.run(config, in: context)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - clockStart) / 1e9

    let results = ExperimentResults(
      id: E.id, title: E.title, lecture: E.lecture.rawValue, config: try JSONValue.from(config),
      provenance: Provenance(
        commit: Git.commit, dirty: Git.isDirty, profile: options.profile, seed: options.seed,
        threads: options.threads, openblasCoretype: BLAS.coreTypeEnvironment, openblasCore: BLAS.coreName,
        gemmKernel: BLAS.gemmKernel,
        swift: swiftVersion, data: context.dataChecksums),
      values: context.values, tables: context.tables, figures: context.figures,
      overrides: changes.isEmpty ? nil : changes)
    let timings = ExperimentTimings(
      id: E.id, finishedAt: ISO8601DateFormatter().string(from: Date()), seconds: seconds, profile: options.profile,
      steps: context.steps,
      notes: context.notes, measured: context.measured.isEmpty ? nil : context.measured)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(encoder.encode(results) + Data("\n".utf8), to: staging.appendingPathComponent("results.json"))
    try AtomicFile.write(encoder.encode(timings) + Data("\n".utf8), to: staging.appendingPathComponent("timings.json"))
    try AtomicFile.write(encoder.encode(inputs) + Data("\n".utf8), to: staging.appendingPathComponent("inputs.json"))
    try AtomicFile.replaceDirectory(destination, with: staging)
    return seconds
  }

  /// The last run of `id` under `resultsRoot`: when it finished and how long it took.
  public static func lastRun(of id: String, in resultsRoot: URL) -> ExperimentTimings? {
    let url = resultsRoot.appendingPathComponent(id).appendingPathComponent("timings.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(ExperimentTimings.self, from: data)
  }
}

/// The compiler's language version, for provenance.
public let swiftVersion: String = {
  #if compiler(>=6.4)
    return "6.4+"
  #elseif compiler(>=6.3)
    return "6.3"
  #elseif compiler(>=6.2)
    return "6.2"
  #elseif compiler(>=6.1)
    return "6.1"
  #else
    return "6.0"
  #endif
}()

/// The commit of the checkout the binary was built from, read once per process.
enum Git {
  static let commit: String = run(["rev-parse", "--short=12", "HEAD"]) ?? "unknown"
  static let isDirty: Bool = !(run(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty

  static func run(_ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", BuildInfo.sourceRoot] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
