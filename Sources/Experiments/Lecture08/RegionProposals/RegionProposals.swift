// Region proposals: instead of scoring every window, find a few thousand
// "blobby image regions that are likely to contain objects" (the lecture).
// Selective Search (Uijlings et al., IJCV 2013) on graph-based segments
// (Felzenszwalb and Huttenlocher, IJCV 2004), scored the way Hosang et al.
// (PAMI 2015) score proposals. Chapter: chapters/07-region-proposals.md.
//
// Inputs: the FashionScenes `detection` test scenes (128 px, 1-5 objects);
// the astronaut photo from assets/images.
// Algorithm: Detection/Proposals (GraphSegmentation, SelectiveSearch in its
// single, fast and quality strategies), EdgeBoxes on a gradient edge map;
// a baseline of uniformly random boxes.
// Numbers: segment counts on the photo beside scikit-image's; per method,
// proposals per image, recall at IoU 0.5 and 0.7 against the budget, recall
// against IoU at fixed budgets, average recall, MABO, time per image.
// Files: proposals.json (COCO-style [x, y, w, h] boxes of the fast strategy
// per test scene, ranked) for the R-CNN chapters.
// Figures: segments of the photo, recall curves, proposals on scenes and on the photo.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Support
import Tensor

public enum RegionProposals: Experiment {
  public static let id = "region-proposals"
  public static let title = "Region proposals: graph-based segments, Selective Search, EdgeBoxes"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/RegionProposals"
  public static let uses = ["Datasets", "Detection", "Plot", SceneClassifier.folder, "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files + ["images/\(photoName)"]

  public struct Config: Codable, Sendable {
    /// Detection test scenes scored (the first ones of the set).
    public var scenes: Int
    /// Scenes scored with the quality strategy (80 hierarchies; the first of `scenes`).
    public var qualityScenes: Int
    /// Side the photo is resized to before Selective Search runs on it.
    public var photoSide: Int
    /// Proposals per scene kept in proposals.json (the fast strategy's best ranked).
    public var savedProposals = 2000
    /// Random boxes per scene for the baseline.
    public var randomBoxes = 10000
    /// EdgeBoxes' smallest candidate box (pixels); the scenes' objects are at least 24 x 24.
    public var edgeBoxesMinArea = 300.0
  }

  public static let full = Config(scenes: 100, qualityScenes: 30, photoSide: 512)
  public static let quick = Config(scenes: 20, qualityScenes: 6, photoSide: 192)

  static let photoName = "astronaut.png"
  /// Budgets of the recall curves (proposals per image).
  static let budgets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
  /// Budgets of the recall-against-IoU curves.
  static let fixedBudgets = [100, 1000]
  /// The segmentation settings compared with scikit-image, and its counts on the photo
  /// (skimage 0.26 felzenszwalb on assets/images/astronaut.png; scripts/crosscheck_proposals.py).
  static let segmentationSettings: [(name: String, k: Double, sigma: Double, minSize: Int, skimage: Int)] = [
    ("fine", 100, 0.5, 50, 585), ("coarse", 400, 0.8, 20, 275),
  ]

  /// One method's proposals on the scored scenes.
  struct Method {
    var key: String
    var label: String
    var proposals: [[Box]]
    var secondsPerImage: Double
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let items = try context.fashionMNIST(.test)
    let scenes = SceneSets.scenes("detection", .test, count: config.scenes, source: items, runSeed: context.seed)
    let photo = try context.sampleImage(photoName)
    let truths = scenes.objects.map { $0.map(\.box) }
    let labels = scenes.objects.flatMap { $0.map(\.label) }
    let rankSeed = context.rng.derived("ranking").currentState

    // 2. Segmentation of the photo, beside scikit-image.
    let photoImage = PlanarImage(width: photo.width, height: photo.height, channels: photo.channels, values: photo.values).rgb
    var segmentations: [GraphSegmentation.Result] = []
    for s in segmentationSettings {
      let result = context.timed("segment photo \(s.name)") { GraphSegmentation(k: s.k, sigma: s.sigma, minSize: s.minSize).segment(photoImage) }
      segmentations.append(result)
      context.record("segments.\(s.name).ours", result.count)
      context.record("segments.\(s.name).skimage", s.skimage)
      context.record("segments.\(s.name).k", Int(s.k))
      context.record("segments.\(s.name).sigma", s.sigma, format: ".1f")
      context.record("segments.\(s.name).minSize", s.minSize)
      context.record("segments.\(s.name).difference", result.count - s.skimage)
    }

    // 3. Proposals per method.
    var methods: [Method] = []
    for (key, label, mode, count) in [
      ("single", "SS single (HSV, k=100)", SelectiveSearch.Mode.single, config.scenes),
      ("fast", "SS fast (8 strategies)", .fast, config.scenes),
      ("quality", "SS quality (80 strategies)", .quality, config.qualityScenes),
    ] {
      let search = SelectiveSearch(mode)
      let start = Date()
      let proposals = context.timed("selective search \(key)") {
        propose(scenes: scenes, count: count, seed: rankSeed) { search.proposals($0, seed: $1) }
      }
      methods.append(Method(key: key, label: label, proposals: proposals, secondsPerImage: Date().timeIntervalSince(start) / Double(count)))
    }
    let edgeBoxes = EdgeBoxes(minBoxArea: config.edgeBoxesMinArea)
    let edgeStart = Date()
    let edgeProposals = context.timed("edge boxes") {
      propose(scenes: scenes, count: config.scenes, seed: rankSeed) { image, _ in edgeBoxes.proposals(image).map { $0.box } }
    }
    methods.append(
      Method(key: "edgeBoxes", label: "EdgeBoxes (gradient edges)", proposals: edgeProposals,
        secondsPerImage: Date().timeIntervalSince(edgeStart) / Double(config.scenes)))
    var rng = context.rng.derived("random boxes")
    let random = (0..<config.scenes).map { _ in randomBoxes(config.randomBoxes, side: Double(scenes.spec.size), using: &rng) }
    methods.append(Method(key: "random", label: "uniform random boxes", proposals: random, secondsPerImage: 0))

    // 4. Numbers.
    context.record("scenes", config.scenes)
    context.record("qualityScenes", config.qualityScenes)
    context.record("objects", truths.reduce(0) { $0 + $1.count })
    context.record("sceneSize", scenes.spec.size, unit: "px")
    var rows: [[JSONValue]] = []
    var curves: [String: [[Double]]] = [:]
    for m in methods {
      let n = m.proposals.count
      let best = ProposalRecall.bestOverlaps(proposals: m.proposals, groundTruth: Array(truths.prefix(n)), budgets: budgets)
      curves[m.key] = best
      let all = best.last!
      let labelsHere = Array(labels.prefix(all.count))
      let meanCount = Double(m.proposals.reduce(0) { $0 + $1.count }) / Double(n)
      context.record("\(m.key).proposalsPerImage", meanCount, format: ".0f")
      context.record("\(m.key).maxProposals", m.proposals.map(\.count).max() ?? 0)
      for (b, budget) in budgets.enumerated() {
        context.record("\(m.key).recall50.at\(budget)", ProposalRecall.recall(best[b], threshold: 0.5))
        context.record("\(m.key).recall70.at\(budget)", ProposalRecall.recall(best[b], threshold: 0.7))
        context.record("\(m.key).ar.at\(budget)", ProposalRecall.averageRecall(best[b]))
      }
      context.record("\(m.key).recall50", ProposalRecall.recall(all, threshold: 0.5))
      context.record("\(m.key).recall70", ProposalRecall.recall(all, threshold: 0.7))
      context.record("\(m.key).ar", ProposalRecall.averageRecall(all))
      context.record("\(m.key).mabo", ProposalRecall.meanAverageBestOverlap(all, labels: labelsHere))
      if m.key != "random" { context.measure("\(m.key).secondsPerImage", m.secondsPerImage, unit: "s", format: ".3f") }
      rows.append([
        .string(m.label), .number(Double(n)), .number(meanCount), .number(ProposalRecall.recall(best[6], threshold: 0.5)),
        .number(ProposalRecall.recall(best[9], threshold: 0.5)), .number(ProposalRecall.recall(all, threshold: 0.5)),
        .number(ProposalRecall.recall(all, threshold: 0.7)), .number(ProposalRecall.averageRecall(best[9])),
        .number(ProposalRecall.averageRecall(all)), .number(ProposalRecall.meanAverageBestOverlap(all, labels: labelsHere)),
      ])
    }
    context.table(
      "methods", caption: "Each method on the detection test scenes (recall at IoU ≥ 0.5 and 0.7; AR over IoU 0.5–1).",
      columns: ["method", "scenes", "proposals / image", "recall@100", "recall@1000", "recall (all)", "recall 0.7 (all)", "AR@1000", "AR (all)", "MABO"],
      formats: ["", "d", ".0f", ".3f", ".3f", ".3f", ".3f", ".3f", ".3f", ".3f"], rows: rows)
    // The quality strategy against the fast one on the same scenes.
    let q = config.qualityScenes
    let fastOnQuality = ProposalRecall.bestOverlaps(
      proposals: Array(methods[1].proposals.prefix(q)), groundTruth: Array(truths.prefix(q)), budgets: [Int.max]
    )[0]
    context.record("fastOnQualityScenes.recall70", ProposalRecall.recall(fastOnQuality, threshold: 0.7))
    context.record("fastOnQualityScenes.ar", ProposalRecall.averageRecall(fastOnQuality))
    context.record("fastOnQualityScenes.mabo", ProposalRecall.meanAverageBestOverlap(fastOnQuality, labels: Array(labels.prefix(fastOnQuality.count))))

    // 5. Files: the fast strategy's proposals for the R-CNN chapters.
    try saveProposals(methods[1].proposals, side: scenes.spec.size, config: config, seed: context.seed, to: context.folder.appendingPathComponent("proposals.json"))
    context.record("savedScenes", methods[1].proposals.count)
    context.record("savedPerScene", min(config.savedProposals, methods[1].proposals.map(\.count).max() ?? 0))

    // 6. The photo.
    let side = config.photoSide
    let resized = resizedPhoto(photoImage, side: side)
    let photoStart = Date()
    let photoProposals = context.timed("photo fast") { SelectiveSearch(.fast).proposals(resized, seed: rankSeed) }
    context.measure("photo.seconds", Date().timeIntervalSince(photoStart), unit: "s", format: ".3f")
    context.record("photo.side", side, unit: "px")
    context.record("photo.proposals", photoProposals.count)

    // 7. Figures.
    try context.figure(
      "segments", caption: "Graph-based segments of the photo (each segment in its mean colour) for two settings, with our count and scikit-image's.",
      segmentsFigure(photoImage, segmentations))
    try context.figure(
      "recall-vs-proposals", caption: "Recall of the ground-truth boxes against the number of proposals per image, at IoU ≥ 0.5 and ≥ 0.7.",
      recallFigure(methods, curves: curves))
    try context.figure(
      "recall-vs-iou", caption: "Recall against the IoU threshold with the first 100 and 1000 proposals per image; the area above 0.5 (times 2) is the average recall.",
      recallIoUFigure(methods, curves: curves))
    try context.figure(
      "proposals-on-scenes", caption: "Test scenes: ground truth (white), the fast strategy's first 30 proposals (thin), and the best proposal of each object (yellow, with its IoU).",
      scenesFigure(scenes, proposals: methods[1].proposals))
    try context.figure(
      "proposals-on-photo", caption: "The fast strategy's first 40 proposals on the photo.", photoFigure(resized, proposals: photoProposals))
  }

  /// A method's proposals on the first `count` scenes, in parallel (each scene's seed derived from its index).
  static func propose(
    scenes: FashionScenes, count: Int, seed: UInt64, _ method: @escaping @Sendable (PlanarImage, UInt64) -> [Box]
  ) -> [[Box]] {
    SceneProposals.propose(scenes: scenes, count: count, seed: seed, method)
  }
}
