// The lecture's detection speed tables, measured here in one process and one
// run so that their ratios are honest (Girshick, "Fast R-CNN", ICCV 2015,
// Table 4; Ren et al., "Faster R-CNN", NIPS 2015, Table 5 as the lecture
// summarises it; Redmon et al., "YOLO", CVPR 2016, Table 1). Chapter:
// chapters/13-speed-tables.md.
//
// Inputs: every CNN detector of the suite, loaded from the model cache
// (trained by its own chapter: rcnn, fast-rcnn, faster-rcnn, yolo), and the
// DetectionSuite test scenes every chapter scores them on.
// Measurement (SpeedTables+Timing.swift):
//   - each detector sees the test scenes one at a time (batch 1, as the
//     papers' "seconds per image"), `passes` times, after a warm-up scene;
//     a detector's time is the best pass's mean per image;
//   - the proposal step (Selective Search "fast", the R-CNNs' boxes) is
//     timed the same way, scene by scene, and added for the detectors that
//     read proposals ("with proposals", the lecture's second table);
//   - training times are the model cache's records of each detector's own
//     training run (Trained.trainingSeconds), not measured in this run;
//   - mAP (VOC 2007 11-point) of the detections of the first pass.
// Times are noisy (timings.json); claims compare times of this one run.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

public enum SpeedTables: Experiment {
  public static let id = "speed-tables"
  public static let title = "Detection speed tables, measured side by side"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/SpeedTables"
  public static let uses = ["Datasets", "Detection", "Plot", DetectionSuite.folder] + suite.flatMap(\.folders)
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Test scenes timed and scored (at most the suite's test set).
    public var scenes: Int
    /// Timed passes over the scenes; the best pass counts.
    public var passes: Int
  }

  public static let quick = Config(scenes: DetectionSuite.quick.testScenes, passes: 2)
  public static let full = Config(scenes: DetectionSuite.full.testScenes, passes: 3)

  public static func run(_ config: Config, in context: RunContext) throws {
    let sizes = DetectionSuite.sizes(context.profile)
    guard config.scenes >= 1, config.scenes <= sizes.testScenes else {
      throw ConfigError("speed-tables: scenes \(config.scenes) must be 1...\(sizes.testScenes), the suite's test scenes")
    }
    guard config.passes >= 1 else { throw ConfigError("speed-tables: passes \(config.passes) must be at least 1") }

    // 1. The test scenes, their proposals, and every detector from the cache.
    let scenes = try DetectionSuite.testScenes(count: config.scenes, context: context)
    let proposals = DetectionSuite.proposals(scenes, split: .test, keep: sizes.proposalsPerScene, context: context)
    let loaded = try suite.map { entry in try context.timed("load \(entry.key)") { try entry.load(context) } }
    context.record("scenes", scenes.count)
    context.record("proposalsPerScene", sizes.proposalsPerScene)

    // 2. The proposal step, then each detector, scene by scene, in this one process.
    let proposalTime = context.timed("time proposals") { timeProposals(scenes, keep: sizes.proposalsPerScene, passes: config.passes, context: context) }
    context.measure("proposals.secondsPerImage", proposalTime, unit: "s", format: ".4f")
    var rows: [Row] = []
    for (entry, detector) in zip(suite, loaded) {
      let timing = context.timed("time \(entry.key)") { timeDetector(detector.detector, scenes, proposals: proposals, passes: config.passes) }
      let scores = scenes.score(timing.detections)
      let row = Row(
        entry: entry, seconds: timing.secondsPerImage, proposalSeconds: detector.detector.needsProposals ? proposalTime : 0,
        map07: scores.map07, trainingSeconds: detector.trainingSeconds)
      rows.append(row)
      record(row, context: context)
    }
    recordComparisons(rows, context: context)

    // 3. Tables and figures.
    // The times are noisy, so they go to timings.json (the chapter's ledger quotes
    // them); results.json keeps what the same seed reproduces bit for bit.
    context.table(
      "accuracy", caption: "VOC 2007 mAP of each detector on the same test scenes, from the detections of its first timed pass.",
      columns: ["detector", "proposals", "mAP, % (VOC07)"], formats: ["", "", ".1f"],
      rows: rows.map { r in [.string(r.entry.name), .string(r.entry.proposalSource), .number(100 * r.map07)] })
    try context.figure("speed-accuracy", caption: "mAP (VOC 2007, our test scenes) against images per second including proposals, one point per detector, measured in this run (left); the lecture's numbers for the same detectors on PASCAL VOC 2007 with a GPU (right).", speedAccuracyFigure(rows))
    try context.figure("test-time", caption: "Test time per image, split into the proposal step and the detector itself (log scale), measured in this run.", testTimeFigure(rows, proposalSeconds: proposalTime))
  }

  /// One detector's numbers in this run.
  struct Row {
    var entry: SuiteEntry
    /// Detector time per image, without the proposal step.
    var seconds: Double
    /// The proposal step's time per image (0 for detectors that make their own).
    var proposalSeconds: Double
    var map07: Double
    var trainingSeconds: Double?
    var totalSeconds: Double { seconds + proposalSeconds }
  }

  static func record(_ row: Row, context: RunContext) {
    let k = row.entry.key
    context.record("map.\(k)", 100 * row.map07, unit: "%", format: ".1f", description: "\(row.entry.name): VOC 2007 mAP on the speed-table scenes")
    context.measure("time.\(k)", row.seconds, unit: "s", format: ".4f", description: "\(row.entry.name): test time per image without proposals")
    context.measure("total.\(k)", row.totalSeconds, unit: "s", format: ".4f", description: "\(row.entry.name): test time per image with proposals")
    context.measure("fps.\(k)", 1 / row.totalSeconds, unit: "images/s", format: ".1f")
    if let t = row.trainingSeconds { context.measure("training.\(k)", t, unit: "s", format: ".1f") }
  }

  /// The lecture's ratios, as measured in this run.
  static func recordComparisons(_ rows: [Row], context: RunContext) {
    func row(_ key: String) -> Row { rows.first { $0.entry.key == key }! }
    let rcnn = row("rcnn"), fast = row("fastRcnn"), faster = row("fasterRcnn"), yolo = row("yolo")
    context.measure("speedup.fastOverRcnn", rcnn.seconds / fast.seconds, format: ".1f", description: "R-CNN's test time over Fast R-CNN's, proposals excluded (Fast R-CNN Table 4: 146x)")
    context.measure("speedup.withProposals.fast", rcnn.totalSeconds / fast.totalSeconds, format: ".1f", description: "with proposals: R-CNN over Fast R-CNN (lecture: 25x)")
    context.measure("speedup.withProposals.faster", rcnn.totalSeconds / faster.totalSeconds, format: ".1f", description: "with proposals: R-CNN over Faster R-CNN (lecture: 250x)")
    context.measure("speedup.yoloOverFaster", faster.totalSeconds / yolo.totalSeconds, format: ".1f", description: "images per second, YOLO over Faster R-CNN (YOLO Table 1: 45 / 7 = 6.4x)")
    context.measure("proposalShare.fast", fast.proposalSeconds / fast.totalSeconds, format: ".2f", description: "share of Fast R-CNN's time spent on proposals")
    if let r = rcnn.trainingSeconds, let f = fast.trainingSeconds {
      context.measure("speedup.training.fastOverRcnn", r / f, format: ".1f", description: "training time, R-CNN over Fast R-CNN, from the cache records (Table 4: 8.8x)")
    }
    let slowest = rows.max { $0.totalSeconds < $1.totalSeconds }!, fastest = rows.min { $0.totalSeconds < $1.totalSeconds }!
    context.note("slowest", slowest.entry.name)
    context.note("fastest", fastest.entry.name)
  }
}
