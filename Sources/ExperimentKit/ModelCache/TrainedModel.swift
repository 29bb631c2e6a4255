// A network that experiments share, declared once (in Sources/Models): what
// it is made of, how to build it and how to train it. Its cache key is
// derived from that declaration, never written by hand: the recipe's name
// and settings, the fingerprint of the code it declares (its folder, the
// modules it uses, ExperimentKit), the checksums of its data files, the
// run's seed and thread count, the matrix-product kernel, and the keys of
// the models it starts from.
import Foundation
import BuildInfo
import Datasets
import Layers

public protocol TrainedModel {
  associatedtype Network
  /// What training produced besides the weights (loss curves, scores),
  /// saved beside them so a cached load reports the same numbers.
  associatedtype History: Codable
  /// Names the model in the cache and in progress lines ("fashion-classifier", "scene-localizer.fc.finetuned").
  var name: String { get }
  /// The folder of its code under Sources ("Models/FashionClassifier").
  static var folder: String { get }
  /// Modules or folders it runs besides its folder and ExperimentKit (see CodeFingerprint).
  static var uses: [String] { get }
  /// Fashion-MNIST files or sample images ("images/brick.png") its training reads (checksums go into the key and the run's provenance).
  static var dataFiles: [String] { get }
  /// Everything else that decides the weights (its configuration), encoded into the key.
  var settings: String { get }
  /// Models whose trained weights this one starts from (their keys go into this key).
  var startsFrom: [any TrainedModel] { get }
  /// A freshly initialized network.
  func makeNetwork() -> Network
  /// The layers whose parameters are saved and loaded.
  func weights(of network: Network) -> Sequential
  /// Trains `network` in place.
  func train(_ network: Network, in context: RunContext) throws -> History
}

extension TrainedModel {
  public static var uses: [String] { ["Layers", "Datasets"] }
  public var startsFrom: [any TrainedModel] { [] }

  /// The cache key (see the file header); `seed` and `threads` are the run's.
  public func cacheKey(
    seed: UInt64, threads: Int, dataChecksums: [String: String] = FashionMNIST.expectedChecksums,
    sourceFingerprints: [String: String] = BuildInfo.folderFingerprints
  ) -> String {
    ModelCache.key(
      ["model \(name)", "code \(CodeFingerprint.of(units: ["ExperimentKit", Self.folder] + Self.uses, table: sourceFingerprints))", "settings \(settings)",
       "seed \(seed)", "threads \(threads)"]
        + Self.dataFiles.sorted().map { "data \($0)=\(dataChecksums[$0] ?? SampleImages.checksum(dataFile: $0) ?? "missing")" }
        + startsFrom.map { "starts from \($0.cacheKey(seed: seed, threads: threads, dataChecksums: dataChecksums, sourceFingerprints: sourceFingerprints))" })
  }
}

/// A trained network and the history saved with it.
public struct Trained<Model: TrainedModel> {
  public let network: Model.Network
  public let history: Model.History
  /// Wall-clock seconds the training took when it ran (saved in the cache file's
  /// metadata; nil for files written before it was recorded). A record, not a
  /// measurement of this run: the machine and its load may have been others.
  public var trainingSeconds: Double? = nil
}

extension JSONEncoder {
  /// Sorted keys: the same value always encodes to the same bytes (cache keys, settings).
  public static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }
}

/// `value` as sorted-key JSON text, for `TrainedModel.settings`.
public func settingsJSON<T: Encodable>(_ value: T) -> String {
  String(decoding: (try? JSONEncoder.sorted.encode(value)) ?? Data(), as: UTF8.self)
}
