// `convnotes grade <id>`: build a submission, run every test of the
// assignment in a child process of its binary, print the score table and
// write the report (text, json, Gradescope results.json, JUnit XML)
// atomically. Exit 0 when grading completed, whatever the score; 1 when the
// submission cannot be graded (no such folder, no such assignment); 2 when
// it does not build (with --output, a zero report naming the compiler's
// first error is still written).
import ArgumentParser
import Assignments
import Foundation
import Support

extension ReportFormat: ExpressibleByArgument {}

struct GradeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grade", abstract: "Grade a submission of an assignment (default: the current folder).",
    discussion: """
      The grader builds the submission (swift build -c release --product convnotes), then runs each test \
      as `<submission>/.build/release/convnotes assignment check ...` with a time and memory limit, and \
      compares the outputs with the reference's (this binary's own code, at grading time). Run from a \
      student copy, whose own code is stubbed, it checks against the fixtures shipped with the copy.
      """)

  @Argument(help: "Assignment id (see `convnotes assignment list`).")
  var id: String

  @Option(help: "The submission: a copy of the package.")
  var submission: String = "."

  @Option(help: "text | json | gradescope | junit.")
  var format: ReportFormat = .text

  @Option(help: "Write the report here (atomically) instead of printing it; the table is printed.")
  var output: String?

  @Flag(name: .customLong("no-build"), help: "Use the submission's binary as it is.")
  var noBuild = false

  @Option(help: "release or debug: the build configuration of the submission.")
  var configuration: String = "release"

  @Option(name: .customLong("time-limit"), help: "Seconds each test may run.")
  var timeLimit: Double = 10

  @Option(name: .customLong("memory-limit"), help: "Megabytes of address space each test may use.")
  var memoryLimit: Int = 2048

  @Option(help: "Check against these fixtures (inputs and expected outputs) instead of the reference.")
  var fixtures: String?

  @Option(help: "Only these tests (comma-separated ids).")
  var only: String?

  @Option(help: .hidden) var binary: String?
  @Option(help: .hidden) var seed: UInt64 = StudentCopy.gradingSeed

  func validate() throws {
    guard AssignmentCatalog.assignment(id: id) != nil else {
      throw ValidationError("unknown assignment `\(id)` (one of \(AssignmentCatalog.all.map(\.id).joined(separator: ", ")))")
    }
    guard ["release", "debug"].contains(configuration) else { throw ValidationError("--configuration must be release or debug") }
    guard timeLimit > 0, memoryLimit >= 64 else { throw ValidationError("--time-limit must be positive and --memory-limit at least 64") }
  }

  func run() throws {
    let assignment = AssignmentCatalog.assignment(id: id)!
    let folder = URL(fileURLWithPath: submission).standardizedFileURL
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
      throw ValidationError("no submission folder \(folder.path)")
    }
    let expected: ExpectedValues
    if let path = fixtures ?? (Edition.strippedAssignments.contains(id) ? folder.appendingPathComponent(StudentCopy.fixturesPath(id)).path : nil) {
      guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the fixtures \(path)") }
      let loaded = try Fixtures.decode(data)
      guard loaded.assignment == id else { throw ValidationError("\(path) holds the fixtures of `\(loaded.assignment)`, not `\(id)`") }
      expected = .fixtures(loaded)
    } else {
      expected = .reference(seed: seed)
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("convnotes-grade-\(getpid())-\(UUID().uuidString.prefix(6))")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }

    let executable: URL
    if let binary {
      executable = URL(fileURLWithPath: binary)
    } else if noBuild {
      executable = folder.appendingPathComponent(".build/\(configuration)/convnotes")
      guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw ValidationError("no binary \(executable.path): build the submission first, or drop --no-build")
      }
    } else {
      FileHandle.standardError.write(Data("grade: building \(folder.path) (swift build -c \(configuration))...\n".utf8))
      do {
        executable = try SubmissionBuild.build(folder, configuration: configuration, log: work.deletingLastPathComponent().appendingPathComponent("convnotes-grade-build-\(getpid()).log"))
      } catch let failure as SubmissionBuild.Failure {
        FileHandle.standardError.write(Data("convnotes: \(failure)\n".utf8))
        if let output {
          let tests = assignment.tests.map {
            TestResult(id: $0.id, name: "\($0.id): \($0.title)", score: 0, maxScore: $0.points, status: .error, output: "the submission does not build: \(failure.firstError)", seconds: 0)
          }
          let report = GradeReport(assignment: id, title: assignment.title, score: 0, maxScore: assignment.maxScore, expected: "none (build failed)", tests: tests)
          try AtomicFile.write(report.rendered(format), to: URL(fileURLWithPath: output))
        }
        throw ExitCode(2)
      }
    }
    let runner = ChildProcessRunner(binary: executable, timeLimit: timeLimit, memoryLimitMB: memoryLimit, workFolder: work)
    let selected = only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    if let selected, let unknown = selected.first(where: { assignment.test(id: $0) == nil }) {
      throw ValidationError("assignment `\(id)` has no test `\(unknown)`")
    }
    let report = Grader.grade(assignment, runner: runner, expected: expected, only: selected)
    if let output {
      try AtomicFile.write(report.rendered(format), to: URL(fileURLWithPath: output))
      print(report.table, terminator: "")
    } else {
      print(report.rendered(format), terminator: "")
    }
  }
}
