// Running a Python peer's script for a benchmark: `python3 -c script args`
// with a scratch folder for the raw float32 files both sides exchange. The
// peers are development tools, never required: a missing python3 or a
// failing import makes the caller skip the comparison, with a log line.
import Foundation

enum PythonPeer {
  /// A fresh scratch folder for one peer run (the caller removes it).
  static func scratchFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convnotes-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Floats written as raw little-endian float32.
  static func write(_ values: [Float], _ url: URL) throws {
    try values.withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
  }

  /// Raw float32 values read back.
  static func read(_ url: URL) throws -> [Float] {
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  /// The words the script printed on stdout, or nil (logged) when python3
  /// is missing or the script failed (typically: torch is not importable).
  static func run(_ script: String, arguments: [String], what: String, log: (String) -> Void) -> [Substring]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe()
    (process.standardOutput, process.standardError) = (out, FileHandle.nullDevice)
    do { try process.run() } catch {
      log("\(what): no python3 (\(error)); peer not timed")
      return nil
    }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      log("\(what): python3 cannot run the peer (exit \(process.terminationStatus); is torch importable?); peer not timed")
      return nil
    }
    return text.split(whereSeparator: { $0 == " " || $0 == "\n" })
  }
}
