// OverFeat's sliding window (Sermanet et al., "OverFeat: Integrated
// Recognition, Localization and Detection using Convolutional Networks", ICLR
// 2014). Chapter: chapters/05-sliding-window.md.
//
// Inputs: the fine-tuned after-FC scene localizer (Models/SceneNetwork; 48 x
// 48 windows, valid convolutions, total stride 8) from the model cache; the
// `large` scene set (96 px, one object of 28-84 px); the localization test set.
// Algorithm:
//   - FC-to-conv: fc 1024->128 becomes a 4x4 convolution (64 -> 128), the
//     class and box layers 1x1 convolutions (Conv2D(equivalentTo:)); on an
//     S x S image one pass gives a ((S-48)/8+1)^2 grid of windows 8 px apart.
//   - crop-by-crop: the same windows cut out and run as one batch; the two
//     must agree (max |difference| of the scores) and the first is faster.
//   - several scales: the image resized by 1, 0.75, 0.5 (96, 72, 48 px);
//     each window predicts a class (score = softmax maximum) and a box in
//     its own coordinates, mapped back to the image.
//   - combining: greedy merging (OverFeat section 4.3, simplified: within a
//     class, repeatedly merge the pair of boxes with the largest IoU while it
//     is >= 0.5, averaging coordinates weighted by score and adding scores;
//     answer the box with the largest accumulated score), against NMS, whose
//     top box is the single best window.
// Numbers: agreement, speedup, localization accuracy and mean IoU per method
// and per scale set; regression (one pass) vs sliding window on the
// localization test set, accuracy and time per image (measured, noisy).
// Figures: score maps per scale, window boxes before and after merging.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum SlidingWindow: Experiment {
  public static let id = "sliding-window"
  public static let title = "Sliding windows, fully convolutional (OverFeat)"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/SlidingWindow"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    public var largeScenes: Int
    /// Image scales of the large scenes (each gives a side of 48 + 8k px).
    public var scales: [Double]
    /// Sides the 48 px localization scenes are resized to for the sliding-window comparison.
    public var localizationSides: [Int]
    public var mergeIoU = 0.5
    /// Scenes timed for the speedup (the first ones).
    public var timedScenes: Int
  }

  public static let full = Config(largeScenes: 1_000, scales: [1, 0.75, 0.5], localizationSides: [48, 64, 80], timedScenes: 200)
  public static let quick = Config(largeScenes: 200, scales: [1, 0.75, 0.5], localizationSides: [48, 64, 80], timedScenes: 50)

  static let window = LocalizationNetwork.inputSize
  static let stride = 8

  /// One window's prediction in image coordinates.
  struct WindowPrediction {
    var box: LabeledBox
    var score: Double
    var scale: Double
    var row: Int, column: Int
  }

  /// Every window's class, score and box for one image at one scale, from the fully convolutional outputs.
  static func windows(logits: Tensor, boxes: Tensor, image: Int, scale: Double) -> [WindowPrediction] {
    let (c, n) = (logits.shape[1], logits.shape[2])
    var out: [WindowPrediction] = []
    for row in 0..<n {
      for column in 0..<n {
        let scores = (0..<c).map { Double(logits.scalars[((image * c + $0) * n + row) * n + column]) }
        let top = scores.max()!
        let sum = scores.map { exp($0 - top) }.reduce(0, +)
        let label = scores.firstIndex(of: top)!
        let b = (0..<4).map { Double(boxes.scalars[((image * 4 + $0) * n + row) * n + column]) * Double(window) }
        let (ox, oy) = (Double(column * stride), Double(row * stride))
        let box = LabeledBox(label: label, x1: (ox + b[0]) / scale, y1: (oy + b[1]) / scale, x2: (ox + b[2]) / scale, y2: (oy + b[3]) / scale)
        out.append(WindowPrediction(box: box, score: 1 / sum, scale: scale, row: row, column: column))
      }
    }
    return out
  }

  /// Greedy merging: within each class, merge the most overlapping pair (IoU >= threshold)
  /// into its score-weighted mean box with the summed score, until no pair overlaps enough.
  static func greedyMerge(_ predictions: [WindowPrediction], iouThreshold: Double) -> [(box: LabeledBox, score: Double)] {
    var merged: [(box: LabeledBox, score: Double)] = []
    for label in Set(predictions.map(\.box.label)).sorted() {
      var items = predictions.filter { $0.box.label == label }.map { (box: $0.box, score: $0.score) }
      while items.count > 1 {
        var best = (i: -1, j: -1, iou: iouThreshold)
        for i in items.indices {
          for j in items.indices where j > i {
            let iou = items[i].box.box.intersectionOverUnion(with: items[j].box.box)
            if iou >= best.iou { best = (i, j, iou) }
          }
        }
        guard best.i >= 0 else { break }
        let (a, b) = (items[best.i], items[best.j])
        let w = a.score / (a.score + b.score)
        let box = LabeledBox(
          label: label, x1: w * a.box.box.x1 + (1 - w) * b.box.box.x1, y1: w * a.box.box.y1 + (1 - w) * b.box.box.y1,
          x2: w * a.box.box.x2 + (1 - w) * b.box.box.x2, y2: w * a.box.box.y2 + (1 - w) * b.box.box.y2)
        items.remove(at: best.j)
        items[best.i] = (box, a.score + b.score)
      }
      merged += items
    }
    return merged
  }

  /// The answer of each method for one image: best single window (NMS's top box) and greedy merging.
  static func answers(_ predictions: [WindowPrediction], mergeIoU: Double) -> (best: LabeledBox, merged: LabeledBox) {
    let best = predictions.max { $0.score < $1.score }!.box
    let merged = greedyMerge(predictions, iouThreshold: mergeIoU).max { $0.score < $1.score }!.box
    return (best, merged)
  }

  /// All windows of every image of `images` resized to each side.
  static func multiScaleWindows(_ net: FullyConvolutionalLocalizer, _ images: Tensor, sides: [Int], batch: Int = 64) -> [[WindowPrediction]] {
    let n = images.shape[0]
    let original = Double(images.shape[2])
    var out = [[WindowPrediction]](repeating: [], count: n)
    for side in sides {
      for start in Swift.stride(from: 0, to: n, by: batch) {
        let slice = images.slice(start..<min(start + batch, n))
        let resized = side == images.shape[2] ? slice : slice.resizedBilinear(height: side, width: side)
        let (logits, boxes) = net.forward(resized)
        for i in 0..<slice.shape[0] { out[start + i] += windows(logits: logits, boxes: boxes, image: i, scale: Double(side) / original) }
      }
    }
    return out
  }

  /// The windows of one (1, 3, S, S) image cut out as a batch (row by row).
  static func crops(_ image: Tensor) -> Tensor {
    let s = image.shape[2]
    let n = (s - window) / stride + 1
    let plane = window * window
    var out = [Float](repeating: 0, count: n * n * 3 * plane)
    for row in 0..<n {
      for column in 0..<n {
        let base = (row * n + column) * 3 * plane
        for c in 0..<3 {
          for y in 0..<window {
            let src = (c * s + row * stride + y) * s + column * stride
            for x in 0..<window { out[base + c * plane + y * window + x] = image.scalars[src + x] }
          }
        }
      }
    }
    return Tensor(shape: [n * n, 3, window, window], scalars: out)
  }

  static func score(_ answers: [LabeledBox], _ truth: [[LabeledBox]]) -> (accuracy: Double, meanIoU: Double) {
    let scores = LocalizationScores.of(answers.map { [$0] }, truth).scores
    return (scores.localizationAccuracy, scores.meanIoU)
  }

  static func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the trained net, the large scenes, the localization test scenes.
    // The fine-tuned after-FC, class-agnostic localizer of localization-regression.
    let sceneConfig = SceneNetworkConfig.of(context.profile)
    let net = try context.timed("load network") { try context.model(SceneLocalizer(SceneLocalizer.variants[0], config: sceneConfig)).network }
    let testItems = try context.fashionMNIST(.test)
    let large = SceneSets.scenes("large", .test, count: config.largeScenes, source: testItems, runSeed: context.seed)
    let small = SceneSets.scenes("localization", .test, count: sceneConfig.testScenes, source: testItems, runSeed: context.seed)
    let fcn = FullyConvolutionalLocalizer(net)
    let sides = config.scales.map { Int((Double(large.spec.size) * $0).rounded()) }
    for side in sides { precondition((side - window) % stride == 0, "sliding-window: side \(side) is not 48 + 8k") }

    // 2a. FC-to-conv equals crop-by-crop, on every window of every scale of the timed scenes.
    var maxLogitDifference: Float = 0, maxBoxDifference: Float = 0
    var fcnSeconds = 0.0, cropSeconds = 0.0
    let largest = sides.max()!
    for i in 0..<min(config.timedScenes, large.count) {
      for side in sides {
        let original = large.images.slice(i..<(i + 1))
        let image = side == large.spec.size ? original : original.resizedBilinear(height: side, width: side)
        var dense: (logits: Tensor, boxes: Tensor)!
        var cropped: (logits: Tensor, boxes: Tensor)!
        let tDense = seconds { dense = fcn.forward(image) }
        let tCrop = seconds { cropped = net.predict(crops(image)) }
        if side == largest { fcnSeconds += tDense; cropSeconds += tCrop }
        // Dense maps are (1, C, n, n); crops are (n*n, C), row by row.
        let n = dense.logits.shape[2]
        for w in 0..<(n * n) {
          for c in 0..<10 { maxLogitDifference = max(maxLogitDifference, abs(dense.logits.scalars[c * n * n + w] - cropped.logits.scalars[w * 10 + c])) }
          for c in 0..<4 { maxBoxDifference = max(maxBoxDifference, abs(dense.boxes.scalars[c * n * n + w] - cropped.boxes.scalars[w * 4 + c])) }
        }
      }
    }
    context.record("agreement.maxLogitDifference", Double(maxLogitDifference), format: ".1e")
    context.record("agreement.maxBoxDifference", Double(maxBoxDifference), format: ".1e")
    context.record("agreement.scenes", min(config.timedScenes, large.count))
    context.record("largestSide", largest, unit: "px")
    context.record("windowsAtLargest", ((largest - window) / stride + 1) * ((largest - window) / stride + 1))
    context.measure("time.fcnPerImage", fcnSeconds / Double(config.timedScenes) * 1000, unit: "ms", format: ".2f")
    context.measure("time.cropsPerImage", cropSeconds / Double(config.timedScenes) * 1000, unit: "ms", format: ".2f")
    context.measure("speedup", cropSeconds / fcnSeconds, unit: "x", format: ".1f")

    // 2b. Localize the large scenes: one scale vs all, best window vs merging.
    let allWindows = context.timed("large scenes") { multiScaleWindows(fcn, large.images, sides: sides) }
    var rows: [[JSONValue]] = []
    for (name, label, use) in [("scale1", "scale 1 only (96 px)", [sides[0]]), ("allScales", "scales 1, 0.75, 0.5", sides)] {
      let chosen = allWindows.map { $0.filter { use.contains(Int((Double(large.spec.size) * $0.scale).rounded())) } }
      let results = chosen.map { answers($0, mergeIoU: config.mergeIoU) }
      let best = score(results.map(\.best), large.objects), merged = score(results.map(\.merged), large.objects)
      context.record("large.\(name).best.accuracy", best.accuracy, format: ".1%")
      context.record("large.\(name).best.meanIoU", best.meanIoU, format: ".3f")
      context.record("large.\(name).merged.accuracy", merged.accuracy, format: ".1%")
      context.record("large.\(name).merged.meanIoU", merged.meanIoU, format: ".3f")
      rows.append([.string(label), .string("best window (= top box after NMS)"), .number(best.accuracy), .number(best.meanIoU)])
      rows.append([.string(label), .string("greedy merging"), .number(merged.accuracy), .number(merged.meanIoU)])
    }
    context.table(
      "large", caption: "Localizing the one object of each large scene (96 px) with the 48 px net.",
      columns: ["scales", "combining", "localization accuracy", "mean IoU"], formats: ["", "", ".1%", ".3f"], rows: rows)
    let boxesBefore = allWindows.map(\.count).reduce(0, +) / max(allWindows.count, 1)
    context.record("large.windowsPerImage", boxesBefore)
    context.record("large.scenes", large.count)

    // 2c. Regression (one pass) vs sliding window on the localization test set.
    var regression: [LabeledBox] = [], sliding: [LabeledBox] = []
    let tRegression = seconds {
      let (logits, boxes) = net.predict(small.images)
      regression = net.decode(logits: logits, boxes: boxes).map { $0[0] }
    }
    let tSliding = seconds {
      sliding = multiScaleWindows(fcn, small.images, sides: config.localizationSides).map { answers($0, mergeIoU: config.mergeIoU).merged }
    }
    let r = score(regression, small.objects), s = score(sliding, small.objects)
    context.record("compare.regression.accuracy", r.accuracy, format: ".1%")
    context.record("compare.regression.meanIoU", r.meanIoU, format: ".3f")
    context.record("compare.sliding.accuracy", s.accuracy, format: ".1%")
    context.record("compare.sliding.meanIoU", s.meanIoU, format: ".3f")
    context.record("compare.windows", config.localizationSides.map { let k = ($0 - window) / stride + 1; return k * k }.reduce(0, +))
    context.record("compare.scenes", small.count)
    context.measure("compare.regression.msPerImage", tRegression / Double(small.count) * 1000, unit: "ms", format: ".3f")
    context.measure("compare.sliding.msPerImage", tSliding / Double(small.count) * 1000, unit: "ms", format: ".3f")
    context.measure("compare.slowdown", tSliding / tRegression, unit: "x", format: ".1f")

    // 3. Figures.
    // The first scene with a large object that merging localizes with the right class.
    let example = (0..<large.count).first { i in
      let merged = answers(allWindows[i], mergeIoU: config.mergeIoU).merged, truth = large.objects[i][0]
      return merged.label == truth.label && merged.box.intersectionOverUnion(with: truth.box) >= 0.5 && truth.box.width() > 40
    } ?? 0
    try context.figure("score-maps", caption: "One large scene: the class score of every window at each scale (brighter is more confident) and the image with the true box.",
      scoreMapsFigure(large, example, windows: allWindows[example], sides: sides))
    try context.figure("merging", caption: "The same scene: every window's box (thin, opacity by score), the best single window, and the merged box.",
      mergingFigure(large, example, windows: allWindows[example], mergeIoU: config.mergeIoU))
  }
}

