// What an experiment's `run` works with: its seed and generator, its profile
// and thread count, and the calls that record numbers, tables and figures
// into a staging folder that the runner moves into place on success.
import Support
import Datasets
import Foundation
import Layers
import Plot
import Tensor

public final class RunContext {
  public let id: String
  public let profile: Profile
  public let seed: UInt64
  public let threads: Int
  /// The experiment's seeded generator; derive named sub-streams from it.
  public var rng: SplitMix64
  /// Where this run writes (moved to results/<id>/ on success).
  public let folder: URL
  /// Where other experiments' results live (for prerequisites).
  public let resultsRoot: URL
  /// Trained networks, shared by every experiment that needs them.
  public let modelCache: ModelCache
  /// Fashion-MNIST's folder (Debian's by default).
  public let dataFolder: String

  public private(set) var values: [String: RecordedValue] = [:]
  public private(set) var tables: [String: RecordedTable] = [:]
  public private(set) var figures: [String: RecordedFigure] = [:]
  public private(set) var dataChecksums: [String: String] = [:]
  public private(set) var steps: [String: Double] = [:]
  /// Noisy numbers (times, speedups) for timings.json; the report quotes and checks them like values.
  public private(set) var measured: [String: RecordedValue] = [:]
  /// Noisy facts for timings.json (e.g. whether a model came from the cache).
  public private(set) var notes: [String: String] = [:]

  /// What made this run, written into every figure (PNG text chunks, SVG
  /// metadata): set by the Runner (config fingerprint, commit).
  public var provenanceForFigures: [(key: String, value: String)] = []

  /// The command that reruns this experiment with the same settings.
  public var regenerateCommand: String {
    let sets = provenanceForFigures.filter { $0.key.hasPrefix("set ") }.map { " --set \($0.key.dropFirst(4))=\($0.value)" }
    return "convnotes run \(id) --profile \(profile.rawValue) --seed \(seed) --threads \(threads)" + sets.joined()
  }

  func figureMetadata(_ key: String) -> [(key: String, value: String)] {
    [("Software", "ConvNotes"), ("experiment", id), ("figure", key), ("profile", profile.rawValue), ("seed", String(seed)),
     ("threads", String(threads))] + provenanceForFigures
      + [("command", regenerateCommand)]
  }

  /// Notes a fact that is not deterministic (goes to timings.json only).
  public func note(_ key: String, _ value: String) { notes[key] = value }

  /// Progress lines on stderr.
  public func log(_ line: String) { FileHandle.standardError.write(Data("  \(id): \(line)\n".utf8)) }

  public init(
    id: String, profile: Profile, seed: UInt64, threads: Int, folder: URL, resultsRoot: URL,
    modelCache: ModelCache = ModelCache(folder: URL(fileURLWithPath: "models")),
    dataFolder: String = FashionMNIST.defaultFolder
  ) {
    self.modelCache = modelCache
    self.dataFolder = dataFolder
    self.id = id
    self.profile = profile
    self.seed = seed
    self.threads = threads
    self.folder = folder
    self.resultsRoot = resultsRoot
    rng = SplitMix64(seed: seed).derived(id)
  }

  // MARK: - Numbers

  /// Records a number under a lowerCamel, dot-grouped key (`ap50`, `coco.apSmall`).
  public func record(_ key: String, _ value: Double, unit: String = "", format: String = ".3f", description: String? = nil) {
    precondition(Self.isValidKey(key), "record: `\(key)` is not a lowerCamel, dot-grouped key")
    precondition(values[key] == nil && measured[key] == nil, "record: `\(key)` recorded twice in \(id)")
    precondition(value.isFinite, "record: `\(key)` = \(value) is not finite")
    values[key] = RecordedValue(value: value, unit: unit, format: format, description: description)
  }

  public func record(_ key: String, _ value: Int, unit: String = "", description: String? = nil) {
    record(key, Double(value), unit: unit, format: "d", description: description)
  }

  /// Records a noisy number (a time, a speedup) in timings.json, never in
  /// results.json, so two runs still diff clean. Chapters quote it like a
  /// value; claims on it should be ratios measured in one run, not absolute times.
  public func measure(_ key: String, _ value: Double, unit: String = "", format: String = ".3f", description: String? = nil) {
    precondition(Self.isValidKey(key), "measure: `\(key)` is not a lowerCamel, dot-grouped key")
    precondition(values[key] == nil && measured[key] == nil, "measure: `\(key)` recorded twice in \(id)")
    precondition(value.isFinite, "measure: `\(key)` = \(value) is not finite")
    measured[key] = RecordedValue(value: value, unit: unit, format: format, description: description)
  }

  /// Records a table; `formats` gives one number format per column.
  public func table(_ key: String, caption: String? = nil, columns: [String], formats: [String], rows: [[JSONValue]]) {
    precondition(Self.isValidKey(key), "table: `\(key)` is not a valid key")
    precondition(columns.count == formats.count, "table \(key): \(columns.count) columns, \(formats.count) formats")
    for (i, row) in rows.enumerated() {
      precondition(row.count == columns.count, "table \(key): row \(i) has \(row.count) cells, expected \(columns.count)")
    }
    tables[key] = RecordedTable(caption: caption, columns: columns, formats: formats, rows: rows)
  }

  /// Draws a figure to figures/<key>.png (2x) and figures/<key>.svg.
  public func figure(_ key: String, caption: String? = nil, _ figure: Figure) throws {
    precondition(key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }, "figure: `\(key)` must be kebab-case")
    let png = "figures/\(key).png"
    let svg = "figures/\(key).svg"
    try figure.write(to: folder.appendingPathComponent(png), scale: 2, metadata: figureMetadata(key))
    try figure.write(to: folder.appendingPathComponent(svg), metadata: figureMetadata(key))
    figures[key] = RecordedFigure(
      png: png, svg: svg, width: figure.width, height: figure.height, caption: caption, smallestTextSize: try figure.scene().smallestTextSize)
  }

  /// Writes a data file the run produced (for example COCO JSON a reader can
  /// score with another tool) to results/<id>/<name>, atomically.
  public func write(_ name: String, _ data: Data) throws {
    precondition(!name.contains("/") && !name.hasPrefix("."), "write: `\(name)` must be a plain file name")
    try AtomicFile.write(data, to: folder.appendingPathComponent(name))
  }

  /// Notes a data file the run read, by checksum ("crc32:..."; goes into provenance).
  public func usedData(_ name: String, checksum: String) {
    dataChecksums[name] = checksum
  }

  /// Runs `body` and notes its wall time in timings.json (never in results.json).
  public func timed<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    steps[step, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return result
  }

  static func isValidKey(_ key: String) -> Bool {
    let parts = key.split(separator: ".", omittingEmptySubsequences: false)
    return !parts.isEmpty
      && parts.allSatisfy { part in
        guard let first = part.first, first.isLetter, first.isASCII else { return false }
        return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
      }
  }
}
