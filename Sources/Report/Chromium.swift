// Headless Chromium, for what only a browser can tell (does the page render
// without errors at 420 px?) and for printing the book to PDF. Debian's
// `chromium-headless-shell` (or `chromium`) is found on PATH, or named by
// CONVNOTES_CHROMIUM. `scripts/setup.sh --browser` installs it.
import Foundation

public struct Chromium: Sendable {
  public var executable: URL

  /// The browser on this machine, or nil.
  public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> Chromium? {
    if let named = environment["CONVNOTES_CHROMIUM"], !named.isEmpty {
      return FileManager.default.isExecutableFile(atPath: named) ? Chromium(executable: URL(fileURLWithPath: named)) : nil
    }
    let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in ["chromium-headless-shell", "chromium", "chromium-browser"] {
      for folder in path {
        let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return Chromium(executable: candidate) }
      }
    }
    return nil
  }

  public static let missingMessage =
    "no headless Chromium found (install Debian's chromium-headless-shell: `sh scripts/setup.sh --browser`, or set CONVNOTES_CHROMIUM)"

  /// Runs the browser headless with `arguments`; returns its stdout. Throws
  /// when it exits non-zero or takes longer than `timeout` seconds.
  public func run(_ arguments: [String], timeout: Double = 60) throws -> String {
    let process = Process()
    process.executableURL = executable
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("convnotes-chromium-\(getpid())")
    defer { try? FileManager.default.removeItem(at: profile) }
    process.arguments =
      ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
       "--user-data-dir=\(profile.path)", "--no-first-run", "--disable-extensions"] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    let data = out.fileHandleForReading.readDataToEndOfFile()
    watchdog.cancel()
    process.waitUntilExit()
    if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
      throw ReportError(file: executable.path, line: 0, message: "Chromium took more than \(Int(timeout)) s (\(arguments.last ?? ""))")
    }
    guard process.terminationStatus == 0 else {
      throw ReportError(file: executable.path, line: 0, message: "Chromium exited with status \(process.terminationStatus) (\(arguments.last ?? ""))")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
