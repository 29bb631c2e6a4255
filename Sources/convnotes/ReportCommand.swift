import ArgumentParser
import Foundation
import Report
import Support

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Build the HTML report from chapters/ and results/; print its path.")

  @OptionGroup var paths: ReportPaths

  @Option(help: "Where the site goes.")
  var site: String = "report"

  func run() throws {
    let builder = paths.site(writingTo: URL(fileURLWithPath: site))
    let summary = try builder.build()
    for problem in summary.problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
    FileHandle.standardError.write(
      Data("report: \(summary.chapters) chapters, \(summary.claims - summary.failedClaims) of \(summary.claims) claims hold\(summary.problems.isEmpty ? "" : "; run `convnotes verify` for the \(summary.problems.count) problem(s)")\n".utf8))
    print(summary.index.standardizedFileURL.path)
  }
}

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify", abstract: "Check every claim and key of every chapter; exit 1 on any problem.")

  @OptionGroup var paths: ReportPaths

  @Option(help: "Also write JUnit XML here.")
  var junit: String?

  func run() throws {
    let site = paths.site(writingTo: URL(fileURLWithPath: "/nonexistent"))
    let report = site.verify()
    for problem in report.problems { print(problem) }
    print(report.summary)
    if let junit {
      try AtomicFile.write(report.junitXML(), to: URL(fileURLWithPath: junit))
    }
    if !report.passed { throw ExitCode.failure }
  }
}
