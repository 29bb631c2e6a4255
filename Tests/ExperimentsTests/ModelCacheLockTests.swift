import ExperimentKit
import Foundation
import Layers
import Tensor
import Testing
import TestSupport

/// A model whose training counts how often it ran.
struct CountedModel: TrainedModel {
  nonisolated(unsafe) static var trainings = 0
  var name: String { "counted-test-model" }
  static let folder = "CountedModel"
  static let dataFiles: [String] = []
  var settings: String { "v1" }
  func makeNetwork() -> Sequential {
    var rng = SplitMix64(seed: 1)
    return Sequential([Linear(name: "fc", inputs: 3, outputs: 2, using: &rng)])
  }
  func weights(of network: Sequential) -> Sequential { network }
  func train(_ network: Sequential, in context: RunContext) throws -> [Double] {
    Self.trainings += 1
    for p in network.parameters { p.value.scalars = p.value.scalars.map { $0 + 1 } }
    return [0.5, 0.25]
  }
}

@Suite(.serialized)
struct ModelCacheLockTests {
  func context(_ root: URL, _ cache: ModelCache, _ name: String) -> RunContext {
    RunContext(id: name, profile: .quick, seed: 0, threads: 1, folder: root.appendingPathComponent(name), resultsRoot: root, modelCache: cache)
  }

  /// Whether the kernel lists a process or thread blocked on the flock of `inode` (/proc/locks marks waiters with "->").
  func someoneWaits(onInode inode: UInt64) -> Bool {
    guard let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return false }
    return text.split(separator: "\n").contains { $0.contains("-> FLOCK") && $0.contains(":\(inode) ") }
  }

  /// A job that needs a model another job is training blocks on the key's
  /// lock, and when the other job's file appears and the lock is released it
  /// loads that file instead of training. Deterministic: the test holds the
  /// lock itself, waits until the kernel shows the job blocked on it, then
  /// saves the "other job's" weights and releases.
  @Test func aJobWaitsForTheTrainingJobAndLoadsItsFile() throws {
    let root = TestSupport.temporaryURL("lock")
    defer { try? FileManager.default.removeItem(at: root) }
    CountedModel.trainings = 0
    let cache = ModelCache(folder: root.appendingPathComponent("models"))
    let model = CountedModel()
    let key = model.cacheKey(seed: 0, threads: 1)
    let theirs = model.makeNetwork()
    _ = try model.train(theirs, in: context(root, cache, "other"))
    CountedModel.trainings = 0

    nonisolated(unsafe) var loaded: [Float] = []
    nonisolated(unsafe) var note = ""
    nonisolated(unsafe) var failure: String?
    let done = DispatchSemaphore(value: 0)
    var sawWaiter = false
    try cache.withLock(key) {
      let job = Thread {
        let c = self.context(root, cache, "job")
        do {
          loaded = try c.model(model).network.parameters.flatMap { $0.value.scalars }
          note = c.notes["model.counted-test-model"] ?? ""
        } catch { failure = "\(error)" }
        done.signal()
      }
      job.start()
      let attributes = try FileManager.default.attributesOfItem(atPath: cache.lockURL(for: key).path)
      let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
      for _ in 0..<3000 where !sawWaiter {
        sawWaiter = someoneWaits(onInode: inode)
        if !sawWaiter { Thread.sleep(forTimeInterval: 0.01) }
      }
      try cache.save(key, network: theirs, metadata: ["history": "[0.5,0.25]", "model": model.name])
    }
    done.wait()
    #expect(sawWaiter, "the job never blocked on the lock")
    #expect(failure == nil)
    #expect(CountedModel.trainings == 0)
    #expect(note == "loaded from cache (trained by another job)")
    #expect(loaded == theirs.parameters.flatMap { $0.value.scalars })
  }

  /// Without contention: trained once and saved (no temporary file left), then loaded.
  @Test func trainsOnceThenLoads() throws {
    let root = TestSupport.temporaryURL("lock-once")
    defer { try? FileManager.default.removeItem(at: root) }
    CountedModel.trainings = 0
    let cache = ModelCache(folder: root.appendingPathComponent("models"))
    let first = context(root, cache, "first"), second = context(root, cache, "second")
    let a = try first.model(CountedModel()).network.parameters.flatMap { $0.value.scalars }
    let b = try second.model(CountedModel()).network.parameters.flatMap { $0.value.scalars }
    #expect(CountedModel.trainings == 1 && a == b)
    #expect(first.notes["model.counted-test-model"] == "trained" && second.notes["model.counted-test-model"] == "loaded from cache")
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path)
    #expect(files.filter { $0.hasSuffix(".safetensors") }.count == 1 && !files.contains { $0.hasSuffix(".tmp") })
  }
}

/// The training time is recorded in the cache file when the model trains, and a
/// later load reports the recorded value (not a new measurement); a file
/// written without the record loads with none.
struct TrainingSecondsRecordTests {
  @Test func aTrainedModelReportsItsRecordedTrainingTimeOnLaterLoads() throws {
    let root = TestSupport.temporaryURL("training-seconds")
    defer { try? FileManager.default.removeItem(at: root) }
    let cache = ModelCache(folder: root.appendingPathComponent("models"))
    func context(_ name: String) -> RunContext {
      RunContext(id: name, profile: .quick, seed: 0, threads: 1, folder: root.appendingPathComponent(name), resultsRoot: root, modelCache: cache)
    }
    let trained = try context("first").model(CountedModel())
    let recorded = try #require(trained.trainingSeconds)
    #expect(recorded >= 0 && recorded < 60)
    let loaded = try context("second").model(CountedModel())
    #expect(loaded.trainingSeconds == Double(String(format: "%.3f", recorded)))

    let old = ModelCache(folder: root.appendingPathComponent("old-models"))
    let model = CountedModel()
    try old.save(model.cacheKey(seed: 0, threads: 1), network: model.makeNetwork(), metadata: ["history": "[1]", "model": model.name])
    let legacy = try RunContext(
      id: "legacy", profile: .quick, seed: 0, threads: 1, folder: root.appendingPathComponent("legacy"), resultsRoot: root, modelCache: old
    ).model(model)
    #expect(legacy.trainingSeconds == nil)
    #expect(legacy.history == [1])
  }
}
