// What `convnotes run <id>` prints when it is done: the claims of the
// experiment's chapter checked against the new results (the headline
// numbers are the values those claims read), the claims that fail, and the
// paths of the figures, so a student sees the effect of a change without
// opening the report.
import ExperimentKit
import Foundation
import Report

enum RunSummary {
  static func print(ids: [String], resultsRoot: URL, chaptersFolder: URL = URL(fileURLWithPath: "chapters")) {
    for id in ids {
      var site = Site(
        chaptersFolder: chaptersFolder, resultsRoot: resultsRoot, siteFolder: URL(fileURLWithPath: "/nonexistent"),
        sourceRoot: URL(fileURLWithPath: "."))
      site.only = [id]
      let report = site.verify()
      var lines: [String] = []
      if let chapter = report.compiled.first {
        let outcomes = chapter.outcomes
        lines.append("\(id): \(outcomes.filter(\.passed).count) of \(outcomes.count) claims of \(chapter.chapter.path) hold")
        var seen = Set<String>()
        var numbers: [String] = []
        for outcome in outcomes {
          for (key, value) in outcome.measured where seen.insert(key).inserted { numbers.append("\(key) = \(short(value))") }
        }
        if !numbers.isEmpty { lines.append("  numbers: " + numbers.prefix(10).joined(separator: ", ") + (numbers.count > 10 ? ", …" : "")) }
        for failed in outcomes where !failed.passed {
          lines.append("  fails: \(failed.claim.source)   (\(failed.measuredText { short($1) }); line \(failed.claim.line))")
        }
      } else {
        lines.append("\(id): no chapter in \(chaptersFolder.path) to check (run from the repository root for the claims)")
      }
      let figures = resultsRoot.appendingPathComponent(id).appendingPathComponent("figures")
      let pngs = ((try? FileManager.default.contentsOfDirectory(atPath: figures.path)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
      if !pngs.isEmpty {
        lines.append("  figures: \(figures.path)/{\(pngs.joined(separator: ","))}")
      }
      Runner.stderr(lines.joined(separator: "\n"))
    }
  }

  static func short(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e9 { return String(Int64(v)) }
    return String(format: abs(v) >= 100 ? "%.1f" : abs(v) >= 0.01 ? "%.4g" : "%.3g", v)
  }
}
