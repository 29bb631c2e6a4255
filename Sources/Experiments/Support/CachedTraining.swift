// "Load the trained net from the model cache, or train it and save it": the
// step every experiment that trains a network shares. The training history
// (loss curves, intermediate scores) is saved as JSON metadata beside the
// weights, so a cached load reports the same numbers as the run that trained.
// A file that is missing, corrupt, or lacks a readable history is retrained.
import Foundation
import Layers

extension RunContext {
  /// The history saved with `key`, after loading its weights into `network`;
  /// otherwise runs `train`, saves weights and history under `key`, and returns it.
  /// Notes `note` as "loaded from cache" or "trained" (timings.json).
  func cachedTraining<History: Codable>(
    key: String, network: Sequential, note: String, extraMetadata: [String: String] = [:], train: () throws -> History
  ) throws -> History {
    if let metadata = modelCache.load(key, into: network, log: log),
      let history = metadata["history"].flatMap({ try? JSONDecoder().decode(History.self, from: Data($0.utf8)) })
    {
      self.note(note, "loaded from cache")
      return history
    }
    let history = try train()
    let json = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
    try modelCache.save(key, network: network, metadata: extraMetadata.merging(["history": json]) { _, new in new })
    self.note(note, "trained")
    return history
  }
}
