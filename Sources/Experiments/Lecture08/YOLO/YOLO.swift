// YOLO v1: detection as one regression (Redmon, Divvala, Girshick and
// Farhadi, "You Only Look Once: Unified, Real-Time Object Detection", CVPR
// 2016). Chapter: chapters/12-yolo.md. Model: Sources/Models/YOLO (grid
// layout, network, equation (3), decoding, the SceneDetector).
//
// Inputs: DetectionSuite's training and test scenes (128 px, one to five
// objects of 24-56 px, ten classes); the scene classifier's trunk as the
// pretrained first layers (Models/SceneNetwork).
// Algorithm: S x S = 7 x 7 cells, B = 2 boxes per cell (the paper's 7 x 7 x
// 30 for VOC; darknet's shipped yolov1.cfg uses num=3 and side=7), C = 10:
// one 7 x 7 x 20 tensor per scene. Trained on equation (3) (YOLOLoss.swift),
// decoded by class-specific confidence, threshold, per-class NMS.
// Numbers: VOC 2007 11-point mAP (and the area version, COCO AP) on the
// test scenes; images per second of the detector (one forward + decoding,
// timings.json); equation (3)'s terms per epoch and on the test scenes;
// Hoiem et al.'s error breakdown of the top detections (the paper's Figure 4);
// objects lost because two centres share a cell.
// Figures: the grid and responsible cells, boxes before and after NMS, the
// class-probability map (the paper's Figure 2), loss curves per term, errors.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum YOLO: Experiment {
  public static let id = "yolo"
  public static let title = "YOLO: detection as regression"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/YOLO"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", YOLOModel.folder, SceneClassifier.folder, DetectionSuite.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Boxes per cell (B); S = 7 is fixed by the network's pooling.
    public var boxesPerCell = 2
    /// After conv4 + pool: conv layers (one set of weights for every cell) or the paper's two FC layers.
    public var head = YOLOHead.conv
    public var dropout: Float = 0
    public var epochs: Int
    public var learningRate: Float = 0.001
    public var batchSize = 16
    public var lambdaCoord: Float = 5
    public var lambdaNoobj: Float = 0.5
    /// Train on each scene's mirror image too.
    public var flips = true
    /// Class-specific confidences kept before NMS (low: mAP wants the whole ranking), and NMS's IoU.
    public var scoreThreshold = YOLODetector.defaultScoreThreshold
    public var nmsIoU = YOLODetector.defaultNMSIoU
    /// Detections drawn in the figures: class-specific confidence above this
    /// fraction of the highest one on the test scenes (our scores are low on quick).
    public var drawFraction = 0.3
    /// Detection passes timed (best of).
    public var speedRepeats: Int
  }

  public static let quick = Config(epochs: YOLOConfig.of(.quick).epochs, speedRepeats: 2)
  public static let full = Config(epochs: YOLOConfig.of(.full).epochs, speedRepeats: 3)

  /// The model recipe for a config (the profile's YOLOConfig with the config's changes).
  static func model(_ config: Config, profile: Profile) -> YOLOModel {
    var m = YOLOConfig.of(profile)
    m.grid.boxesPerCell = config.boxesPerCell
    m.epochs = config.epochs
    m.head = config.head
    m.dropout = config.dropout
    m.learningRate = config.learningRate
    m.batchSize = config.batchSize
    m.weights = YOLOLossWeights(coord: config.lambdaCoord, noObject: config.lambdaNoobj)
    m.flips = config.flips
    return YOLOModel(config: m)
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the trained network and the suite's test scenes.
    let recipe = model(config, profile: context.profile)
    let trained = try context.timed("load or train yolo") { try context.model(recipe) }
    let net = trained.network, history = trained.history
    let grid = net.grid
    let sizes = DetectionSuite.sizes(context.profile)
    let scenes = try DetectionSuite.testScenes(count: sizes.testScenes, context: context)
    context.record("grid.cells", grid.cells)
    context.record("grid.boxesPerCell", grid.boxesPerCell)
    context.record("grid.classes", grid.classes)
    context.record("grid.perCell", grid.perCell)
    context.record("grid.cellSize", grid.cellSize, unit: "px", format: ".1f")
    context.record("boxesPerImage", grid.boxesPerImage)
    context.record("outputsPerImage", grid.outputs)
    context.record("trainScenes", recipe.config.trainScenes)
    context.record("testScenes", scenes.count)
    context.record("epochs", recipe.config.epochs)
    context.record("scoreThreshold", config.scoreThreshold, format: ".3f")
    context.record("nmsIoU", config.nmsIoU, format: ".2f")
    context.record("parameters.trunk", net.trunk.parameterCount)
    context.record("parameters.head", net.head.parameterCount)
    if let seconds = trained.trainingSeconds { context.measure("trainingSeconds", seconds, unit: "s", format: ".1f") }

    // 2. Detection: one forward pass + decoding per scene, timed (best of a few passes).
    let detector = YOLODetector(network: net, scoreThreshold: config.scoreThreshold, nmsIoU: config.nmsIoU)
    var detections: [[ScoredDetection]] = []
    var best = Double.infinity
    for _ in 0..<max(config.speedRepeats, 1) {
      let start = DispatchTime.now().uptimeNanoseconds
      detections = detector.detect(scenes.images, proposals: [])
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    context.measure("imagesPerSecond", Double(scenes.count) / best, unit: "images/s", format: ".0f")
    context.measure("msPerImage", 1000 * best / Double(scenes.count), unit: "ms", format: ".2f")

    // 3. Scores: VOC 2007 11-point mAP (the paper's Table 1), the area version, COCO.
    let scores = scenes.score(detections)
    context.record("map07", scores.map07, format: ".3f")
    context.record("map10", scores.map10, format: ".3f")
    context.record("coco.ap", scores.coco.ap, format: ".3f")
    context.record("detectionsPerImage", Double(detections.map(\.count).reduce(0, +)) / Double(scenes.count), format: ".1f")
    context.table(
      "perClass", caption: "Average precision per class on the test scenes (VOC 2007 11-point, IoU 0.5).",
      columns: ["class", "objects", "AP"], formats: ["", "d", ".3f"],
      rows: scores.voc.classes.compactMap { r in
        r.ap07.map { [.string(FashionMNIST.shortClassNames[r.categoryId - 1]), .number(Double(r.positives)), .number($0)] }
      })

    // 4. Equation (3) on the test scenes, and training curves per term.
    let output = net.predict(scenes.images)
    let testTargets = YOLOTargets.make(prediction: output, objects: scenes.objects, grid: grid, weights: recipe.config.weights)
    let testLoss = yoloLoss(prediction: output, targets: testTargets)
    let objects = scenes.objects.map(\.count).reduce(0, +)
    context.record("test.objects", objects)
    context.record("test.droppedObjects", testTargets.dropped)
    context.record("test.droppedFraction", Double(testTargets.dropped) / Double(objects), format: ".3f")
    context.record("train.droppedFraction", Double(history.droppedObjects) / Double(max(history.trainingObjects, 1)), format: ".3f")
    context.record("test.loss", Double(testLoss.value), format: ".3f")
    // Confidences: responsible boxes against the others, and against their IoU (the paper's target).
    let calibration = confidenceStatistics(output, targets: testTargets, grid: grid)
    context.record("conf.responsible", calibration.responsible, format: ".3f")
    context.record("conf.others", calibration.others, format: ".3f")
    context.record("conf.iouCorrelation", calibration.correlation, format: ".2f")
    context.record("iou.responsible", calibration.meanIoU, format: ".3f")
    // Which predictor of a cell takes which objects (§2.2: "each predictor gets better at
    // predicting certain sizes, aspect ratios, or classes"): share and mean shape per predictor.
    var sides: [Double] = []
    for b in 0..<grid.boxesPerCell {
      let taken = testTargets.responsible.enumerated().flatMap { i, list in list.filter { $0.box == b }.map { scenes.objects[i][$0.object].box } }
      context.record("predictor\(b).share", Double(taken.count) / Double(max(objects - testTargets.dropped, 1)), format: ".2f")
      context.record("predictor\(b).aspect", taken.isEmpty ? 0 : taken.map { $0.height() / $0.width() }.reduce(0, +) / Double(taken.count), format: ".2f")
      let side = taken.isEmpty ? 0 : taken.map { ($0.area()).squareRoot() }.reduce(0, +) / Double(taken.count)
      context.record("predictor\(b).side", side, unit: "px", format: ".1f")
      if !taken.isEmpty { sides.append(side) }
    }
    // Which predictor takes the larger objects is up to the initialization; the ratio is not.
    context.record("predictors.sideRatio", (sides.max() ?? 0) / max(sides.min() ?? 1, 1e-9), format: ".2f")
    let epochs = recipe.config.epochs
    var lossRows: [[JSONValue]] = []
    for term in YOLOLossTerm.allCases {
      let curve = epochMeans(history.curve(term), stepsPerEpoch: history.stepsPerEpoch)
      context.record("loss.\(term.key).first", Double(curve.first ?? 0), format: ".3f")
      context.record("loss.\(term.key).last", Double(curve.last ?? 0), format: ".3f")
      context.record("loss.\(term.key).test", Double(testLoss.terms[term]!), format: ".3f")
      lossRows.append([.string(term.label), .number(Double(curve.first ?? 0)), .number(Double(curve.last ?? 0)), .number(Double(testLoss.terms[term]!))])
    }
    let total = epochMeans(history.total, stepsPerEpoch: history.stepsPerEpoch)
    context.record("loss.total.first", Double(total.first ?? 0), format: ".3f")
    context.record("loss.total.last", Double(total.last ?? 0), format: ".3f")
    lossRows.append([.string("total"), .number(Double(total.first ?? 0)), .number(Double(total.last ?? 0)), .number(Double(testLoss.value))])
    context.table(
      "losses", caption: "Equation (3)'s terms, per scene: mean over the first and the last of \(epochs) training epochs, and on the test scenes (test mode).",
      columns: ["term", "epoch 1", "epoch \(epochs)", "test scenes"], formats: ["", ".3f", ".3f", ".3f"], rows: lossRows)

    // 5. Error analysis (Hoiem et al. 2012; the paper's Figure 4): the top detections of each class.
    let errors = ErrorAnalysis.of(detections, scenes.objects, classes: grid.classes)
    for kind in ErrorAnalysis.Kind.allCases {
      context.record("errors.\(kind.rawValue)", errors.fraction(kind), format: ".3f")
    }
    context.record("errors.detections", errors.total)
    context.table(
      "errors", caption: "The top N detections of each class (N = its number of test objects), by what they are (Hoiem et al.'s categories, as YOLO's Figure 4).",
      columns: ["kind", "detections", "share"], formats: ["", "d", ".1%"],
      rows: ErrorAnalysis.Kind.allCases.map { [.string($0.label), .number(Double(errors.counts[$0] ?? 0)), .number(errors.fraction($0))] })

    // 6. Figures.
    let decoded = (0..<scenes.count).map { grid.decode(output, image: $0, scoreThreshold: config.scoreThreshold, nmsIoU: config.nmsIoU) }
    let example = exampleScene(scenes, grid: grid)
    let drawThreshold = config.drawFraction * (detections.flatMap { $0 }.map(\.score).max() ?? 0)
    context.record("draw.threshold", drawThreshold, format: ".3f")
    try context.figure(
      "grid", caption: "The 7 × 7 grid over a test scene: each object's centre (dot) falls in one cell (shaded), which must predict it. Right: that cell's B = \(grid.boxesPerCell) boxes from the trained net; the one with the highest IoU with the object is responsible (solid) and learns its coordinates, the other (dashed) is pushed towards confidence 0.",
      gridFigure(scenes, example, output: output, targets: testTargets, grid: grid))
    try context.figure(
      "class-map", caption: "As the paper's Figure 2: the S × S × B boxes with line width by confidence (left), each cell coloured by its most likely class (middle; paler where the cell's largest class score is lower; objects dashed), and the detections that remain after thresholding at \(String(format: "%.2f", drawThreshold)) and NMS (right).",
      classMapFigure(scenes, example, output: output, decoded: decoded[example], grid: grid, threshold: drawThreshold))
    try context.figure(
      "nms", caption: "Test scenes: every (box, class) whose class-specific confidence exceeds \(String(format: "%.2f", drawThreshold)) (top; a box can count for several classes), and what per-class NMS at IoU \(config.nmsIoU) keeps (bottom, with class and score). Ground truth dashed.",
      nmsFigure(scenes, output: output, grid: grid, threshold: drawThreshold, nmsIoU: config.nmsIoU))
    try context.figure(
      "losses", caption: "Equation (3)'s four terms per training epoch (mean per scene, training mode with dropout).",
      lossFigure(history))
    try context.figure(
      "errors", caption: "What the top detections are, ours beside YOLO's on VOC 2007 (the paper's Figure 4): correct (IoU > 0.5), localization errors (right class, 0.1 < IoU < 0.5, or a duplicate), similar class, other class, background (IoU < 0.1 with every object).",
      errorFigure(errors))
  }

  /// Mean confidence of responsible boxes and of the others, the correlation
  /// of a responsible box's confidence with its IoU, and the mean IoU.
  static func confidenceStatistics(_ output: Tensor, targets: YOLOTargets, grid: YOLOGrid) -> (responsible: Double, others: Double, correlation: Double, meanIoU: Double) {
    var conf: [Double] = [], ious: [Double] = [], others: [Double] = []
    for k in 0..<output.count {
      if targets.term[k] == UInt8(YOLOLossTerm.object.rawValue) {
        conf.append(Double(output.scalars[k]))
        ious.append(Double(targets.target[k]))
      } else if targets.term[k] == UInt8(YOLOLossTerm.noObject.rawValue) {
        others.append(Double(output.scalars[k]))
      }
    }
    func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
    let (mc, mi) = (mean(conf), mean(ious))
    let cov = zip(conf, ious).map { ($0 - mc) * ($1 - mi) }.reduce(0, +)
    let vc = conf.map { ($0 - mc) * ($0 - mc) }.reduce(0, +), vi = ious.map { ($0 - mi) * ($0 - mi) }.reduce(0, +)
    return (mc, mean(others), vc > 0 && vi > 0 ? cov / (vc * vi).squareRoot() : 0, mi)
  }

  /// Means of a per-step curve over each epoch.
  static func epochMeans(_ steps: [Float], stepsPerEpoch: Int) -> [Float] {
    guard stepsPerEpoch > 0 else { return [] }
    return Swift.stride(from: 0, to: steps.count, by: stepsPerEpoch).map { s in
      let part = steps[s..<min(s + stepsPerEpoch, steps.count)]
      return part.reduce(0, +) / Float(part.count)
    }
  }

  /// The test scene (among the first ten) with the most objects, for the single-scene figures.
  static func exampleScene(_ scenes: FashionScenes, grid: YOLOGrid) -> Int {
    (0..<min(10, scenes.count)).max { scenes.objects[$0].count < scenes.objects[$1].count || (scenes.objects[$0].count == scenes.objects[$1].count && $0 > $1) }!
  }
}
