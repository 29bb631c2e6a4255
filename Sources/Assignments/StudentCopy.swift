// `convnotes assignment make <id> --out DIR`: the student copy of the
// project. Every file of the package except build products, results, models
// and version control is copied; in every Swift file the assignment's
// solution regions (and the `all` regions of the seeded-bug tests) become
// stubs; Edition.swift names the assignment; the copy gets ASSIGNMENT.md and
// the self-check fixtures (inputs and the reference's outputs for a seed
// other than the grader's: data, not code). The copy is staged beside DIR
// and moved into place in one rename.
import Foundation
import Support

public enum StudentCopy {
  /// Top-level names never copied.
  static let skippedTopLevel: Set<String> = [".build", ".git", ".swiftpm", "results", "report", "models", ".cache"]
  /// Where the fixtures go in the copy.
  public static func fixturesPath(_ id: String) -> String { "assignment/\(id)-selfcheck.json" }
  /// The fixtures' seed (the grader's is `gradingSeed`).
  public static let fixturesSeed: UInt64 = 2_316
  public static let gradingSeed: UInt64 = 16

  public struct Summary: Sendable {
    public var files: Int
    public var strippedRegions: [String: Int]  // region id -> count
    public var strippedFiles: [String]
  }

  public static func make(_ assignment: Assignment, from root: URL, to destination: URL, replace: Bool = false) throws -> Summary {
    let fm = FileManager.default
    guard fm.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
      throw CheckError("\(root.path) is not the ConvNotes package (no Package.swift)")
    }
    if fm.fileExists(atPath: destination.path) {
      let contents = (try? fm.contentsOfDirectory(atPath: destination.path)) ?? []
      guard contents.isEmpty || replace else { throw CheckError("\(destination.path) exists and is not empty (pass --force to replace it)") }
    }
    let staged = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).staging-\(getpid())")
    try? fm.removeItem(at: staged)
    try fm.createDirectory(at: staged, withIntermediateDirectories: true)
    do {
      let summary = try fill(staged, from: root, assignment: assignment, destination: destination)
      try AtomicFile.replaceDirectory(destination, with: staged)
      return summary
    } catch {
      try? fm.removeItem(at: staged)
      throw error
    }
  }

  static func fill(_ out: URL, from root: URL, assignment: Assignment, destination: URL) throws -> Summary {
    let fm = FileManager.default
    let (outPath, destinationPath) = (out.standardizedFileURL.path, destination.standardizedFileURL.path)
    let ids = assignment.regions
    var counts: [String: Int] = [:]
    var strippedFiles: [String] = []
    var files = 0
    let rootPath = root.standardizedFileURL.path
    guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey, .isSymbolicLinkKey]) else {
      throw CheckError("cannot read \(root.path)")
    }
    for case let url as URL in walker {
      let path = String(url.standardizedFileURL.path.dropFirst(rootPath.count + 1))
      let name = url.lastPathComponent
      let values = try url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
      if values.isDirectory == true {
        let absolute = url.standardizedFileURL.path
        if (!path.contains("/") && skippedTopLevel.contains(name)) || name.hasPrefix(".build") || absolute == outPath || absolute == destinationPath {
          walker.skipDescendants()
        }
        continue
      }
      if name.hasSuffix(".tmp") || name == ".DS_Store" || (!path.contains("/") && skippedTopLevel.contains(name)) { continue }
      let target = out.appendingPathComponent(path)
      try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      if name.hasSuffix(".swift"), let text = try? String(contentsOf: url, encoding: .utf8) {
        let result = try SolutionRegions.strip(text, ids: ids, path: path) { region in
          let candidates = assignment.functions.filter { $0.region == region.id && $0.file == path }
          let name = candidates.first { f in region.function.map { f.name.contains("\($0)(") } ?? false }?.name ?? region.function ?? region.id
          return "\(name) (\(path)) is not implemented yet: assignment \(assignment.id), see ASSIGNMENT.md"
        }
        var output = result.text
        if path == "Sources/Assignments/Edition.swift" { output = editionFile(stripped: [assignment.id]) }
        try Data(output.utf8).write(to: target)
        for r in result.stripped { counts[r.id, default: 0] += 1 }
        if !result.stripped.isEmpty { strippedFiles.append(path) }
      } else {
        try fm.copyItem(at: url, to: target)
      }
      files += 1
    }
    // Every function of the catalog must have been found where it says.
    for f in assignment.functions where counts[f.region] == nil || !strippedFiles.contains(f.file) {
      throw CheckError("assignment \(assignment.id): no solution region `\(f.region)` in \(f.file) (for \(f.name))")
    }
    let fixtures = try Fixtures.make(assignment, seed: fixturesSeed)
    try AtomicFile.write(fixtures.encoded(), to: out.appendingPathComponent(fixturesPath(assignment.id)))
    try AtomicFile.write(readme(assignment), to: out.appendingPathComponent("ASSIGNMENT.md"))
    return Summary(files: files, strippedRegions: counts, strippedFiles: strippedFiles.sorted())
  }

  static func editionFile(stripped: [String]) -> String {
    """
    // Which assignments this copy of the sources has been stripped for (written
    // by `convnotes assignment make`): this copy's own `convnotes grade` checks
    // against the shipped fixtures, since it cannot compute expected values.
    public enum Edition {
      public static let strippedAssignments: [String] = [\(stripped.map { "\"\($0)\"" }.joined(separator: ", "))]
    }

    """
  }

  /// ASSIGNMENT.md: what to implement, where, how to check yourself, how it is graded.
  public static func readme(_ a: Assignment) -> String {
    var text = "# Assignment `\(a.id)`: \(a.title)\n\n\(a.summary)\n\n## What to implement\n\n"
    text += "Each function below has a body that stops the program with `fatalError` naming it. Replace that body (keep the signature).\n\n"
    text += "| function | file | points |\n| --- | --- | --- |\n"
    var seen = Set<String>()
    for f in a.functions {
      let points = seen.insert(f.region).inserted ? "\(a.points(of: f.region))" : "(with the row above)"
      text += "| `\(f.name)` | `\(f.file)` | \(points) |\n"
    }
    text += "\n## Tests (\(a.maxScore) points)\n\n| test | points | what it checks |\n| --- | --- | --- |\n"
    for t in a.tests { text += "| `\(t.id)` | \(t.points) | \(t.title) |\n" }
    text += """

      A test scores all its points when every one of its cases matches the reference, else zero. Real \
      numbers are compared with CS231n's `rel_error` (denominator floored at 1% of the largest expected \
      magnitude; tolerance 1e-4, 1e-9 for IoU, AP and box coding), indices exactly.

      ## Checking yourself

          swift build -c release --product convnotes
          .build/release/convnotes grade \(a.id) --no-build

      grades your code against `\(fixturesPath(a.id))`: inputs and the reference's outputs computed when \
      this copy was made. A failing test says what was wrong (the relative error and where, the indices \
      NMS kept, a crash's message). The book is your other check: `make report` runs the chapters on \
      your code and `convnotes verify` lists the claims that fail. Until a function is written, an \
      experiment that calls it stops at its `fatalError`; `make report` runs every experiment in its \
      own process, so the others still run and the book shows which chapters have no results yet \
      (in `layers`, the classifier's training calls ReLU's backward and the loss, so the chapters that \
      study the classifier return once those work).

      ## How you are graded

      Your submission is this folder. The course's grader builds it (`swift build -c release`), then runs \
      each test in a separate process of your binary, with a time limit and a memory limit, on inputs \
      drawn from another seed, and compares your outputs with the reference's, computed at grading \
      time. A crash, an infinite loop or a runaway allocation in one function costs only the tests of \
      that function. A submission that does not build scores nothing: the grader reports the \
      compiler's first error.

      """
    return text
  }
}

/// Builds a submission's `convnotes` binary.
public enum SubmissionBuild {
  public struct Failure: Error, CustomStringConvertible {
    public var firstError: String
    public var log: URL
    public var description: String { "the submission does not build: \(firstError) (full log: \(log.path))" }
  }

  /// `swift build -c <configuration> --product convnotes` in `folder`; the binary's URL.
  public static func build(_ folder: URL, configuration: String = "release", log: URL) throws -> URL {
    let fm = FileManager.default
    guard fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) else {
      throw CheckError("\(folder.path) is not a submission: it has no Package.swift")
    }
    _ = fm.createFile(atPath: log.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["swift", "build", "-c", configuration, "--product", "convnotes"]
    process.currentDirectoryURL = folder
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try? handle.close()
    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    guard process.terminationReason == .exit && process.terminationStatus == 0 else {
      let first = text.split(separator: "\n").first { $0.contains("error:") }.map(String.init)
        ?? text.split(separator: "\n").last.map(String.init) ?? "swift build failed with status \(process.terminationStatus)"
      throw Failure(firstError: first.trimmingCharacters(in: .whitespaces), log: log)
    }
    let binary = folder.appendingPathComponent(".build/\(configuration)/convnotes")
    guard fm.isExecutableFile(atPath: binary.path) else { throw CheckError("the build finished but \(binary.path) is missing") }
    return binary
  }
}
