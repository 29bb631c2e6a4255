import ExperimentKit
import Models
import Detection
import Datasets
import Foundation
import Layers
import Tensor
import Testing

@testable import Experiments

/// Runs one experiment with `config` into a fresh folder (models in `models`) and returns its context.
func runTiny<E: Experiment>(_ e: E.Type, _ config: E.Config, root: URL, folder: String, models: URL) throws -> RunContext {
  let out = root.appendingPathComponent(folder)
  try FileManager.default.createDirectory(at: out.appendingPathComponent("figures"), withIntermediateDirectories: true)
  let context = RunContext(
    id: E.id, profile: .quick, seed: 0, threads: BLAS.threads, folder: out, resultsRoot: root, modelCache: ModelCache(folder: models))
  try E.run(config, in: context)
  return context
}

/// Every `{result}` key, figure and table of the chapter exists in the run.
func expectChapterKeys(_ chapterFile: String, _ context: RunContext) throws {
  let chapter = try String(contentsOf: repositoryRoot.appendingPathComponent("chapters/\(chapterFile)"), encoding: .utf8)
  for match in chapter.matches(of: /\{result\} ([A-Za-z0-9.]+)/) {
    let key = String(match.1)
    #expect(context.values[key] != nil || context.measured[key] != nil, "\(chapterFile): missing key \(key)")
  }
  for match in chapter.matches(of: /figure:([a-z-]+)/) {
    #expect(context.figures[String(match.1)] != nil, "\(chapterFile): missing figure \(match.1)")
  }
  for block in chapter.matches(of: /```table\n([A-Za-z0-9.]+)\n```/) {
    #expect(context.tables[String(block.1)] != nil, "\(chapterFile): missing table \(block.1)")
  }
}

struct FashionScenesChapterTests {
  @Test func aSmallRunRecordsEveryKeyOfItsChapter() throws {
    let root = temporaryResults()
    let context = try runTiny(FashionScenesData.self, .init(scenesPerSet: 40, stickFigures: 20), root: root, folder: "a", models: root)
    try expectChapterKeys("02-fashion-scenes.md", context)
    #expect(context.values["detection.boxTightness"]?.value == 1)
    #expect(context.values["localization.maxObjectsPerScene"]?.value == 1)
  }
}

struct LocalizationNetworkTests {
  @Test func aClassSpecificHeadIsTrainedOnlyOnTheTrueClassBox() {
    let net = LocalizationNetwork(attachment: .fc, classSpecific: true, seed: 1)
    var rng = SplitMix64(seed: 2)
    let prediction = Tensor.randomNormal(shape: [2, 40], std: 1, using: &rng)
    let targets = Tensor(shape: [2, 4], scalars: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    let (value, gradient) = net.boxLoss(prediction: prediction, labels: [3, 7], targets: targets)
    var expected: Float = 0
    for (i, label) in [3, 7].enumerated() {
      for c in 0..<4 {
        let d = prediction.scalars[i * 40 + label * 4 + c] - targets.scalars[i * 4 + c]
        expected += d * d / 2
        #expect(abs(gradient.scalars[i * 40 + label * 4 + c] - d) < 1e-6)  // 2 d / N, N = 2
      }
    }
    #expect(abs(value - expected) < 1e-5)
    let elsewhere = gradient.scalars.enumerated().filter { ![12, 13, 14, 15, 68, 69, 70, 71].contains($0.offset) }
    #expect(elsewhere.allSatisfy { $0.element == 0 })
  }

  @Test func theFullyConvolutionalNetEqualsTheNetOnEveryCrop() {
    // An untrained net with non-trivial BatchNorm statistics: the equality is structural.
    let net = LocalizationNetwork(attachment: .fc, seed: 9)
    var rng = SplitMix64(seed: 4)
    for case let bn as BatchNorm2D in net.trunk.layers {
      for p in bn.parameters { p.value = Tensor.randomUniform(shape: p.value.shape, low: 0.5, high: 1.5, using: &rng) }
    }
    let image = Tensor.randomUniform(shape: [1, 3, 72, 72], low: 0, high: 1, using: &rng)
    let fcn = FullyConvolutionalLocalizer(net)
    let dense = fcn.forward(image)
    #expect(dense.logits.shape == [1, 10, 4, 4])  // (72 - 48) / 8 + 1 windows per side
    let crops = SlidingWindow.crops(image)
    #expect(crops.shape == [16, 3, 48, 48])
    // Crop 5 is row 1, column 1: pixels 8..<56 both ways.
    #expect(crops.scalars[5 * 3 * 48 * 48] == image.scalars[8 * 72 + 8])
    let (logits, boxes) = net.predict(crops)
    for w in 0..<16 {
      for c in 0..<10 { #expect(abs(dense.logits.scalars[c * 16 + w] - logits.scalars[w * 10 + c]) < 1e-4) }
      for c in 0..<4 { #expect(abs(dense.boxes.scalars[c * 16 + w] - boxes.scalars[w * 4 + c]) < 1e-4) }
    }
  }

  @Test func greedyMergingByHand() {
    func p(_ x1: Double, _ x2: Double, _ label: Int, _ score: Double) -> SlidingWindow.WindowPrediction {
      .init(box: LabeledBox(label: label, x1: x1, y1: 0, x2: x2, y2: 10), score: score, scale: 1, row: 0, column: 0)
    }
    // Boxes 0 and 1 overlap with IoU 8/12 and merge (weights 0.75, 0.25); box 2 is far; box 3 is another class.
    let merged = SlidingWindow.greedyMerge([p(0, 10, 1, 0.6), p(2, 12, 1, 0.2), p(40, 50, 1, 0.7), p(1, 11, 2, 0.75)], iouThreshold: 0.5)
    #expect(merged.count == 3)
    let first = merged.first { $0.box.box.x1 < 5 && $0.box.label == 1 }!
    #expect(abs(first.score - 0.8) < 1e-12)
    #expect(abs(first.box.box.x1 - 0.5) < 1e-12 && abs(first.box.box.x2 - 10.5) < 1e-12)
    // The merged pair (0.8) beats the strongest single window (0.75): merging answers the agreed box.
    let answer = SlidingWindow.answers([p(0, 10, 1, 0.6), p(2, 12, 1, 0.2), p(1, 11, 2, 0.75)], mergeIoU: 0.5)
    #expect(answer.best.label == 2)
    #expect(answer.merged.label == 1)
  }
}

struct DetectionOneRunTests {
  @Test func tinyRunsRecordEveryKeyOfTheirChaptersAndReuseTheModelCache() throws {
    let root = temporaryResults()
    let models = root.appendingPathComponent("models")
    let localization = LocalizationRegression.Config(
      scenes: SceneNetworkConfig(
        trainScenes: 96, testScenes: 32, fineTuneScenes: 32, pairScenes: 32, classEpochs: 1, headEpochs: 1, fineTuneEpochs: 1, pairEpochs: 1),
      localizationBar: 0)
    let first = try runTiny(LocalizationRegression.self, localization, root: root, folder: "a", models: models)
    try expectChapterKeys("03-localization-regression.md", first)
    #expect(first.notes["model.scene-classifier"] == "trained")
    let second = try runTiny(LocalizationRegression.self, localization, root: root, folder: "b", models: models)
    #expect(second.notes["model.scene-classifier"] == "loaded from cache")
    #expect(second.values["conv.finetuned.meanIoU"]?.value == first.values["conv.finetuned.meanIoU"]?.value)
    #expect(first.values["fc.frozen.classAccuracy"]?.value == first.values["backbone.classAccuracy"]?.value)

    let pose = try runTiny(PoseRegression.self, .init(model: .init(trainFigures: 64, epochs: 1), testFigures: 32, pckBar: 0), root: root, folder: "p", models: models)
    try expectChapterKeys("04-pose-regression.md", pose)
  }
}

struct VisualizationToolsTests {
  @Test func occlusionSweepOnAKnownLinearScore() {
    // Score = sum of the top-left 4x4 quadrant of an all-ones 8x8 image; a 4x4 zero square at stride 2.
    let image = Tensor(shape: [1, 1, 8, 8], repeating: 1)
    func quadrantSums(_ batch: Tensor) -> [Float] {
      var sums: [Float] = []
      for b in 0..<batch.shape[0] {
        var sum: Float = 0
        for y in 0..<4 { for x in 0..<4 { sum += batch.scalars[b * 64 + y * 8 + x] } }
        sums.append(sum)
      }
      return sums
    }
    let (map, n) = Occlusion.sweep(image, square: 4, stride: 2, fill: 0, score: quadrantSums)
    #expect(n == 3)
    // 16 minus the overlap (4 - 2r)(4 - 2c) of the square at (2r, 2c) with the quadrant.
    #expect(map == [0, 8, 16, 8, 12, 16, 16, 16, 16])
  }

  @Test func nearestNeighboursMatchABruteForceSearch() {
    var rng = SplitMix64(seed: 8)
    let database = Tensor.randomNormal(shape: [50, 6], std: 1, using: &rng)
    let queries = Tensor.randomNormal(shape: [7, 6], std: 1, using: &rng)
    let fast = FiltersAndPatches.nearest(queries, database, k: 3)
    for i in 0..<7 {
      let d = (0..<50).map { j in (0..<6).reduce(Float(0)) { let e = queries.scalars[i * 6 + $1] - database.scalars[j * 6 + $1]; return $0 + e * e } }
      #expect(fast[i] == Array(d.indices.sorted { d[$0] < d[$1] }.prefix(3)))
    }
  }

  @Test func saliencySharesByHand() {
    let map: [Float] = [0, 0, 0, 0, 4, 4, 0, 0, 2]  // 3x3
    #expect(abs(Saliency.shareInside(map, box: Box(x1: 1, y1: 1, x2: 3, y2: 2), side: 3) - 0.8) < 1e-12)
    #expect(abs(Saliency.topShare(map, fraction: 0.2) - 0.4) < 1e-6)  // one pixel of nine: 4 of 10
  }
}
