// The experiment contract: one lecture topic, reproduced end to end.
//
// An experiment has a kebab-case id (the CLI argument, the results folder
// `results/<id>/` and the chapter's front matter), a title, a lecture, the
// experiments whose outputs it needs, one configuration per profile, and a
// `run` that reads its inputs, runs the algorithm, records numbers and draws
// figures through its RunContext.

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

/// How much work a run does: `quick` for CI (seconds), `full` for the notes.
public enum Profile: String, Sendable, Codable, CaseIterable {
  case quick, full
}

public protocol Experiment: SendableMetatype {
  associatedtype Config: Codable & Sendable
  static var id: String { get }
  static var title: String { get }
  static var lecture: Lecture { get }
  /// Experiments whose outputs this one reads (run first by `convnotes all`).
  static var requires: [any Experiment.Type] { get }
  static var quick: Config { get }
  static var full: Config { get }
  static func run(_ config: Config, in context: RunContext) throws
  /// Source files and folders (from the repository root) whose change
  /// invalidates the results. Default: every library module and the
  /// experiment's own files.
  static var sourcePaths: [String] { get }
  /// Data files (names in the data folder) the experiment reads.
  static var dataFiles: [String] { get }
}

extension Experiment {
  public static var sourcePaths: [String] { standardSourcePaths }

  /// Every library module and the experiment's own two files.
  public static var standardSourcePaths: [String] {
    let name = String(describing: Self.self)
    return [
      "Sources/Support", "Sources/Gemm", "Sources/GemmAVX2", "Sources/GemmAVX512", "Sources/Tensor", "Sources/Layers", "Sources/Datasets", "Sources/Detection", "Sources/Embedding", "Sources/Plot",
      "Sources/Experiments/Support", "Sources/Experiments/\(name).swift", "Sources/Experiments/\(name)+Figures.swift",
    ]
  }

  public static var dataFiles: [String] { [] }

  public static func config(for profile: Profile) -> Config {
    profile == .quick ? quick : full
  }
}
