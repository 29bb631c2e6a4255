// `convnotes eval-detections`: score a user's detections (COCO results JSON)
// against ground truth (COCO annotation JSON), the COCO way or the VOC way.
import ArgumentParser
import Detection
import Support
import Foundation

struct EvalDetectionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval-detections",
    abstract: "Score detections in COCO JSON format (COCO AP/AR, or VOC 2007 / 2010 mAP).",
    discussion: """
      COCO numbers equal pycocotools' COCOeval (iouType "bbox"); iscrowd ground truths are
      ignored the way it ignores them. VOC numbers equal py-faster-rcnn's voc_eval: a match needs
      IoU > 0.5 on inclusive boxes (x, y, x+w-1, y+h-1); ground truths flagged "difficult": 1
      (or "iscrowd": 1) are neither matched nor missed.
      """)

  enum Metric: String, ExpressibleByArgument, CaseIterable {
    case coco, voc07, voc10, all
  }

  @Option(name: .long, help: "Ground truth: a COCO annotation file.")
  var gt: String

  @Option(name: .long, help: "Detections: a COCO results file (JSON array).")
  var dt: String

  @Option(name: .long, help: "coco | voc07 | voc10 | all.")
  var metric: Metric = .coco

  @Flag(name: .long, help: "Print JSON instead of a table.")
  var json = false

  @Option(name: .long, help: "Also write the JSON result to this file (atomically).")
  var output: String?

  func run() throws {
    // A DetectionFormatError names the file and field; ArgumentParser prints it and exits 1.
    let dataset = try COCOFormat.readGroundTruth(URL(fileURLWithPath: gt))
    let detections = try COCOFormat.readDetections(URL(fileURLWithPath: dt), for: dataset)
    // Valid but probably not meant (unknown categories, boxes past the image): said on stderr.
    for warning in COCOFormat.warnings(dataset: dataset, detections: detections, detectionsFile: dt) {
      FileHandle.standardError.write(Data("convnotes: warning: \(warning)\n".utf8))
    }
    let report = DetectionScores.compute(dataset: dataset, detections: detections, metric: metric.rawValue)
    let text = json ? report.json : report.table
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    if let output {
      try AtomicFile.write(Data(report.json.utf8), to: URL(fileURLWithPath: output))
    }
  }
}

