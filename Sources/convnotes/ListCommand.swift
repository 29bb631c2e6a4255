import ArgumentParser
import ExperimentKit
import Experiments
import Foundation
import Models

struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the experiments: id, title, lecture, last run.")

  @Option(help: "Results folder.")
  var results: String = "results"

  @Flag(help: "Print each experiment's code fingerprint and each shared model's cache key instead (they are embedded at build time, the same from any folder).")
  var keys = false

  @Option(help: "The profile whose model keys --keys prints, and whose reference times the list shows (quick, full or large).")
  var profile: Profile = .full

  @Option(help: "The run seed whose model keys --keys prints.")
  var seed: UInt64 = 0

  @Option(help: "The thread count whose model keys --keys prints.")
  var threads: Int = 2

  func run() throws {
    if keys {
      for e in Catalog.all { print("experiment \(e.id) code \(e.codeFingerprint)") }
      for m in ModelCatalog.all(profile) { print("model \(m.name) \(m.cacheKey(seed: seed, threads: threads))") }
      return
    }
    let root = URL(fileURLWithPath: results)
    let reference = ReferenceTimes.seconds(profile)
    let rows = Catalog.all.map { e -> [String] in
      let last = Runner.lastRun(of: e.id, in: root).map {
        "\($0.finishedAt.prefix(19).replacingOccurrences(of: "T", with: " "))  \(String(format: "%.1f s", $0.seconds))"
          + ($0.profile.map { " (\($0.rawValue))" } ?? "")
      } ?? "—"
      return [e.id, e.title, e.lecture.short, reference[e.id].map { String(format: "%.0f s", $0) } ?? "—", last]
    }
    let header = ["id", "title", "lecture", "\(profile.rawValue), expected", "last run"]
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    for row in [header] + rows {
      print(row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
    let total = Catalog.all.reduce(0.0) { $0 + (reference[$1.id] ?? 0) }
    let wall = ReferenceTimes.wall(profile).map {
      "; \($0.jobs) at a time (--jobs \($0.jobs), as make runs it) \(String(format: "%.0f", $0.seconds)) s (\(String(format: "%.1f", $0.seconds / 60)) min) in all"
    }
    print(
      "\nexpected: \(profile.rawValue) profile, \(ReferenceTimes.conditions(profile)); one at a time \(String(format: "%.0f", total)) s (\(String(format: "%.1f", total / 60)) min)"
        + (wall ?? "") + " (--profile quick|full|large)")
  }
}
