// Detection before CNNs: HOG + linear SVM with hard-negative mining (Dalal
// and Triggs, CVPR 2005) and a deformable parts model (Felzenszwalb,
// Girshick, McAllester and Ramanan, PAMI 2010). Chapter:
// chapters/06-hog-detector.md.
//
// Inputs: the `detection` FashionScenes (128 px, 1-5 objects of 24-56 px,
// every class), training scenes from Fashion-MNIST's training items and test
// scenes from its test items; the camera photo for the HOG glyphs.
// One class, trouser: its boxes keep one aspect ratio (width / height 0.36
// to 0.48 over 90% of the items), so one rigid template fits it, as the
// upright pedestrian fits Dalal and Triggs's 64 x 128 window; the other nine
// classes and the clutter are the negatives.
// Algorithm:
//   - HOG (Detection/HOG, skimage's nearest voting, colour = channel with
//     the largest gradient) on a pyramid of `levels` scales, 4 per octave;
//     cell histograms and blocks once per level, every window a sub-grid.
//   - window: 4 x 8 cells (3 x 7 blocks of 36 = 756 weights); a window's box
//     is the window shrunk by the mean inset of the training positives.
//   - positives: for each training trouser (and its mirror image), the
//     pyramid window whose box overlaps it most; negatives: random windows
//     with IoU < 0.3 with every trouser, then `miningRounds` rounds of hard
//     negatives (windows scoring above -1 with IoU < 0.3), SVM retrained
//     on the cache after each round (LinearSVM: dual coordinate descent).
//   - test: every window of every level, NMS at IoU 0.3, VOC and COCO AP.
//   - DPM (HOGDetector+DPM.swift): the mined root plus 6 parts at twice the
//     resolution, latent SVM.
// Numbers: AP after each mining round, DPM root-only vs root+parts, time
// per image. Figures: HOG glyphs, templates, detections, PR curves.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

public enum HOGDetector: Experiment {
  public static let id = "hog-detector"
  public static let title = "HOG + linear SVM and a deformable parts model"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/HOGDetector"
  public static let uses = ["Datasets", "Detection", "Plot", "Models/SceneNetwork"]
  static let photoName = "camera.png"
  public static let dataFiles = FashionMNIST.files + ["images/\(photoName)"]

  public struct Config: Codable, Sendable {
    public var trainScenes: Int
    public var testScenes: Int
    /// The class detected (1 = trouser).
    public var label = 1
    public var windowCells = Size(width: 4, height: 8)
    public var firstScale = 1.0
    public var perOctave = 4
    public var levels = 6
    public var randomNegativesPerScene = 8
    public var miningRounds: Int
    /// Hard negatives kept per scene and round, and the cache's size.
    public var hardPerScene = 12
    public var cacheSize = 6_000
    /// The SVM's C. Dalal and Triggs used 0.01; with our few positives that
    /// template degenerates once hard negatives arrive (the run shows it: `smallC`).
    public var c = 1.0
    public var smallC = 0.01
    /// C of a positive relative to a negative's (positives are rare).
    public var positiveWeight = 1.0
    public var nmsIoU = 0.3
    public var dpm: DPMConfig

    public struct Size: Codable, Sendable { public var width: Int, height: Int }
    var templateBlocks: (width: Int, height: Int) { (windowCells.width - 1, windowCells.height - 1) }
  }

  public struct DPMConfig: Codable, Sendable {
    public var parts = 6
    /// Part side in blocks of the part level.
    public var partBlocks = 3
    public var latentIterations: Int
    /// Training scenes mined for the DPM's negatives (the first ones).
    public var miningScenes: Int
    /// Size of the DPM's negative cache (its vectors are 3.6 times the root's).
    public var cacheSize = 3_000
  }

  public static let full = Config(trainScenes: 500, testScenes: 200, miningRounds: 3, dpm: DPMConfig(latentIterations: 2, miningScenes: 120))
  public static let quick = Config(trainScenes: 160, testScenes: 60, miningRounds: 2, dpm: DPMConfig(latentIterations: 1, miningScenes: 40))

  /// A trained linear window classifier.
  struct RootModel: Sendable {
    var filter: LinearFilter
    var bias: Float
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let trainItems = try context.fashionMNIST(.train, limit: 20_000)
    let testItems = try context.fashionMNIST(.test)
    let train = SceneSets.scenes("detection", .train, count: config.trainScenes, source: trainItems, runSeed: context.seed)
    let test = SceneSets.scenes("detection", .test, count: config.testScenes, source: testItems, runSeed: context.seed)
    let scales = FeaturePyramid.scales(first: config.firstScale, perOctave: config.perOctave, count: config.levels)
    let name = FashionMNIST.shortClassNames[config.label]
    context.record("class", config.label, description: name)
    context.record("trainObjects", train.objects.joined().filter { $0.label == config.label }.count)
    context.record("testObjects", test.objects.joined().filter { $0.label == config.label }.count)
    context.record("pyramidLevels", config.levels)
    context.record("largestScale", scales.last!, format: ".2f")
    context.record("templateWeights", config.templateBlocks.width * config.templateBlocks.height * 36)

    // 2. The training scenes' pyramids (computed once, read by every round), the positives
    // placed on them, the predicted-box inset learned from them.
    let trainPyramids = context.timed("train pyramids") { parallelMap(train.count) { i in FeaturePyramid(image: image(train, i), scales: scales) } }
    let positives = context.timed("positives") { collectPositives(train, pyramids: trainPyramids, config: config, scales: scales) }
    context.record("positives", positives.features.count)
    context.record("positiveMeanIoU", positives.meanIoU, format: ".3f")

    // 3. Random negatives, then rounds of hard-negative mining.
    var negatives = context.timed("random negatives") { randomNegatives(train, pyramids: trainPyramids, config: config, inset: positives.inset, seed: context.rng.derived("negatives")) }
    let testPyramids = context.timed("test pyramids") { parallelMap(test.count) { i in FeaturePyramid(image: image(test, i), scales: scales) } }
    var rounds: [(model: RootModel, evaluation: Evaluation, negatives: Int)] = []
    for round in 0...config.miningRounds {
      let model = context.timed("svm round \(round)") { trainRoot(positives.features, negatives.map(\.features), config: config) }
      let evaluation = context.timed("test round \(round)") { evaluate(model, test, pyramids: testPyramids, config: config, inset: positives.inset) }
      rounds.append((model, evaluation, negatives.count))
      context.record("round\(round).voc07", evaluation.voc07)
      context.record("round\(round).voc10", evaluation.voc10)
      context.record("round\(round).cocoAP", evaluation.coco.ap)
      context.record("round\(round).cocoAP50", evaluation.coco.ap50)
      context.record("round\(round).negatives", negatives.count)
      guard round < config.miningRounds else { break }
      let hard = context.timed("mining round \(round + 1)") { mineHardNegatives(model, train, pyramids: trainPyramids, config: config, inset: positives.inset) }
      context.record("round\(round + 1).newHard", hard.filter { h in !negatives.contains { $0.ref == h.ref } }.count)
      negatives = mergeCache(negatives, hard, model: model, size: config.cacheSize)
    }
    let final = rounds.last!
    // The same final cache with Dalal-Triggs's C.
    var small = config
    small.c = config.smallC
    let smallModel = trainRoot(positives.features, negatives.map(\.features), config: small)
    context.record("smallC.voc10", evaluate(smallModel, test, pyramids: testPyramids, config: config, inset: positives.inset).voc10)
    context.record("smallC.c", config.smallC, format: ".2f")
    context.record("c", config.c, format: ".2f")
    context.record("final.voc07", final.evaluation.voc07)
    context.record("final.voc10", final.evaluation.voc10)
    context.record("final.cocoAP", final.evaluation.coco.ap)
    context.record("final.cocoAP50", final.evaluation.coco.ap50)
    context.record("final.cocoAP75", final.evaluation.coco.ap75)
    context.record("miningRounds", config.miningRounds)
    context.record("miningGain.voc10", final.evaluation.voc10 - rounds[0].evaluation.voc10, format: "+.3f")
    context.record("miningGain.cocoAP50", final.evaluation.coco.ap50 - rounds[0].evaluation.coco.ap50, format: "+.3f")
    context.table(
      "rounds", caption: "The \(name) detector after each round of hard-negative mining, on \(test.count) test scenes.",
      columns: ["round", "negatives in the cache", "VOC07 AP", "VOC10 AP", "COCO AP50", "COCO AP@[.5:.95]"],
      formats: ["d", "d", ".3f", ".3f", ".3f", ".3f"],
      rows: rounds.enumerated().map { k, r in
        [.number(Double(k)), .number(Double(r.negatives)), .number(r.evaluation.voc07), .number(r.evaluation.voc10), .number(r.evaluation.coco.ap50), .number(r.evaluation.coco.ap)]
      })

    // 4. Time per image of the final detector: pyramid, scores, NMS.
    let timedScenes = min(test.count, 40)
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<timedScenes { _ = detect(final.model, FeaturePyramid(image: image(test, i), scales: scales), config: config, inset: positives.inset) }
    context.measure("msPerImage", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(timedScenes), unit: "ms", format: ".1f")

    // 5. DPM: root + parts against the root alone, same test scenes.
    let dpm = try runDPM(root: final.model, positives: positives, train: train, trainPyramids: trainPyramids, test: test, testPyramids: testPyramids, config: config, in: context)

    context.record("dpm.gainOverRoot", dpm.evaluation.voc10 - final.evaluation.voc10, format: "+.3f")
    context.record("dpm.gainOverRoot.cocoAP50", dpm.evaluation.coco.ap50 - final.evaluation.coco.ap50, format: "+.3f")

    // 6. Figures.
    try figures(context, config: config, train: train, test: test, testPyramids: testPyramids, rounds: rounds.map { ($0.model, $0.evaluation) }, dpm: dpm, inset: positives.inset, scales: scales)
  }
}
