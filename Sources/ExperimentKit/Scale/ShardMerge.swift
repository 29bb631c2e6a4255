// `convnotes merge DIR... --out DIR`: the results folders of n shards into
// one results tree, checked first, written atomically.
//
// Checks, each failure naming the folder and what differs:
// - every folder has a shard.json (the shard finished);
// - all were run with the same commit, profile, seed and thread count, and
//   computed the same plan with the same shard count;
// - shards 1...n are each present exactly once;
// - every experiment of the plan has results.json, timings.json and
//   inputs.json in its shard's folder, results.json decodes, names its
//   experiment and carries the shard's provenance; no experiment failed;
// - no experiment's results sit in two folders.
// Then each experiment folder is copied unchanged (results.json bytes
// included, so a merged run equals a single-machine run byte for byte) into
// a staging folder, which replaces `out` in one rename.
import Foundation
import Support

public enum ShardMerge {
  public struct Summary: Sendable, Equatable {
    public var shards: Int
    public var experiments: [String]
  }

  public static func merge(_ folders: [URL], into out: URL) throws -> Summary {
    guard !folders.isEmpty else { throw ShardError("merge: name the shards' results folders") }
    let manifests = try folders.map { try ShardManifest.read(from: $0) }
    let first = manifests[0]
    for (folder, m) in zip(folders, manifests) {
      func differs(_ field: String, _ a: String, _ b: String) -> ShardError {
        ShardError("\(folder.path): \(field) is \(b), but \(folders[0].path) has \(a); shards of one run share commit, profile, seed, threads and plan")
      }
      if m.commit != first.commit { throw differs("commit", first.commit, m.commit) }
      if m.profile != first.profile { throw differs("profile", first.profile.rawValue, m.profile.rawValue) }
      if m.seed != first.seed { throw differs("seed", String(first.seed), String(m.seed)) }
      if m.threads != first.threads { throw differs("threads", String(first.threads), String(m.threads)) }
      if m.shard.count != first.shard.count { throw differs("the shard count", String(first.shard.count), String(m.shard.count)) }
      if m.plan != first.plan { throw differs("the plan", first.plan.description, m.plan.description) }
    }
    let count = first.shard.count
    var byIndex: [Int: URL] = [:]
    for (folder, m) in zip(folders, manifests) {
      if let other = byIndex[m.shard.index] {
        throw ShardError("shard \(m.shard) is in both \(other.path) and \(folder.path)")
      }
      byIndex[m.shard.index] = folder
    }
    let missing = (1...count).filter { byIndex[$0] == nil }
    guard missing.isEmpty else {
      throw ShardError("shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing (got \(folders.count) of \(count) folders)")
    }
    let fm = FileManager.default
    var owner: [String: URL] = [:]
    for (folder, m) in zip(folders, manifests) {
      if !m.failed.isEmpty {
        throw ShardError("\(folder.path): shard \(m.shard) reported failed experiments: \(m.failed.joined(separator: ", "))")
      }
      for id in m.experiments {
        let dir = folder.appendingPathComponent(id)
        for file in ["results.json", "timings.json", "inputs.json"] where !fm.fileExists(atPath: dir.appendingPathComponent(file).path) {
          throw ShardError("\(dir.appendingPathComponent(file).path): missing (experiment \(id) of shard \(m.shard))")
        }
        let url = dir.appendingPathComponent("results.json")
        let results: ExperimentResults
        do { results = try JSONDecoder().decode(ExperimentResults.self, from: Data(contentsOf: url)) } catch {
          throw ShardError("\(url.path): not intact (\(error))")
        }
        let p = results.provenance
        guard results.id == id, p.commit == m.commit, p.profile == m.profile, p.seed == m.seed, p.threads == m.threads else {
          throw ShardError("\(url.path): id \(results.id), commit \(p.commit), profile \(p.profile.rawValue), seed \(p.seed), threads \(p.threads) do not match shard \(m.shard)'s \(id), \(m.commit), \(m.profile.rawValue), \(m.seed), \(m.threads)")
        }
        owner[id] = folder
      }
    }
    // Results of an experiment in a folder that is not its shard: present twice.
    for folder in folders {
      let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
      for id in entries.sorted() where !id.hasPrefix(".") {
        guard fm.fileExists(atPath: folder.appendingPathComponent(id).appendingPathComponent("results.json").path) else { continue }
        if let home = owner[id], home != folder {
          throw ShardError("experiment \(id) is present twice: in \(home.path) (its shard) and in \(folder.path)")
        }
      }
    }

    let parent = out.deletingLastPathComponent()
    try fm.createDirectory(at: parent, withIntermediateDirectories: true)
    let staging = parent.appendingPathComponent(".\(out.lastPathComponent).merge-\(getpid())")
    try? fm.removeItem(at: staging)
    try fm.createDirectory(at: staging, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: staging) }
    let ids = first.plan.flatMap { $0 }
    for id in ids {
      try fm.copyItem(at: owner[id]!.appendingPathComponent(id), to: staging.appendingPathComponent(id))
    }
    try AtomicFile.replaceDirectory(out, with: staging)
    return Summary(shards: count, experiments: ids)
  }
}
