// `convnotes shards N`: the plan `all --shard i/N` follows, for a job
// scheduler's script or a CI matrix to check against.
import ArgumentParser
import ExperimentKit
import Experiments
import Foundation

struct ShardsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "shards", abstract: "Print which experiments each of N shards runs (`convnotes all --shard i/N`) and its estimated time.")

  @Argument(help: "Number of shards.")
  var count: Int

  @Option(help: "The profile whose times balance the shards.")
  var profile: Profile = .full

  @Option(help: ArgumentHelp("Balance by the timings.json of this earlier run.", valueName: "dir"))
  var balanceFrom: String?

  @Flag(help: "One JSON object: {\"shards\": [{\"shard\": \"1/N\", \"experiments\": [...], \"seconds\": s}, ...]}.")
  var json = false

  func validate() throws {
    guard count >= 1 && count <= 1000 else { throw ValidationError("the shard count must be 1...1000, got \(count)") }
  }

  func run() throws {
    let estimates = ShardOptions.estimates(Catalog.all, profile: profile, balanceFrom: balanceFrom)
    let plan = ShardOptions.plan(Catalog.all, count: count, profile: profile, balanceFrom: balanceFrom)
    let rows = plan.enumerated().map { i, experiments in
      (shard: "\(i + 1)/\(count)", ids: experiments.map { $0.id }, seconds: experiments.reduce(0.0) { $0 + (estimates[$1.id] ?? 60) })
    }
    if json {
      let objects: [[String: Any]] = rows.map { ["shard": $0.shard, "experiments": $0.ids, "seconds": ($0.seconds * 10).rounded() / 10] }
      let data = try JSONSerialization.data(withJSONObject: ["shards": objects], options: [.sortedKeys, .withoutEscapingSlashes])
      print(String(decoding: data, as: UTF8.self))
      return
    }
    for row in rows {
      print("\(row.shard)  \(String(format: "%7.1f s", row.seconds))  \(row.ids.joined(separator: " "))")
    }
  }
}
