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

  @Flag(help: "Also print the whole book to <site>/convnotes.pdf (headless Chromium; `sh scripts/setup.sh --browser` installs it).")
  var pdf = false

  func run() throws {
    let chromium = pdf ? Chromium.find() : nil
    if pdf && chromium == nil { throw ValidationError("--pdf: " + Chromium.missingMessage) }
    let builder = paths.site(writingTo: URL(fileURLWithPath: site))
    let summary = try builder.build()
    for problem in summary.problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
    FileHandle.standardError.write(
      Data("report: \(summary.chapters) chapters, \(summary.claims - summary.failedClaims) of \(summary.claims) claims hold\(summary.problems.isEmpty ? "" : "; run `convnotes verify` for the \(summary.problems.count) problem(s)")\n".utf8))
    print(summary.index.standardizedFileURL.path)
    if let chromium { print(try builder.printPDF(chromium: chromium).standardizedFileURL.path) }
  }
}

struct CheckSiteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check-site",
    abstract: "Open every page of a built report in headless Chromium; exit 1 on a missing image, a KaTeX or console error, a broken link or anchor, horizontal overflow, or figure text under 11 px as displayed.")

  @Option(help: "The built report.")
  var site: String = "report"

  @Option(help: "Window width in CSS px (repeat for several; default 420 and 1300). Figure text is checked at widths >= 1200.")
  var width: [Int] = [420, 1300]

  func run() throws {
    guard let chromium = Chromium.find() else { throw ValidationError(Chromium.missingMessage) }
    let problems = try SiteCheck.run(site: URL(fileURLWithPath: site), chromium: chromium, widths: width)
    for p in problems { print(p) }
    let pages = (try? FileManager.default.contentsOfDirectory(atPath: site).filter { $0.hasSuffix(".html") }.count) ?? 0
    print("check-site: \(pages) pages at \(width.map(String.init).joined(separator: " and ")) px, \(problems.count) problem\(problems.count == 1 ? "" : "s")")
    if !problems.isEmpty { throw ExitCode.failure }
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
