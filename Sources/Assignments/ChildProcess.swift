// Isolation: each test runs in a child process of the submission's own
// binary (`convnotes assignment check`, hidden), with a wall-time limit
// enforced here and a memory (address-space) and CPU-time limit set by
// util-linux's `prlimit` before the binary starts (or, without prlimit, by
// the child itself with setrlimit). A crash, fatalError, infinite loop or
// runaway allocation zeroes that test only. The child reads the inputs from
// a file and writes its outputs to another; it never sees expected values,
// and the grader writes its own report only after every child has exited.
import Foundation
import Support

#if canImport(Glibc)
  import Glibc
#endif

public struct ChildProcessRunner: CheckRunner {
  /// The submission's `convnotes` binary.
  public var binary: URL
  public var timeLimit: Double
  public var memoryLimitMB: Int
  /// Where the input and output files of each check go (a fresh folder).
  public var workFolder: URL

  public init(binary: URL, timeLimit: Double = 10, memoryLimitMB: Int = 2048, workFolder: URL) {
    (self.binary, self.timeLimit, self.memoryLimitMB, self.workFolder) = (binary, timeLimit, memoryLimitMB, workFolder)
  }

  static let prlimit: String? = ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) }

  public func run(_ test: AssignmentTest, of assignment: Assignment, cases: [Values]) -> RunOutcome {
    let fm = FileManager.default
    let folder = workFolder.appendingPathComponent("\(assignment.id)-\(test.id)-\(UUID().uuidString.prefix(8))")
    defer { try? fm.removeItem(at: folder) }
    let input = folder.appendingPathComponent("input.json"), output = folder.appendingPathComponent("output.json")
    let stdout = folder.appendingPathComponent("stdout.txt"), stderr = folder.appendingPathComponent("stderr.txt")
    do {
      try fm.createDirectory(at: folder, withIntermediateDirectories: true)
      try ValuesJSON.encode(cases).write(to: input)
      _ = fm.createFile(atPath: stdout.path, contents: nil)
      _ = fm.createFile(atPath: stderr.path, contents: nil)
    } catch {
      return .failed(status: .error, message: "the grader could not prepare the check: \(error)")
    }
    var arguments = ["assignment", "check", assignment.id, test.id, "--input", input.path, "--output", output.path]
    let process = Process()
    if let prlimit = Self.prlimit {
      process.executableURL = URL(fileURLWithPath: prlimit)
      let bytes = memoryLimitMB * 1_048_576
      arguments = ["--as=\(bytes)", "--cpu=\(Int(timeLimit.rounded(.up)) + 1)", "--", binary.path] + arguments
    } else {
      process.executableURL = binary
      arguments += ["--memory-mb", "\(memoryLimitMB)"]
    }
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    environment["SWIFT_BACKTRACE"] = "enable=no"  // a crash reports in milliseconds, not seconds
    process.environment = environment
    do {
      process.standardOutput = try FileHandle(forWritingTo: stdout)
      process.standardError = try FileHandle(forWritingTo: stderr)
      process.standardInput = FileHandle.nullDevice
      try process.run()
    } catch {
      return .failed(status: .error, message: "cannot start \(binary.path): \(error)")
    }
    let deadline = Date().addingTimeInterval(timeLimit)
    var timedOut = false
    while process.isRunning {
      if Date() > deadline {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        break
      }
      usleep(2_000)
    }
    process.waitUntilExit()
    let errText = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
    if timedOut {
      return .failed(status: .timeout, message: "did not finish within \(Self.seconds(timeLimit)) (an infinite loop?); killed")
    }
    let diagnosis = Self.diagnosis(errText)
    if process.terminationReason == .uncaughtSignal {
      let signal = process.terminationStatus
      let memory = errText.lowercased().contains("alloc") || errText.lowercased().contains("out of memory")
      let what = signal == SIGXCPU ? "ran out of CPU time" : memory ? "ran out of memory (limit \(memoryLimitMB) MB)" : "signal \(signal)"
      return .failed(status: .crashed, message: diagnosis.isEmpty ? what : "\(what): \(diagnosis)")
    }
    if process.terminationStatus != 0 {
      let memory = errText.lowercased().contains("alloc") || errText.lowercased().contains("memory")
      let what = memory ? "ran out of memory (limit \(memoryLimitMB) MB)" : "exited with status \(process.terminationStatus)"
      return .failed(status: .crashed, message: diagnosis.isEmpty ? what : "\(what): \(diagnosis)")
    }
    guard let data = try? Data(contentsOf: output) else {
      return .failed(status: .error, message: "exited without writing its outputs")
    }
    do {
      return .outputs(try ValuesJSON.decode([Values].self, from: data))
    } catch {
      return .failed(status: .error, message: "wrote outputs the grader cannot read: \(error)")
    }
  }

  /// The line of a child's stderr that says what went wrong (Swift's "Fatal error: ..."), shortened.
  static func diagnosis(_ stderr: String) -> String {
    let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let line = lines.first { $0.contains("Fatal error") || $0.contains("fatal error") || $0.contains("error:") } ?? lines.first ?? ""
    return line.count > 400 ? String(line.prefix(400)) + "…" : line
  }

  static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s) }
}

/// The child side: `convnotes assignment check <assignment> <test> --input IN --output OUT`.
public enum CheckProcess {
  public static func run(assignment id: String, test testID: String, input: URL, output: URL, memoryLimitMB: Int?) throws {
    if let memoryLimitMB {
      var limit = rlimit(rlim_cur: rlim_t(memoryLimitMB) * 1_048_576, rlim_max: rlim_t(memoryLimitMB) * 1_048_576)
      _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
    guard let assignment = AssignmentCatalog.assignment(id: id) else { throw CheckError("no assignment `\(id)`") }
    guard let test = assignment.test(id: testID) else { throw CheckError("assignment `\(id)` has no test `\(testID)`") }
    let cases = try ValuesJSON.decode([Values].self, from: Data(contentsOf: input))
    let outputs = try cases.map { try test.compute($0, .library) }
    try AtomicFile.write(ValuesJSON.encode(outputs), to: output)
  }
}
