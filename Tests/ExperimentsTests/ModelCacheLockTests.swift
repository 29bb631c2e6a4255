import ExperimentKit
import Foundation
import Layers
import Tensor
import Testing
import TestSupport

/// A model whose "training" takes a while and counts how often it ran.
struct SlowModel: TrainedModel {
  nonisolated(unsafe) static var trainings = 0
  static let counter = NSLock()
  var name: String { "slow-test-model" }
  static let folder = "SlowModel"
  static let dataFiles: [String] = []
  var settings: String { "v1" }
  func makeNetwork() -> Sequential {
    var rng = SplitMix64(seed: 1)
    return Sequential([Linear(name: "fc", inputs: 3, outputs: 2, using: &rng)])
  }
  func weights(of network: Sequential) -> Sequential { network }
  func train(_ network: Sequential, in context: RunContext) throws -> [Double] {
    Self.counter.withLock { Self.trainings += 1 }
    Thread.sleep(forTimeInterval: 0.5)  // long enough for the other job to arrive while this one trains
    for p in network.parameters { p.value.scalars = p.value.scalars.map { $0 + 1 } }
    return [0.5, 0.25]
  }
}

@Suite(.serialized)
struct ModelCacheLockTests {
  /// Two jobs (threads here; flock locks open files, so they exclude each other
  /// as two processes would) ask for the same model in one empty cache: it is
  /// trained once, the other waits and loads the same weights; no temporary
  /// file is left.
  @Test func twoJobsTrainASharedModelOnce() throws {
    let root = TestSupport.temporaryURL("lock")
    defer { try? FileManager.default.removeItem(at: root) }
    SlowModel.trainings = 0
    let cache = ModelCache(folder: root.appendingPathComponent("models"))
    nonisolated(unsafe) var weights: [[Float]] = [[], []]
    nonisolated(unsafe) var notes: [String] = ["", ""]
    nonisolated(unsafe) var failures: [String] = []
    DispatchQueue.concurrentPerform(iterations: 2) { job in
      let context = RunContext(id: "job\(job)", profile: .quick, seed: 0, threads: 1, folder: root.appendingPathComponent("job\(job)"), resultsRoot: root, modelCache: cache)
      do {
        let trained = try context.model(SlowModel())
        #expect(trained.history == [0.5, 0.25])
        weights[job] = trained.network.parameters.flatMap { $0.value.scalars }
        notes[job] = context.notes["model.slow-test-model"] ?? ""
      } catch { failures.append("\(error)") }
    }
    #expect(failures.isEmpty)
    #expect(SlowModel.trainings == 1)
    #expect(weights[0] == weights[1] && !weights[0].isEmpty)
    #expect(Set(notes) == ["trained", "loaded from cache (trained by another job)"])
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path)
    #expect(files.filter { $0.hasSuffix(".safetensors") }.count == 1)
    #expect(!files.contains { $0.hasSuffix(".tmp") })
  }
}
