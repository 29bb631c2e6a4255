import Foundation
import Testing
import TestSupport
import Yams

/// .github/workflows/report.yml cannot run here; this checks that what it
/// would run agrees with the CLI: its shard matrix is 1/n...n/n, each shard
/// job's command (run here with --dry-run) selects a disjoint part of the
/// catalog and together all of it, and the merge job merges exactly the
/// folders the shard jobs upload.
struct WorkflowTests {
  func words(_ command: String) -> [String] {
    command.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
  }

  @Test func workflowShardsAndCommandsAgreeWithTheCLI() throws {
    let url = repository.appendingPathComponent(".github/workflows/report.yml")
    let workflow = try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    let jobs = try #require(workflow["jobs"] as? [String: Any])
    let shardJob = try #require(jobs["shard"] as? [String: Any])
    let matrix = try #require((shardJob["strategy"] as? [String: Any])?["matrix"] as? [String: Any])
    let shards = try #require(matrix["shard"] as? [String])
    let n = shards.count
    #expect(n >= 2 && shards == (1...n).map { "\($0)/\(n)" })

    let steps = try #require(shardJob["steps"] as? [[String: Any]])
    let command = try #require(steps.compactMap { $0["run"] as? String }.first { $0.contains("convnotes all --shard") })
    let placeholder = "${{ matrix.shard }}"
    #expect(command.contains("--shard \(placeholder)"))
    let arguments = Array(words(command.replacingOccurrences(of: placeholder, with: "SHARD")).dropFirst())  // drop the binary's path
    let outIndex = try #require(arguments.firstIndex(of: "--out"))
    let upload = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact") == true }?["with"] as? [String: Any])
    #expect(upload["path"] as? String == arguments[outIndex + 1])
    #expect(upload["name"] as? String == "shard-${{ steps.name.outputs.index }}")

    // Each shard's command, run here with --dry-run: the experiments it would run.
    var seen: [String] = []
    for shard in shards {
      let r = try convnotes(arguments.map { $0 == "SHARD" ? shard : $0 } + ["--dry-run"])
      #expect(r.status == 0, "\(shard): \(r.err)")
      let ids = r.out.split(separator: "\n").map(String.init)
      #expect(!ids.isEmpty, "shard \(shard) runs nothing")
      seen += ids
    }
    let catalog = try convnotes(["all", "--dry-run"]).out.split(separator: "\n").map(String.init)
    #expect(catalog.count >= 10)
    #expect(seen.sorted() == catalog.sorted(), "every experiment exactly once over the shards")

    // The merge job merges shard-1...shard-n as downloaded, and reports and verifies what it merged.
    let mergeJob = try #require(jobs["merge"] as? [String: Any])
    #expect(mergeJob["needs"] as? String == "shard")
    let mergeSteps = try #require(mergeJob["steps"] as? [[String: Any]])
    let download = try #require(mergeSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact") == true }?["with"] as? [String: Any])
    let folder = try #require(download["path"] as? String)
    #expect(download["pattern"] as? String == "shard-*")
    let script = try #require(mergeSteps.compactMap { $0["run"] as? String }.first { $0.contains("convnotes merge") })
    let lines = script.split(separator: "\n").map { words(String($0)) }
    let merge = try #require(lines.first { $0.count > 1 && $0[1] == "merge" })
    let mergeOut = try #require(merge.firstIndex(of: "--out")).advanced(by: 1)
    #expect(Array(merge[2..<(mergeOut - 1)]) == (1...n).map { "\(folder)/shard-\($0)" })
    for verb in ["report", "verify"] {
      let line = try #require(lines.first { $0.count > 1 && $0[1] == verb }, "the merge job runs \(verb)")
      let results = try #require(line.firstIndex(of: "--results")).advanced(by: 1)
      #expect(line[results] == merge[mergeOut], "\(verb) reads the merged folder")
    }
    // Every command of the merge job parses (ArgumentParser exits 64 on a usage
    // error); run in an empty folder, each fails only for want of shards.
    let empty = try TestSupport.temporaryFolder("workflow")
    defer { try? FileManager.default.removeItem(at: empty) }
    for line in lines where line.count > 1 && line[0].hasSuffix("convnotes") {
      let r = try convnotes(Array(line.dropFirst()), in: empty)
      #expect(r.status != 64, "`\(line.joined(separator: " "))`: \(r.err)")
    }
  }
}
