// Lecture 8: how detectors are scored. The same detections, scored the VOC
// 2007 way (11-point AP at IoU > 0.5), the VOC 2010 way (area under the
// precision envelope), and the COCO way (101-point AP averaged over IoU
// thresholds 0.50:0.05:0.95, by object size, and AR at 1/10/100 detections).
// Chapter: chapters/14-map-evaluation.md.
//
// Inputs: generated ground truth and a simulated detector whose classes
// differ in recall and in localization noise (SimulatedDetector.swift).
// Algorithm: greedy NMS, then Detection's COCO and VOC evaluators.
// Numbers: every metric, per class and overall; before and after NMS.
// Figures: a sample image, PR curves, AP interpolation, AP vs IoU threshold.
// Files: ground-truth.json, detections.json (after NMS) and
// detections-before-nms.json in COCO's format, for eval-detections or pycocotools.
import Detection
import ExperimentKit
import Plot
import Tensor

enum MeanAveragePrecision: Experiment {
  static let id = "map-evaluation"
  static let title = "Scoring detectors: IoU, NMS, VOC and COCO mAP"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = []
  static let folder = "Lecture08/MapEvaluation"
  // It uses neither the layers nor Fashion-MNIST.
  static let uses = ["Detection", "Plot"]

  struct Config: Codable, Sendable {
    var scene: SimulatedDetectorConfig
    /// The lecture's NMS threshold (and torchvision's usual default).
    var nmsThreshold = 0.5
  }

  static let full = Config(scene: SimulatedDetectorConfig(images: 600))
  static let quick = Config(scene: SimulatedDetectorConfig(images: 150))

  static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: ground truth and raw detections, then NMS.
    var rng = context.rng.derived("scene")
    let scene = SimulatedDetector.generate(config.scene, using: &rng)
    let raw = scene.detections
    let kept = context.timed("nms") {
      SimulatedDetector.suppressDuplicates(raw, iouThreshold: config.nmsThreshold)
    }
    let data = scene.dataset
    // What was scored, in COCO's format: `convnotes eval-detections` and
    // pycocotools' COCOeval score these files to the numbers below.
    try context.write("ground-truth.json", COCOFormat.groundTruthJSON(data, imageSize: (Int(config.scene.imageWidth), Int(config.scene.imageHeight))))
    try context.write("detections.json", COCOFormat.detectionsJSON(kept))
    try context.write("detections-before-nms.json", COCOFormat.detectionsJSON(raw))

    // 2. The evaluators.
    let coco = context.timed("coco") { COCOEvaluation.evaluate(data, detections: kept) }
    let cocoRaw = COCOEvaluation.evaluate(data, detections: raw)
    let voc = context.timed("voc") { VOCEvaluation.evaluate(data, detections: kept) }
    let summary = coco.summary

    // 3. Numbers.
    recordWorkedExamples(context)
    context.record("images", data.imageIds.count)
    context.record("objects", data.objects.count)
    context.record("objectsPerImage", Double(data.objects.count) / Double(data.imageIds.count), format: ".1f")
    context.record("crowd", data.objects.filter(\.isCrowd).count)
    context.record("difficult", data.objects.filter(\.isDifficult).count)
    context.record("smallObjects", data.objects.filter { $0.area < 32 * 32 }.count)
    context.record("largeObjects", data.objects.filter { $0.area > 96 * 96 }.count)
    context.record("rawDetections", raw.count)
    context.record("keptDetections", kept.count)
    context.record("nmsThreshold", config.nmsThreshold, format: ".2f")

    let cocoKeys = ["ap", "ap50", "ap75", "apSmall", "apMedium", "apLarge", "ar1", "ar10", "ar100", "arSmall", "arMedium", "arLarge"]
    for (key, value) in zip(cocoKeys, summary.all) { context.record("coco.\(key)", value) }
    context.record("voc07", voc.map07)
    context.record("voc10", voc.map10)
    context.record("vocGap", abs(voc.map07 - voc.map10))
    context.record("cocoAP50MinusVoc10", summary.ap50 - voc.map10, format: "+.3f")
    context.record("beforeNms.ap", cocoRaw.summary.ap)
    context.record("beforeNms.ap50", cocoRaw.summary.ap50)
    context.record("nmsGain", summary.ap - cocoRaw.summary.ap, format: "+.3f")

    let perIoU = coco.averagePrecisionPerIoU
    for (t, ap) in zip(coco.parameters.iouThresholds, perIoU) {
      context.record("apIoU\(Int((t * 100).rounded()))", ap)
    }
    context.record("apIoUIncreases", zip(perIoU, perIoU.dropFirst()).filter { $1 > $0 }.count)

    var rows: [[JSONValue]] = []
    var drops: [Double] = []
    for (k, category) in data.categories.enumerated() {
      let name = category.name
      let vocClass = voc.classes[k]
      let ap50 = coco.averagePrecision(category: category.id, iouThreshold: cocoIoUThresholds[0])
      let ap75 = coco.averagePrecision(category: category.id, iouThreshold: cocoIoUThresholds[5])
      let ap = coco.averagePrecision(category: category.id)
      context.record("class.\(name).voc07", vocClass.ap07 ?? -1)
      context.record("class.\(name).voc10", vocClass.ap10 ?? -1)
      context.record("class.\(name).ap50", ap50)
      context.record("class.\(name).ap75", ap75)
      context.record("class.\(name).ap", ap)
      drops.append(ap50 - ap75)
      rows.append([
        .string(name), .number(Double(vocClass.positives)), .number(config.scene.recall[k]),
        .number(config.scene.localizationNoise[k]), .number(vocClass.ap07 ?? -1), .number(vocClass.ap10 ?? -1),
        .number(ap50), .number(ap75), .number(ap),
      ])
    }
    // Classes are listed from the best-localized to the worst-localized.
    context.record("dropCleanest", drops.first ?? 0)
    context.record("dropNoisiest", drops.last ?? 0)
    context.table(
      "perClass", caption: "Per class: the simulated detector's settings and every AP.",
      columns: ["class", "objects (non-difficult)", "fire rate", "corner noise", "VOC07 AP", "VOC10 AP", "COCO AP50", "COCO AP75", "COCO AP"],
      formats: ["", "d", ".2f", ".3f", ".3f", ".3f", ".3f", ".3f", ".3f"], rows: rows)

    context.table(
      "scores", caption: "The same detections, scored every way.",
      columns: ["metric", "value", "IoU rule", "interpolation", "averaged over"],
      formats: ["", ".3f", "", "", ""],
      rows: [
        [.string("VOC 2007 mAP"), .number(voc.map07), .string("> 0.5, +1 pixels"), .string("11 points"), .string("classes")],
        [.string("VOC 2010+ mAP"), .number(voc.map10), .string("> 0.5, +1 pixels"), .string("area (all points)"), .string("classes")],
        [.string("COCO AP50"), .number(summary.ap50), .string("≥ 0.5"), .string("101 points"), .string("classes")],
        [.string("COCO AP75"), .number(summary.ap75), .string("≥ 0.75"), .string("101 points"), .string("classes")],
        [.string("COCO AP@[.5:.95]"), .number(summary.ap), .string("≥ 0.50, 0.55 … 0.95"), .string("101 points"), .string("classes × 10 thresholds")],
        [.string("COCO AP small"), .number(summary.apSmall), .string("0.50 … 0.95"), .string("101 points"), .string("area < 32²")],
        [.string("COCO AP medium"), .number(summary.apMedium), .string("0.50 … 0.95"), .string("101 points"), .string("32² … 96²")],
        [.string("COCO AP large"), .number(summary.apLarge), .string("0.50 … 0.95"), .string("101 points"), .string("area > 96²")],
        [.string("COCO AR@1"), .number(summary.ar1), .string("0.50 … 0.95"), .string("—"), .string("1 detection / image")],
        [.string("COCO AR@10"), .number(summary.ar10), .string("0.50 … 0.95"), .string("—"), .string("10 detections / image")],
        [.string("COCO AR@100"), .number(summary.ar100), .string("0.50 … 0.95"), .string("—"), .string("100 detections / image")],
      ])

    // 4. Figures.
    try context.figure(
      "sample-detections", caption: "One generated image: ground truth (black) and the detector's boxes with scores, before and after greedy NMS.",
      sampleFigure(data: data, raw: raw, kept: kept, config: config))
    try context.figure(
      "pr-curves", caption: "Precision against recall per class (COCO matching), at IoU 0.5 and 0.75.",
      prCurveFigure(coco: coco, categories: data.categories))
    // The class whose two VOC APs differ most shows the interpolations best.
    let widest = voc.classes.indices.max { a, b in
      abs((voc.classes[a].ap07 ?? 0) - (voc.classes[a].ap10 ?? 0)) < abs((voc.classes[b].ap07 ?? 0) - (voc.classes[b].ap10 ?? 0))
    } ?? 0
    context.record("interpolationClassGap", abs((voc.classes[widest].ap07 ?? 0) - (voc.classes[widest].ap10 ?? 0)))
    try context.figure(
      "interpolation", caption: "One class's PR curve, its monotone envelope (whose area is VOC 2010 AP) and the 11 samples VOC 2007 averages.",
      interpolationFigure(voc.classes[widest], name: data.categories[widest].name))
    try context.figure(
      "ap-vs-iou", caption: "AP as the IoU a match needs rises from 0.5 to 0.95; COCO's AP is the mean of these points.",
      apVersusIoUFigure(coco: coco, categories: data.categories))
  }

  /// The hand-checkable numbers the chapter opens with.
  static func recordWorkedExamples(_ context: RunContext) {
    let a = Box(x1: 0, y1: 0, x2: 2, y2: 2), b = Box(x1: 1, y1: 1, x2: 3, y2: 3)
    context.record("example.iouContinuous", a.intersectionOverUnion(with: b), format: ".4f")
    context.record("example.iouInclusive", a.intersectionOverUnion(with: b, convention: .inclusive), format: ".4f")
    let recall = [0.5, 0.5, 1.0], precision = [1.0, 0.5, 2.0 / 3.0]
    context.record("example.apArea", averagePrecisionArea(recall: recall, precision: precision), format: ".4f")
    context.record("example.ap11", averagePrecision11Point(recall: recall, precision: precision), format: ".4f")
    context.record("example.ap101", averagePrecision101Point(recall: recall, precision: precision), format: ".4f")
  }
}
