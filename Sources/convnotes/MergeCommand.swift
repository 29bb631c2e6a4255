// `convnotes merge DIR... --out DIR`: shards' results folders into one results
// tree that `report` and `verify` read as a single run (checks:
// ExperimentKit/Scale/ShardMerge.swift).
import ArgumentParser
import ExperimentKit
import Foundation

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge", abstract: "Merge the results folders of `all --shard i/n` runs into one results folder (checked first).")

  @Argument(help: "The shards' results folders (each with shard.json).")
  var folders: [String] = []

  @Option(help: "The merged results folder (replaced as a whole, atomically).")
  var out: String = "results"

  func validate() throws {
    guard !folders.isEmpty else { throw ValidationError("name the shards' results folders, e.g. `convnotes merge shard-1 shard-2 shard-3 --out results`") }
    let target = URL(fileURLWithPath: out).standardizedFileURL
    if folders.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL == target }) {
      throw ValidationError("--out \(out) is one of the shard folders; merge into a new folder")
    }
  }

  func run() throws {
    let summary = try ShardMerge.merge(folders.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out))
    print("merged \(summary.shards) shard\(summary.shards == 1 ? "" : "s"), \(summary.experiments.count) experiments into \(out)")
  }
}
