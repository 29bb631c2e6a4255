// The files an experiment run writes:
//   results/<id>/results.json   deterministic: values, tables, figures, config, provenance
//   results/<id>/timings.json   noisy: wall time per step, when it ran
//   results/<id>/figures/       <key>.png (2x) and <key>.svg
// Same seed, profile, thread count and machine: byte-identical results.json.

/// One recorded number with its unit and how prose should print it.
public struct RecordedValue: Sendable, Equatable, Codable {
  public var value: Double
  /// "", "s", "px", "%"... shown after the number.
  public var unit: String
  /// printf-like: ".3f", ".1%", "d", ",d" (see Report's formatting).
  public var format: String
  public var description: String?
}

/// A table of results; cells are numbers or text.
public struct RecordedTable: Sendable, Equatable, Codable {
  public var caption: String?
  public var columns: [String]
  /// One format per column, used for numeric cells ("" = as text).
  public var formats: [String]
  public var rows: [[JSONValue]]
}

/// A figure written by the run.
public struct RecordedFigure: Sendable, Equatable, Codable {
  public var png: String
  public var svg: String
  public var width: Double
  public var height: Double
  public var caption: String?
  /// The smallest text drawn, in the figure's px (Scene.smallestTextSize): the
  /// book's page check requires it to be >= 11 px as displayed.
  public var smallestTextSize: Double?
}

/// Where and how a result was made. Nothing noisy (no dates, no durations).
public struct Provenance: Sendable, Equatable, Codable {
  public var commit: String
  public var dirty: Bool
  public var profile: Profile
  public var seed: UInt64
  public var threads: Int
  /// OPENBLAS_CORETYPE as the environment set it ("" when unset).
  public var openblasCoretype: String
  /// The kernel OpenBLAS runs.
  public var openblasCore: String
  /// The matrix-product kernel in use ("avx512", "avx2" or "openblas").
  public var gemmKernel: String
  public var swift: String
  /// name -> checksum ("crc32:...") of every data file the run read.
  public var data: [String: String]
}

public struct ExperimentResults: Sendable, Equatable, Codable {
  public var id: String
  public var title: String
  public var lecture: String
  public var config: JSONValue
  public var provenance: Provenance
  public var values: [String: RecordedValue]
  public var tables: [String: RecordedTable]
  public var figures: [String: RecordedFigure]
  /// The fields `--set` changed from the profile's configuration (nil for a canonical run).
  public var overrides: [ConfigChange]? = nil
}

/// The noisy side of a run.
public struct ExperimentTimings: Sendable, Codable {
  public var id: String
  public var finishedAt: String
  public var seconds: Double
  /// The profile the run used (nil in timings written before it was recorded).
  public var profile: Profile?
  public var steps: [String: Double]
  public var notes: [String: String]?
  /// Noisy numbers the chapter quotes (RunContext.measure).
  public var measured: [String: RecordedValue]?
}
