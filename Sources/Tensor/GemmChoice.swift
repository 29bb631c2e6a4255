// Which matrix-product kernel this machine uses, decided by measurement and
// recorded, so that every later process on the same machine uses the same
// one (results are deterministic for a given machine, and the model cache,
// which keys on the kernel, stays valid).
//
// The first process that needs a product times every kernel the processor
// supports on the conv layers' products (GemmCalibration.swift) and writes
// the outcome to a record file, under an exclusive lock so that concurrent
// processes (shards, test runners) wait for it and read the same choice:
//   $CONVNOTES_GEMM_RECORD, else $XDG_CACHE_HOME/convnotes/gemm-kernel.json,
//   else ~/.cache/convnotes/gemm-kernel.json.
// The file holds one entry per machine signature (CPU model, feature flags,
// OpenBLAS's kernel, thread count, calibration version), so a home folder
// shared by different machines keeps each one's choice. Delete it to measure
// again. CONVNOTES_GEMM (avx512 | avx2 | openblas) overrides the choice.
//
// Rule: the fastest packed kernel, unless OpenBLAS is faster than it by more
// than `GemmChoice.margin`; the packed kernels give the same bits on any
// thread count, which OpenBLAS does not, so a tie goes to them.
import Foundation
import Gemm
import Support

/// One machine's measured choice.
public struct GemmChoiceRecord: Codable, Equatable, Sendable {
  /// Seconds per calibration batch, by kernel name.
  public var seconds: [String: Double]
  /// Kernels left out because their products disagreed with the reference.
  public var rejected: [String]
  /// The chosen kernel's name.
  public var kernel: String
  /// When it was measured (ISO 8601).
  public var measuredAt: String
}

/// The record file: machine signature -> record.
struct GemmChoiceFile: Codable {
  var machines: [String: GemmChoiceRecord]
}

public enum GemmChoice {
  /// How much faster OpenBLAS must be to be chosen over a packed kernel.
  public static let margin = 0.15

  /// Bumped when the calibration workload changes (old records are then measured again).
  static let calibrationVersion = 1

  /// How the active kernel was decided.
  public enum Source: String, Sendable {
    case forced = "CONVNOTES_GEMM"
    case recorded = "recorded"
    case measured = "measured now"
    case measuredNotRecorded = "measured now, not recorded"
  }

  /// The rule: the fastest packed kernel unless OpenBLAS beats it by more
  /// than `margin`; OpenBLAS when no packed kernel was measured; nil when
  /// nothing was.
  public static func choose(seconds: [GemmKernel: Double]) -> GemmKernel? {
    let packed = seconds.filter { $0.key != .openblas }.min { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) }
    guard let packed else { return seconds[.openblas] == nil ? nil : .openblas }
    if let blas = seconds[.openblas], blas * (1 + margin) < packed.value { return .openblas }
    return packed.key
  }

  /// The signature of this machine and thread count.
  public static func machineSignature(threads: Int) -> String {
    let model = CPUFlags.modelName
    let flags = CPUFlags.current.sorted().joined(separator: " ")
    return "\(model) | flags \(fnv1a64Hex(flags.utf8)) | OpenBLAS \(BLAS.coreName) | \(threads) threads | calibration \(calibrationVersion)"
  }

  /// The record file's location for this environment (nil: no home folder).
  public static func recordURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
    if let path = environment["CONVNOTES_GEMM_RECORD"], !path.isEmpty { return URL(fileURLWithPath: path) }
    if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
      return URL(fileURLWithPath: cache).appendingPathComponent("convnotes/gemm-kernel.json")
    }
    if let home = environment["HOME"], !home.isEmpty {
      return URL(fileURLWithPath: home).appendingPathComponent(".cache/convnotes/gemm-kernel.json")
    }
    return nil
  }

  /// The recorded choice for `machine` in `url`, else a new measurement
  /// (`measure`) written there. Throws when the file exists but is not a
  /// record file, naming it.
  public static func resolve(
    url: URL?, machine: String, measure: () -> (seconds: [GemmKernel: Double], rejected: [GemmKernel])
  ) throws -> (record: GemmChoiceRecord, source: Source) {
    func measured() throws -> GemmChoiceRecord {
      let (seconds, rejected) = measure()
      guard let kernel = choose(seconds: seconds) else {
        throw FileError(path: url?.path ?? "gemm choice", message: "no matrix-product kernel passed validation (rejected: \(rejected.map(\.rawValue)))")
      }
      return GemmChoiceRecord(
        seconds: Dictionary(uniqueKeysWithValues: seconds.map { ($0.key.rawValue, $0.value) }),
        rejected: rejected.map(\.rawValue), kernel: kernel.rawValue,
        measuredAt: ISO8601DateFormatter().string(from: Date()))
    }
    guard let url else { return (try measured(), .measuredNotRecorded) }
    let folder = url.deletingLastPathComponent()
    guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else {
      return (try measured(), .measuredNotRecorded)
    }
    // One process measures; the others wait here and then read its record.
    let lock = open(url.path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard lock >= 0 else { return (try measured(), .measuredNotRecorded) }
    defer { close(lock) }
    _ = flock(lock, LOCK_EX)
    var file = GemmChoiceFile(machines: [:])
    if let data = FileManager.default.contents(atPath: url.path) {
      do {
        file = try JSONDecoder().decode(GemmChoiceFile.self, from: data)
      } catch {
        throw FileError(path: url.path, message: "not a matrix-kernel record (expected {\"machines\": {signature: record}}; delete it to measure again): \(error)")
      }
      if let record = file.machines[machine] {
        guard GemmKernel(rawValue: record.kernel) != nil else {
          throw FileError(path: url.path, message: "field `kernel` of `\(machine)` is `\(record.kernel)`, expected one of \(GemmKernel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (record, .recorded)
      }
    }
    let record = try measured()
    file.machines[machine] = record
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try AtomicFile.write(encoder.encode(file) + Data("\n".utf8), to: url)
      return (record, .measured)
    } catch {
      return (record, .measuredNotRecorded)
    }
  }

  /// The thread count the calibration measures at: the machine's cores, at
  /// most 8 (as Parallel uses).
  public static var calibrationThreads: Int { min(8, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

  /// The kernel this process uses, and how it was decided: CONVNOTES_GEMM,
  /// else this machine's record, else a measurement at the machine's thread
  /// count (at most 8, as Parallel uses). A bad CONVNOTES_GEMM or record
  /// file stops the process with a message naming it (exit status 2).
  public static let active: (kernel: GemmKernel, source: Source, record: GemmChoiceRecord?) = {
    if let forced = GemmKernel.forcedByEnvironment() { return (forced, .forced, nil) }
    let flags = CPUFlags.current
    let candidates = GemmKernel.allCases.filter { $0.isSupported(flags: flags) }
    let threads = calibrationThreads
    do {
      let (record, source) = try resolve(url: recordURL(), machine: machineSignature(threads: threads)) {
        GemmCalibration.measure(kernels: candidates, threads: threads)
      }
      return (GemmKernel(rawValue: record.kernel)!, source, record)
    } catch {
      stop("\(error)")
    }
  }()
}
