// What a reader must know about where a page's numbers came from, shown
// above the chapter: a variant run (`convnotes run <id> --set key=value`,
// whose changed fields are named), a profile other than the rest of the
// book's, and prerequisites whose results changed after this experiment ran
// (its inputs.json recorded their hashes; the numbers may be stale).
import Foundation
import Support

extension Site {
  /// The notices above `chapter`'s text, most important first.
  func banners(_ chapter: CompiledChapter, bookProfile: String? = nil) -> [String] {
    guard let results = chapter.results else { return [] }
    var out: [String] = []
    if let changes = results.overrides, !changes.isEmpty {
      let list = changes.map { "\($0.key) = \($0.value) (default \($0.defaultValue))" }.joined(separator: "; ")
      out.append("A variant run, not the canonical one: `convnotes run \(results.id) --set` changed \(list). Claims that fail here are part of the lesson.")
    }
    if let profile = results.provenance?.profile, let book = bookProfile ?? Self.majorityProfile(of: [chapter]),
      profile != book
    {
      out.append("These numbers come from the \(profile) profile; the rest of the book was run with \(book).")
    }
    let stale = Self.changedPrerequisites(of: results.id, in: resultsRoot)
    if !stale.isEmpty {
      out.append(
        "The results of \(stale.joined(separator: ", ")) changed after this experiment ran; rerun it (`convnotes run \(results.id)`) for numbers that match them.")
    }
    return out
  }

  /// Prerequisites of `id` whose results.json differs from the one `id` ran on.
  static func changedPrerequisites(of id: String, in root: URL) -> [String] {
    let inputsURL = root.appendingPathComponent(id).appendingPathComponent("inputs.json")
    guard let data = try? Data(contentsOf: inputsURL),
      let inputs = try? JSONDecoder().decode([String: [String: String]].self, from: data), let parts = inputs["parts"]
    else { return [] }
    var changed: [String] = []
    for (name, hash) in parts.sorted(by: { $0.key < $1.key }) where name.hasPrefix("requires ") {
      let prerequisite = String(name.dropFirst("requires ".count))
      let url = root.appendingPathComponent(prerequisite).appendingPathComponent("results.json")
      guard let now = try? Data(contentsOf: url) else { continue }  // missing: the page says so elsewhere
      if fnv1a64Hex(now) != hash { changed.append(prerequisite) }
    }
    return changed
  }

  /// The profile most chapters ran with (ties: the first seen).
  static func majorityProfile(of compiled: [CompiledChapter]) -> String? {
    var counts: [String: Int] = [:]
    var order: [String] = []
    for profile in compiled.compactMap({ $0.results?.provenance?.profile }) {
      if counts[profile] == nil { order.append(profile) }
      counts[profile, default: 0] += 1
    }
    return order.max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! > order.firstIndex(of: $1)!) }
  }

  /// The index's provenance line: commit, profile (and the chapters run with
  /// another one), seed, threads, Swift.
  static func provenanceSummary(_ compiled: [CompiledChapter]) -> String {
    guard let first = compiled.compactMap({ $0.results?.provenance }).first else { return "no results yet" }
    let profile = majorityProfile(of: compiled) ?? "?"
    let others = compiled.filter { ($0.results?.provenance?.profile).map { $0 != profile } ?? false }
    let variants = compiled.filter { !($0.results?.overrides ?? []).isEmpty }
    var text = "commit \(first.commit ?? "?"), profile \(profile)"
    if !others.isEmpty {
      text += " (" + others.map { "\($0.chapter.experiment): \($0.results?.provenance?.profile ?? "?")" }.joined(separator: ", ") + ")"
    }
    text += ", seed \(first.seed.map(String.init) ?? "?"), \(first.threads.map(String.init) ?? "?") threads, Swift \(first.swift ?? "?")"
    if !variants.isEmpty { text += "; variant runs (--set): " + variants.map(\.chapter.experiment).joined(separator: ", ") }
    return text
  }
}
