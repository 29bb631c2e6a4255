// What a shard ran, written as shard.json at the root of its results folder
// when the shard finishes: which shard of how many, the whole plan (so a
// merge can check that every shard computed the same one), the run's
// profile, seed, thread count and commit, and which experiments failed.
import Foundation
import Support

public struct ShardManifest: Codable, Equatable, Sendable {
  public static let fileName = "shard.json"

  public var shard: Shard
  public var profile: Profile
  public var seed: UInt64
  public var threads: Int
  public var commit: String
  /// Every shard's experiment ids, shard 1 first.
  public var plan: [[String]]
  /// Experiments of this shard that did not finish (their results are missing or stale).
  public var failed: [String]

  public var experiments: [String] { plan[shard.index - 1] }

  public init(shard: Shard, options: RunOptions, plan: [[String]], failed: [String]) {
    (self.shard, self.profile, self.seed, self.threads) = (shard, options.profile, options.seed, options.threads)
    (self.commit, self.plan, self.failed) = (Git.commit, plan, failed)
  }

  public func write(to resultsRoot: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(encoder.encode(self) + Data("\n".utf8), to: resultsRoot.appendingPathComponent(Self.fileName))
  }

  public static func read(from resultsRoot: URL) throws -> ShardManifest {
    let url = resultsRoot.appendingPathComponent(fileName)
    guard let data = try? Data(contentsOf: url) else {
      throw ShardError("\(url.path): missing; \(resultsRoot.path) is not the results folder of a finished shard (`convnotes all --shard i/n --out \(resultsRoot.path)` writes it last)")
    }
    do { return try JSONDecoder().decode(ShardManifest.self, from: data) } catch {
      throw ShardError("\(url.path): not a shard manifest (\(error))")
    }
  }
}
