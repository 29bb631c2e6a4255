// The one call through which an experiment gets a shared network:
// `let classifier = try context.model(FashionClassifier(profile: context.profile))`.
// It loads the weights and the saved history from the model cache, or
// trains the model (with progress) and saves both; a missing, corrupt or
// history-less file is retrained. The model's data files go into the run's
// provenance either way, so results.json does not depend on the cache.
// Training holds the key's lock (ModelCacheLock.swift): jobs sharing a cache
// folder train each model once; the others wait and load it.
import Datasets
import Foundation
import Layers

extension RunContext {
  public func model<M: TrainedModel>(_ model: M) throws -> Trained<M> {
    for file in M.dataFiles.sorted() {
      if let sum = FashionMNIST.expectedChecksums[file] ?? SampleImages.checksum(dataFile: file) { usedData(file, checksum: sum) }
    }
    let key = model.cacheKey(seed: seed, threads: threads)
    let network = model.makeNetwork()
    let weights = model.weights(of: network)
    func cached() -> (M.History, Double?)? {
      guard let metadata = modelCache.load(key, into: weights, log: log) else { return nil }
      guard let history = metadata["history"].flatMap({ try? JSONDecoder().decode(M.History.self, from: Data($0.utf8)) }) else { return nil }
      return (history, metadata["trainingSeconds"].flatMap(Double.init))
    }
    // Fast path without the lock: a finished file is complete (written under a temporary name, then renamed).
    if let (history, seconds) = cached() {
      if notes["model.\(model.name)"] == nil { note("model.\(model.name)", "loaded from cache") }
      return Trained(network: network, history: history, trainingSeconds: seconds)
    }
    let (history, seconds): (M.History, Double?) = try modelCache.withLock(key, waiting: { log("waiting for another job training \(model.name) (lock \(modelCache.lockURL(for: key).path))") }) {
      if let found = cached() {  // another job trained it while we waited
        note("model.\(model.name)", "loaded from cache (trained by another job)")
        return found
      }
      log("training \(model.name) (not in the model cache \(modelCache.folder.path))")
      let start = Date()
      let history = try timed("train \(model.name)") { try model.train(network, in: self) }
      let seconds = Date().timeIntervalSince(start)
      let json = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
      try modelCache.save(
        key, network: weights,
        metadata: ["history": json, "model": model.name, "settings": model.settings, "trainingSeconds": String(format: "%.3f", seconds)])
      try? FileManager.default.removeItem(at: modelCache.checkpointURL(for: key))  // a training checkpoint is no longer needed
      note("model.\(model.name)", "trained")
      return (history, seconds)
    }
    return Trained(network: network, history: history, trainingSeconds: seconds)
  }
}
