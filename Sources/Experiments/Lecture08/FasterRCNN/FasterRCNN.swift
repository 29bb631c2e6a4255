// Faster R-CNN (Ren, He, Girshick and Sun, "Faster R-CNN: Towards Real-Time
// Object Detection with Region Proposal Networks", NeurIPS 2015). Chapter:
// chapters/11-faster-rcnn.md. Model: Models/FasterRCNN (trunk from the scene
// classifier, RPN, the Fast R-CNN head of Models/FastRCNN, four losses).
//
// Inputs: DetectionSuite's training scenes (the model's) and test scenes,
// and Selective Search ("fast") proposals of the same test scenes.
// Algorithm and numbers:
//   - anchors: A per location over the 28 x 28 conv3 map; how many lie
//     inside the scene, and the share of test objects whose best anchor
//     reaches IoU 0.7 and 0.5 (what the anchor scales must cover);
//   - training: the four losses per step (cached with the model), their
//     means over the first and last tenth of the steps;
//   - test: detections from the RPN's own proposals, VOC 2007 mAP, the time
//     per image including proposals, beside Selective Search's time for
//     its proposals alone;
//   - proposals: recall at IoU 0.5 and 0.7 against the number of proposals
//     for the RPN and for Selective Search (Ren et al., Figure 3).
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum FasterRCNNExperiment: Experiment {
  public static let id = "faster-rcnn"
  public static let title = "Faster R-CNN: a Region Proposal Network"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/FasterRCNN"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", FasterRCNN.folder, "Models/FastRCNN", SceneClassifier.folder, DetectionSuite.folder, "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Proposal budgets of the recall curves (per image, best ranked first).
    public var budgets: [Int]
    /// Test scenes drawn in the figures.
    public var shownScenes: Int
    /// Proposals drawn per scene in the proposals figure.
    public var shownProposals: Int
    /// Detections drawn per scene: the best-scoring ones, as many as the scene has objects, and at least this score.
    public var drawnScore: Double
    /// Test-time proposal layer (before NMS, after NMS).
    public var preNMS: Int
    public var postNMS: Int
    /// The model's training (FasterRCNNConfig of the profile unless changed here).
    public var epochs: Int
    public var learningRate: Float
    public var scales: [Double]
    public var ratios: [Double]
    public var allowedBorder: Double
  }

  static func config(_ model: FasterRCNNConfig) -> Config {
    Config(budgets: [1, 2, 5, 10, 20, 50, 100, 200, 300], shownScenes: 3, shownProposals: 10, drawnScore: 0.05,
           preNMS: ProposalLayer.test.preNMS, postNMS: ProposalLayer.test.postNMS, epochs: model.epochs, learningRate: model.learningRate,
           scales: model.scales, ratios: model.ratios, allowedBorder: model.allowedBorder)
  }

  public static let quick = config(.quick)
  public static let full = config(.full)

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the trained network (trained here on a cold cache), the test scenes.
    let sizes = DetectionSuite.sizes(context.profile)
    var modelConfig = FasterRCNNConfig.of(context.profile)
    (modelConfig.epochs, modelConfig.learningRate, modelConfig.scales, modelConfig.ratios) = (config.epochs, config.learningRate, config.scales, config.ratios)
    modelConfig.allowedBorder = config.allowedBorder
    let model = FasterRCNN(config: modelConfig, scenes: .of(context.profile))
    let trained = try context.timed("train or load Faster R-CNN") { try context.model(model) }
    let net = trained.network, history = trained.history
    let scenes = try DetectionSuite.testScenes(count: sizes.testScenes, context: context)
    let side = Double(scenes.spec.size)
    let mapSide = FasterRCNNNetwork.mapSide(scene: scenes.spec.size)
    let anchors = net.anchors(height: mapSide, width: mapSide)
    context.record("scenes.test", scenes.count)
    context.record("scenes.train", model.config.trainScenes)
    context.record("map.side", mapSide)
    context.record("anchors.perLocation", net.anchorGenerator.count)
    context.record("anchors.total", anchors.count)
    context.record("train.epochs", model.config.epochs)
    context.record("train.steps", history.rpnClass.count)
    if let seconds = trained.trainingSeconds { context.measure("train.seconds", seconds, unit: "s", format: ".1f") }

    // 2. Anchors: inside the scene, and how well the best one fits each test object.
    let targeter = AnchorTargeter(allowedBorder: config.allowedBorder)
    let inside = anchors.filter { targeter.isInside($0, width: side, height: side) }.count
    context.record("anchors.insideShare", Double(inside) / Double(anchors.count), format: ".1%")
    let truth = scenes.objects.flatMap { $0.map(\.box) }
    let bestAnchor = truth.map { g in anchors.map { $0.intersectionOverUnion(with: g) }.max() ?? 0 }
    context.record("anchors.objects", truth.count)
    context.record("anchors.cover07", ProposalRecall.recall(bestAnchor, threshold: 0.7), format: ".1%")
    context.record("anchors.cover05", ProposalRecall.recall(bestAnchor, threshold: 0.5), format: ".1%")
    var positives: [Double] = []
    for objects in scenes.objects {
      let labels = targeter.assign(anchors: anchors, truth: objects.map(\.box), width: side, height: side).labels
      positives.append(Double(labels.filter { $0 == 1 }.count))
    }
    context.record("anchors.positivesPerScene", positives.reduce(0, +) / Double(max(positives.count, 1)), format: ".1f")

    // 3. The four losses: mean over the first and the last tenth of the steps.
    let curves: [(key: String, values: [Float])] = [("rpnClass", history.rpnClass), ("rpnBox", history.rpnBox),
                                                     ("headClass", history.headClass), ("headBox", history.headBox)]
    for c in curves {
      let tenth = max(c.values.count / 10, 1)
      let first = c.values.prefix(tenth).map(Double.init).reduce(0, +) / Double(tenth)
      let last = c.values.suffix(tenth).map(Double.init).reduce(0, +) / Double(tenth)
      context.record("loss.\(c.key).first", first, format: ".3f")
      context.record("loss.\(c.key).last", last, format: ".3f")
      context.record("loss.\(c.key).lastOverFirst", last / max(first, 1e-12), format: ".2f")
      // The highest running mean (window: a tenth of the steps) and where the loss ends against it.
      let peak = runningMean(c.values, window: tenth).max() ?? 0
      context.record("loss.\(c.key).peak", peak, format: ".3f")
      context.record("loss.\(c.key).lastOverPeak", last / max(peak, 1e-12), format: ".2f")
    }

    // 4. Test: detections from the network's own proposals, timed end to end (proposals included).
    let layer = ProposalLayer(preNMS: config.preNMS, postNMS: config.postNMS)
    let detector = FasterRCNNDetector(network: net, proposalLayer: layer)
    let start = DispatchTime.now().uptimeNanoseconds
    let detections = detector.detect(scenes.images, proposals: [])
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    context.measure("test.msPerImage", 1000 * seconds / Double(scenes.count), unit: "ms", format: ".1f")
    let score = scenes.score(detections)
    context.record("map07", 100 * score.map07, format: ".1f", description: "VOC 2007 11-point mAP at IoU 0.5, in percent as the papers give it")
    context.record("proposals.test.postNMS", config.postNMS)
    context.record("proposals.test.preNMS", config.preNMS)

    // 5. Recall against the number of proposals: the RPN (up to the largest budget) and Selective Search.
    let budgets = config.budgets
    let most = budgets.max() ?? 300
    let (map, out) = net.features(scenes.images)
    _ = map
    let rpn = net.proposals(out, layer: ProposalLayer(preNMS: config.preNMS, postNMS: most), anchors: anchors).map(\.boxes)
    let ssStart = DispatchTime.now().uptimeNanoseconds
    let selective = DetectionSuite.proposals(scenes, split: .test, keep: max(sizes.proposalsPerScene, most), context: context)
    let ssSeconds = Double(DispatchTime.now().uptimeNanoseconds - ssStart) / 1e9
    context.measure("ss.msPerImage", 1000 * ssSeconds / Double(scenes.count), unit: "ms", format: ".1f")
    context.measure("speed.ssOverFaster", ssSeconds / max(seconds, 1e-9), unit: "x", format: ".1f")
    let groundTruth = scenes.objects.map { $0.map(\.box) }
    let rpnBest = ProposalRecall.bestOverlaps(proposals: rpn, groundTruth: groundTruth, budgets: budgets)
    let ssBest = ProposalRecall.bestOverlaps(proposals: selective, groundTruth: groundTruth, budgets: budgets)
    context.record("proposals.rpn.meanCount", Double(rpn.map(\.count).reduce(0, +)) / Double(rpn.count), format: ".0f")
    context.record("proposals.ss.meanCount", Double(selective.map(\.count).reduce(0, +)) / Double(selective.count), format: ".0f")
    var rows: [[JSONValue]] = []
    for (b, n) in budgets.enumerated() {
      var row: [JSONValue] = [.number(Double(n))]
      for (method, best) in [("rpn", rpnBest[b]), ("ss", ssBest[b])] {
        for t in [0.5, 0.7] {
          let r = ProposalRecall.recall(best, threshold: t)
          context.record("recall.\(method).iou\(Int(t * 10)).n\(n)", r, format: ".3f")
          row.append(.number(r))
        }
      }
      rows.append(row)
    }
    context.table("recall", caption: "Recall of the \(truth.count) test objects by the first N proposals of each scene.",
                  columns: ["N", "RPN, IoU 0.5", "RPN, IoU 0.7", "Selective Search, IoU 0.5", "Selective Search, IoU 0.7"],
                  formats: [".0f", ".3f", ".3f", ".3f", ".3f"], rows: rows)

    // 6. Figures.
    let shown = Array(scenes.objects.indices.filter { scenes.objects[$0].count >= 3 }.prefix(config.shownScenes))
    try context.figure("anchors", caption: "The \(net.anchorGenerator.count) anchors of one location (left) and the positive anchors of a scene's objects (right: IoU ≥ 0.7, or an object's best anchor).",
                       anchorsFigure(scenes, shown.first ?? 0, net: net, anchors: anchors, targeter: targeter))
    try context.figure("proposals", caption: "The RPN's top \(config.shownProposals) proposals on test scenes (brighter = higher objectness; ground truth dashed white).",
                       proposalsFigure(scenes, shown, proposals: rpn, count: config.shownProposals))
    try context.figure("recall", caption: "Recall against proposals per image on the test scenes: the RPN and Selective Search (fast), as Ren et al.'s Figure 3.",
                       recallFigure(budgets, rpn: rpnBest, selective: ssBest))
    try context.figure("losses", caption: "The four losses of joint training, per step (thin) and their running mean over a tenth of the steps (thick).",
                       lossFigure(curves, stepsPerEpoch: max(history.rpnClass.count / max(model.config.epochs, 1), 1), window: max(history.rpnClass.count / 10, 1)))
    try context.figure("detections", caption: "Faster R-CNN's best-scoring detections on test scenes, as many as each scene has objects (score ≥ \(config.drawnScore)); ground truth dashed white.",
                       detectionsFigure(scenes, shown, detections: detections, minScore: config.drawnScore))
  }
}
