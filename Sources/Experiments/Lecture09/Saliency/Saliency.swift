// Saliency maps: backpropagating a class score to the pixels (Simonyan,
// Vedaldi & Zisserman, "Deep Inside Convolutional Networks", ICLR 2014
// workshop), with the deconvnet (Zeiler & Fergus, ECCV 2014) and guided
// backprop (Springenberg et al., ICLR 2015 workshop) rules for ReLU; and
// segmentation from a saliency map with a graph cut. Chapter: chapters/19-saliency.md.
//
// Inputs: the scene classifier of `localization-regression` (from the model
// cache) and the localization test scenes (one object, its box and its mask).
// Algorithm: forward a batch in test mode, seed the true class's score (not
// its softmax) with 1, replay backward under each BackwardRule; the map is
// max over channels of |dscore/dpixel| (Simonyan's). Segmentation:
// GraphCutSegmentation seeded by the plain-gradient map, against Otsu's
// threshold of the same map, and against the same graph cut seeded by a
// centre prior (a Gaussian bump at the image centre, no net: only its ranks
// seed the cut, so its width does not matter), which says how much of the
// segmentation the colours do on their own; all scored by IoU with the mask.
// Numbers: the lecture's 3x3 ReLU example through the real layer; per rule,
// the share of saliency inside the object's box (vs the box's share of the
// image) and the share held by the top 5% of pixels (sparsity); mean IoU of
// the three segmentations, on all scenes and on the half whose object lies
// farthest from the centre; the share of each seed map's foreground seeds
// (its top 5%) that fall on the object.
// Figures: the ReLU example, maps side by side, segmentations.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum Saliency: Experiment {
  public static let id = "saliency"
  public static let title = "Saliency: backprop to the image, deconvnet, guided backprop, graph cuts"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/Saliency"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    public var scenes: Int
    /// Scenes segmented (the first ones; a graph cut per scene).
    public var segmented: Int
  }

  public static let full = Config(scenes: 1_000, segmented: 300)
  public static let quick = Config(scenes: 200, segmented: 60)

  static let rules: [(key: String, label: String, rule: BackwardRule)] = [
    ("gradient", "gradient (backprop)", .gradient), ("deconvnet", "deconvnet", .deconvnet), ("guided", "guided backprop", .guided),
  ]

  /// The lecture's example: a 3x3 input and upstream gradient through one ReLU.
  static let exampleInput: [Float] = [1, -1, 5, 2, -5, -7, -3, 2, 4]
  static let exampleUpstream: [Float] = [-2, 3, -1, 6, -3, 1, 2, -1, 3]

  /// Saliency maps (N, H*W) of `images` for the score of each image's `labels` under `rule`.
  static func maps(_ net: Sequential, _ images: Tensor, labels: [Int], rule: BackwardRule) -> [[Float]] {
    var trace = Trace()
    let scores = net.forward(LocalizationNetwork.normalized(images), mode: .test, trace: &trace)
    var seed = Tensor(zeros: scores.shape)
    for (i, label) in labels.enumerated() { seed.scalars[i * scores.shape[1] + label] = 1 }
    let g = trace.backward(seeds: [net.outputName: seed], rule: rule)
    let (n, c, h, w) = (g.shape[0], g.shape[1], g.shape[2], g.shape[3])
    return (0..<n).map { i in
      (0..<(h * w)).map { p in (0..<c).map { abs(g.scalars[(i * c + $0) * h * w + p]) }.max()! }
    }
  }

  /// The share of the map's total inside the box.
  static func shareInside(_ map: [Float], box: Box, side: Int) -> Double {
    var inside = 0.0, total = 0.0
    for y in 0..<side {
      for x in 0..<side {
        let v = Double(map[y * side + x])
        total += v
        if Double(x) >= box.x1 && Double(x) < box.x2 && Double(y) >= box.y1 && Double(y) < box.y2 { inside += v }
      }
    }
    return total > 0 ? inside / total : 0
  }

  /// The share of the map's total held by its largest 5% of pixels.
  static func topShare(_ map: [Float], fraction: Double = 0.05) -> Double {
    let sorted = map.sorted(by: >)
    let total = sorted.reduce(0, +)
    return total > 0 ? Double(sorted.prefix(max(1, Int(Double(map.count) * fraction))).reduce(0, +) / total) : 0
  }

  static func iou(_ a: [Bool], _ b: [Bool]) -> Double {
    let inter = zip(a, b).filter { $0 && $1 }.count, union = zip(a, b).filter { $0 || $1 }.count
    return union > 0 ? Double(inter) / Double(union) : 1
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. The lecture's ReLU example, through the real layer.
    let relu = ReLU(name: "relu")
    let (forward, cache) = relu.forward(Tensor(shape: [1, 1, 3, 3], scalars: exampleInput), mode: .test)
    let upstream = Tensor(shape: [1, 1, 3, 3], scalars: exampleUpstream)
    var example: [(String, [Float])] = [("input x", exampleInput), ("forward: max(x, 0)", forward.scalars), ("upstream gradient", exampleUpstream)]
    for r in rules {
      let back = relu.backward(upstream, cache: cache, rule: r.rule).scalars
      example.append(("backward: \(r.label)", back))
      context.record("example.\(r.key).sum", Double(back.reduce(0, +)), format: ".0f")
      context.record("example.\(r.key).nonzero", back.filter { $0 != 0 }.count)
    }
    context.record("example.forward.sum", Double(forward.scalars.reduce(0, +)), format: ".0f")

    // 2. Inputs: the scene classifier and test scenes.
    let (classifier, scenes) = try SceneClassifier.withTestScenes(count: config.scenes, context: context)
    let side = scenes.spec.size
    let labels = scenes.objects.map { $0[0].label }

    // 3. Maps under each rule, in batches.
    var all: [String: [[Float]]] = [:]
    context.timed("saliency") {
      for r in rules {
        var maps: [[Float]] = []
        for start in Swift.stride(from: 0, to: scenes.count, by: 128) {
          let range = start..<min(start + 128, scenes.count)
          maps += Self.maps(classifier, scenes.images.slice(range), labels: Array(labels[range]), rule: r.rule)
        }
        all[r.key] = maps
      }
    }
    let boxShare = scenes.objects.map { $0[0].box.width() * $0[0].box.height() / Double(side * side) }.reduce(0, +) / Double(scenes.count)
    context.record("scenes", scenes.count)
    context.record("boxShare", boxShare, format: ".1%")
    var rows: [[JSONValue]] = []
    for r in rules {
      let maps = all[r.key]!
      let inside = zip(maps, scenes.objects).map { shareInside($0, box: $1[0].box, side: side) }.reduce(0, +) / Double(scenes.count)
      let top = maps.map { topShare($0) }.reduce(0, +) / Double(scenes.count)
      context.record("\(r.key).shareInBox", inside, format: ".1%")
      context.record("\(r.key).topShare", top, format: ".1%")
      rows.append([.string(r.label), .number(inside), .number(top)])
    }
    context.table(
      "rules", caption: "Saliency per backward rule, averaged over the test scenes.",
      columns: ["rule", "share of saliency inside the object's box", "share held by the top 5% of pixels"], formats: ["", ".1%", ".1%"],
      rows: rows)

    // 4. Segmentation from the plain-gradient map.
    let cut = GraphCutSegmentation()
    var cutIoU: [Double] = [], otsuIoU: [Double] = [], centreIoU: [Double] = []
    var cutSeeds: [Double] = [], centreSeeds: [Double] = [], offCentre: [Double] = []
    let prior = centrePrior(side: side)
    var examples: [(index: Int, cut: [Bool], otsu: [Bool], truth: [Bool])] = []
    context.timed("segmentation") {
      for i in 0..<min(config.segmented, scenes.count) {
        let rgb = Array(scenes.images.scalars[(i * 3 * side * side)..<((i + 1) * 3 * side * side)])
        let map = blurred(all["gradient"]![i], side: side)
        let truth = scenes.masks[i].map { $0 > FashionScenes.coverageThreshold }
        let byCut = cut.segment(rgb: rgb, width: side, height: side, saliency: map)
        let byOtsu = GraphCutSegmentation.otsuMask(map)
        let byCentre = cut.segment(rgb: rgb, width: side, height: side, saliency: prior)
        cutIoU.append(iou(byCut, truth))
        otsuIoU.append(iou(byOtsu, truth))
        centreIoU.append(iou(byCentre, truth))
        cutSeeds.append(seedPrecision(map, truth, share: cut.foregroundSeedShare))
        centreSeeds.append(seedPrecision(prior, truth, share: cut.foregroundSeedShare))
        let b = scenes.objects[i][0].box
        offCentre.append(hypot((b.x1 + b.x2) / 2 - Double(side) / 2, (b.y1 + b.y2) / 2 - Double(side) / 2))
        if examples.count < 6 { examples.append((i, byCut, byOtsu, truth)) }
      }
    }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }
    let (meanCut, meanOtsu) = (mean(cutIoU), mean(otsuIoU))
    context.record("segmentation.scenes", cutIoU.count)
    context.record("segmentation.graphCut.meanIoU", meanCut, format: ".3f")
    context.record("segmentation.otsu.meanIoU", meanOtsu, format: ".3f")
    context.record("segmentation.centrePrior.meanIoU", mean(centreIoU), format: ".3f")
    context.record("segmentation.graphCutWins", Double(zip(cutIoU, otsuIoU).filter { $0 > $1 }.count) / Double(max(cutIoU.count, 1)), format: ".1%")
    // The half of the scenes whose object lies farthest from the centre, where a centre prior should fail.
    let far = cutIoU.indices.sorted { (offCentre[$0], $0) > (offCentre[$1], $1) }.prefix(cutIoU.count / 2)
    context.record("segmentation.offCentre.graphCut.meanIoU", mean(far.map { cutIoU[$0] }), format: ".3f")
    context.record("segmentation.offCentre.centrePrior.meanIoU", mean(far.map { centreIoU[$0] }), format: ".3f")
    context.record("segmentation.graphCut.seedPrecision", mean(cutSeeds), format: ".1%")
    context.record("segmentation.centrePrior.seedPrecision", mean(centreSeeds), format: ".1%")
    context.record("segmentation.saliencyOverCentreWins", Double(zip(cutIoU, centreIoU).filter { $0 > $1 }.count) / Double(max(cutIoU.count, 1)), format: ".1%")

    // 5. Figures.
    try context.figure("relu-example", caption: "The lecture's ReLU example: one input, one upstream gradient, three backward rules.", exampleFigure(example))
    try context.figure("maps", caption: "Test scenes and the saliency of their true class under each backward rule (max over channels of the absolute value).",
      mapsFigure(scenes, all, count: 5))
    try context.figure("segmentation", caption: "Segmentation from the gradient map: Otsu's threshold of the map, the graph cut, and the true mask.",
      segmentationFigure(scenes, examples, gradient: all["gradient"]!))
  }

  /// The share of the map's top `share` pixels (the graph cut's foreground seeds) on the object.
  static func seedPrecision(_ map: [Float], _ truth: [Bool], share: Double) -> Double {
    let order = map.indices.sorted { (map[$0], $0) > (map[$1], $1) }
    let seeds = order.prefix(max(1, Int(Double(map.count) * share)))
    return Double(seeds.filter { truth[$0] }.count) / Double(seeds.count)
  }

  /// The centre prior: exp(-r² / 2σ²) around the image centre, σ = side / 4.
  /// A map with no knowledge of the image, to seed the same graph cut.
  static func centrePrior(side: Int) -> [Float] {
    let c = Double(side - 1) / 2, sigma = Double(side) / 4
    return (0..<(side * side)).map { p in
      let (dx, dy) = (Double(p % side) - c, Double(p / side) - c)
      return Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
    }
  }

  /// A 3x3 box blur (edges averaged over the pixels that exist), to turn a
  /// speckled gradient map into regions before thresholding or seeding.
  static func blurred(_ map: [Float], side: Int) -> [Float] {
    var out = [Float](repeating: 0, count: map.count)
    for y in 0..<side {
      for x in 0..<side {
        var sum: Float = 0, count: Float = 0
        for dy in -1...1 {
          for dx in -1...1 where (0..<side).contains(y + dy) && (0..<side).contains(x + dx) {
            sum += map[(y + dy) * side + x + dx]
            count += 1
          }
        }
        out[y * side + x] = sum / count
      }
    }
    return out
  }
}
