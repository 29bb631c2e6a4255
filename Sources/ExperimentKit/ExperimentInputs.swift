// What made an experiment's results, condensed to one fingerprint, so a run
// can be skipped when nothing changed (the report then builds in seconds).
//
// The parts: the experiment's configuration for the profile (with any
// `--set` overrides applied); seed, thread
// count and OPENBLAS_CORETYPE; the source files of the modules it uses
// (`Experiment.codeFingerprint`, embedded at build time); the bytes of the data
// files it reads (`Experiment.dataFiles`, hashed); and the results.json of
// every prerequisite. Stored as results/<id>/inputs.json beside the results.
import Foundation
import Layers
import Support
import Tensor

public struct ExperimentInputs: Codable, Equatable, Sendable {
  /// Part name -> its hash (or its value, for short ones).
  public var parts: [String: String]

  public var fingerprint: String {
    ModelCache.key(parts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
  }

  static func of<E: Experiment>(_ experiment: E.Type, options: RunOptions) throws -> ExperimentInputs {
    var parts: [String: String] = [:]
    let config = try JSONEncoder.sorted.encode(E.resolvedConfig(options).config)
    parts["config"] = fnv1a64Hex(config)
    parts["profile"] = options.profile.rawValue
    parts["seed"] = String(options.seed)
    parts["threads"] = String(options.threads)
    parts["openblasCoretype"] = BLAS.coreTypeEnvironment
    parts["gemmKernel"] = BLAS.gemmKernel
    parts["code"] = E.codeFingerprint(table: options.sourceFingerprints)
    for file in E.dataFiles {
      // Sample images ("images/<name>") live in assets/images/, the rest in the data folder.
      let url =
        file.hasPrefix(SampleImages.dataFilePrefix)
        ? SampleImages.url(String(file.dropFirst(SampleImages.dataFilePrefix.count)))
        : URL(fileURLWithPath: options.dataFolder).appendingPathComponent(file)
      parts["data " + file] = (try? Data(contentsOf: url)).map { fnv1a64Hex($0) } ?? "missing"
    }
    for prerequisite in E.requires {
      let url = options.resultsRoot.appendingPathComponent(prerequisite.id).appendingPathComponent("results.json")
      parts["requires " + prerequisite.id] = (try? Data(contentsOf: url)).map { fnv1a64Hex($0) } ?? "missing"
    }
    return ExperimentInputs(parts: parts)
  }

  static func stored(_ id: String, in root: URL) -> ExperimentInputs? {
    let url = root.appendingPathComponent(id).appendingPathComponent("inputs.json")
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent(id).appendingPathComponent("results.json").path),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return try? JSONDecoder().decode(ExperimentInputs.self, from: data)
  }
}
