// The experiment contract: one lecture topic, reproduced end to end.
//
// An experiment has a kebab-case id (the CLI argument, the results folder
// `results/<id>/` and the chapter's front matter), a title, a lecture, the
// experiments whose outputs it needs, one configuration per profile, and a
// `run` that reads its inputs, runs the algorithm, records numbers and draws
// figures through its RunContext.

import BuildInfo

/// Which lecture a topic belongs to.
public enum Lecture: String, Sendable, Codable, CaseIterable {
  case localizationAndDetection = "Lecture 8: Localization and Detection"
  case visualizingAndUnderstanding = "Lecture 9: Visualizing and Understanding"

  public var short: String {
    switch self {
    case .localizationAndDetection: "8 Detection"
    case .visualizingAndUnderstanding: "9 Visualizing"
    }
  }
}

/// How much work a run does: `quick` for CI (seconds), `full` for the notes,
/// `large` for a cluster (longer training, larger maps; README "Running at
/// scale"). An experiment without a large configuration runs its full one.
public enum Profile: String, Sendable, Codable, CaseIterable {
  case quick, full, large
}

public protocol Experiment: SendableMetatype {
  associatedtype Config: Codable & Sendable
  static var id: String { get }
  static var title: String { get }
  static var lecture: Lecture { get }
  /// Experiments whose results this one reads (run first by `convnotes all`).
  /// A network shared with another experiment is not a reason to require it:
  /// `context.model(...)` loads or trains it.
  static var requires: [any Experiment.Type] { get }
  static var quick: Config { get }
  static var full: Config { get }
  /// Default: `full`.
  static var large: Config { get }
  static func run(_ config: Config, in context: RunContext) throws
  /// The experiment's folder under Sources/Experiments ("Lecture09/Saliency").
  static var folder: String { get }
  /// The code it runs besides its folder and ExperimentKit: module names
  /// (each with every module it imports, from Package.swift) or folders under
  /// Sources ("Models/SceneNetwork"). Default: the library modules.
  static var uses: [String] { get }
  /// Data files (names in the data folder) the experiment reads.
  static var dataFiles: [String] { get }
}

extension Experiment {
  public static var uses: [String] { ["Layers", "Datasets", "Detection", "Embedding", "Plot"] }

  public static var dataFiles: [String] { [] }

  /// The fingerprint of the code this experiment runs, from the table
  /// embedded at build time: its folder, ExperimentKit and what it uses.
  public static var codeFingerprint: String { codeFingerprint(table: BuildInfo.folderFingerprints) }

  /// The same from another fingerprint table (tests: a changed copy of the sources).
  public static func codeFingerprint(table: [String: String]) -> String {
    CodeFingerprint.of(units: ["ExperimentKit", "Experiments/" + folder] + uses, table: table)
  }

  public static var large: Config { full }

  /// The configuration a run uses: the profile's, with the run's `--set`
  /// overrides for this experiment applied (and what they changed).
  public static func resolvedConfig(_ options: RunOptions) throws -> (config: Config, changes: [ConfigChange]) {
    try ConfigOverrides.apply(options.overrides[id] ?? [], to: config(for: options.profile), experiment: id)
  }

  public static func config(for profile: Profile) -> Config {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }
}
