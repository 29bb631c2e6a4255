// `convnotes assignment list | make | check`: the student assignments
// (Sources/Assignments/README.md). `check` is the grader's child process.
import ArgumentParser
import Assignments
import Foundation
import Support

struct AssignmentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assignment", abstract: "Student assignments: list them, make a student copy.",
    subcommands: [AssignmentListCommand.self, AssignmentMakeCommand.self, AssignmentCheckCommand.self])
}

struct AssignmentListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "The assignments: id, title, functions, points.")

  @Flag(help: "List every test too.")
  var tests = false

  func run() throws {
    for a in AssignmentCatalog.all {
      print("\(a.id)  (\(a.maxScore) points)  \(a.title)")
      var seen = Set<String>()
      for f in a.functions {
        let points = seen.insert(f.region).inserted ? String(format: "%3d", a.points(of: f.region)) : "  ·"
        print("  \(points)  \(f.name)  [\(f.file)]")
      }
      if tests {
        for t in a.tests { print("       test \(t.id) (\(t.points)): \(t.title)") }
      }
    }
  }
}

struct AssignmentMakeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "make", abstract: "Write a student copy with the assignment's solutions replaced by stubs.")

  @Argument(help: "Assignment id (see `convnotes assignment list`).")
  var id: String

  @Option(help: "The folder of the student copy (must not exist, or be empty).")
  var out: String

  @Option(help: "The reference package to copy.")
  var source: String = "."

  @Flag(help: "Replace --out if it exists.")
  var force = false

  func run() throws {
    guard let assignment = AssignmentCatalog.assignment(id: id) else {
      throw ValidationError("unknown assignment `\(id)` (one of \(AssignmentCatalog.all.map(\.id).joined(separator: ", ")))")
    }
    let summary = try StudentCopy.make(
      assignment, from: URL(fileURLWithPath: source), to: URL(fileURLWithPath: out), replace: force)
    let regions = summary.strippedRegions.values.reduce(0, +)
    print("\(out): \(summary.files) files; \(regions) solution regions stripped in \(summary.strippedFiles.joined(separator: ", "))")
    print("students start from \(out)/ASSIGNMENT.md; grade with `convnotes grade \(id) --submission \(out)`")
  }
}

struct AssignmentCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Run one test's cases with this binary's code (the grader's child process).",
    shouldDisplay: false)

  @Argument var assignment: String
  @Argument var test: String
  @Option var input: String
  @Option var output: String
  @Option(name: .customLong("memory-mb")) var memoryMB: Int?

  func run() throws {
    do {
      try CheckProcess.run(
        assignment: assignment, test: test, input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), memoryLimitMB: memoryMB)
    } catch let error as DecodingError {
      // Only the case file is decoded: name it (the grader shows this line when a check fails).
      throw FileError(path: input, message: "not a case file of \(assignment)/\(test) (\(error))")
    }
  }
}
