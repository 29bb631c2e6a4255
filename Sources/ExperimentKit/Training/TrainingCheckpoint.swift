// Cancellation-safe training: at the end of every epoch the loop's owner
// saves the network, the optimizer's state, the generator's state and its own
// bookkeeping (loss curves so far) in one file, written atomically
// (temporary file, then rename). A run that is killed resumes from the last
// finished epoch with exactly the bits an uninterrupted run would have; the
// file is deleted once the trained model is in the cache. A checkpoint that
// is missing, corrupt or from another network is ignored (training starts over).
import Foundation
import Layers
import Support
import Tensor

public struct TrainingCheckpoint<State: Codable> {
  public let url: URL
  public let network: Sequential

  public init(url: URL, network: Sequential) { (self.url, self.network) = (url, network) }

  /// Saves the state after `epoch` (1-based) atomically.
  public func save(epoch: Int, rng: SplitMix64, optimizer: some StatefulOptimizer, state: State) throws {
    let tensors = network.namedTensors.map { (name: "network." + $0.name, tensor: $0.tensor) }
      + optimizer.state(of: network.namedParameters).map { (name: "optimizer." + $0.name, tensor: $0.tensor) }
    let metadata = [
      "epoch": String(epoch), "rng": String(rng.currentState),
      "state": String(decoding: try JSONEncoder.sorted.encode(state), as: UTF8.self),
    ]
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata), to: url)
  }

  /// The last saved epoch, generator and state, after loading the network's
  /// weights and `optimizer`'s state; nil when there is no usable checkpoint.
  public func restore<O: StatefulOptimizer>(into optimizer: inout O) -> (epoch: Int, rng: SplitMix64, state: State)? {
    guard let data = try? Data(contentsOf: url),
      let (tensors, metadata) = try? SafeTensors.decode(data, path: url.path),
      let epoch = metadata["epoch"].flatMap(Int.init), let rngState = metadata["rng"].flatMap(UInt64.init),
      let state = metadata["state"].flatMap({ try? JSONDecoder().decode(State.self, from: Data($0.utf8)) })
    else { return nil }
    var networkTensors: [String: Tensor] = [:], optimizerTensors: [String: Tensor] = [:]
    for (name, tensor) in tensors {
      if name.hasPrefix("network.") { networkTensors[String(name.dropFirst(8))] = tensor }
      if name.hasPrefix("optimizer.") { optimizerTensors[String(name.dropFirst(10))] = tensor }
    }
    guard (try? network.load(networkTensors, path: url.path)) != nil else { return nil }
    optimizer.restore(optimizerTensors, of: network.namedParameters)
    return (epoch, SplitMix64(seed: rngState), state)
  }

  public func remove() { try? FileManager.default.removeItem(at: url) }
}

extension RunContext {
  /// The checkpoint file of `model`'s training in the model cache (beside the weights it will make).
  public func checkpoint<M: TrainedModel, S: Codable>(for model: M, network: Sequential, state: S.Type = S.self) -> TrainingCheckpoint<S> {
    TrainingCheckpoint(url: modelCache.checkpointURL(for: model.cacheKey(seed: seed, threads: threads)), network: network)
  }
}

extension ModelCache {
  public func checkpointURL(for key: String) -> URL { folder.appendingPathComponent("\(key).checkpoint.safetensors") }
}
