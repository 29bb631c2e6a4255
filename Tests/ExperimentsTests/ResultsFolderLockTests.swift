import ExperimentKit
import Foundation
import Support
import Tensor
import Testing
import TestSupport

@Suite(.serialized)
struct ResultsFolderLockTests {
  /// A second run on a results folder in use stops before any work and names
  /// the holder; once the holder is gone, a run proceeds and sweeps the
  /// leftovers of killed runs.
  @Test func aSecondRunStopsNamingTheFirstAndLeftoversAreSwept() throws {
    let root = TestSupport.temporaryURL("results-lock")
    defer { try? FileManager.default.removeItem(at: root) }
    let options = RunOptions(profile: .quick, seed: 0, threads: BLAS.threads, resultsRoot: root, modelFolder: root.appendingPathComponent("models"))
    var holder: ResultsFolderLock? = try ResultsFolderLock.acquire(root)
    do {
      try Runner.run([ShardA.self], options: options, log: { _ in })
      Issue.record("ran while the folder was locked")
    } catch let error as FileError {
      #expect(error.path == root.path)
      #expect(error.message.hasPrefix("in use by another convnotes run (pid \(getpid()) on "), "\(error.message)")
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("shard-a").path))

    // Leftovers of a killed run: a staging folder and an old folder moved aside.
    for name in [".staging-shard-a-99999", ".shard-a.old-99999"] {
      try FileManager.default.createDirectory(at: root.appendingPathComponent(name).appendingPathComponent("figures"), withIntermediateDirectories: true)
    }
    holder = nil  // the first run ends
    _ = holder
    try Runner.run([ShardA.self], options: options, log: { _ in })
    let entries = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
    #expect(entries == [ResultsFolderLock.fileName, "shard-a"])
  }
}
