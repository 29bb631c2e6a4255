// Occlusion experiments (Zeiler & Fergus, "Visualizing and Understanding
// Convolutional Networks", ECCV 2014, section 4.2). Chapter: chapters/18-occlusion.md.
//
// Inputs: the scene classifier of `localization-regression` (step 1, from
// the model cache) and the localization test scenes (48 px, one object with
// its box).
// Algorithm: slide a grey square (value 0.5, the data's mid-grey) over the
// image with a fixed stride; for every position, the probability of the
// true class; draw it as a map over the square's centre. Then compare what
// occluding does where the square covers mostly object (at least half of the
// square inside the box) and where it covers none of it.
// Numbers: mean probability drop on the object vs on the background, over
// the scenes the net classifies correctly; the share of scenes where the
// most damaging position lies on the object.
// Figures: scenes beside their occlusion maps.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum Occlusion: Experiment {
  public static let id = "occlusion"
  public static let title = "Occlusion: which pixels does the net need?"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/Occlusion"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    public var scenes: Int
    public var square = 12
    public var stride = 4
    public var fill: Float = 0.5
  }

  public static let full = Config(scenes: 300)
  public static let quick = Config(scenes: 60)

  /// The probability map of an occlusion sweep: `score` gets a batch of
  /// occluded copies of `image` (1, C, H, W) and returns one number per copy;
  /// the result is (positions x positions), row-major, square top-left at
  /// (row * stride, column * stride).
  // snippet.sweep
  static func sweep(_ image: Tensor, square: Int, stride: Int, fill: Float, score: (Tensor) -> [Float]) -> (map: [Float], positions: Int) {
    let (c, h, w) = (image.shape[1], image.shape[2], image.shape[3])
    precondition(h == w && square <= h, "occlusion: square \(square) on a \(h)x\(w) image")
    let n = (h - square) / stride + 1
    var batch = [Float]()
    batch.reserveCapacity(n * n * image.count)
    for row in 0..<n {
      for column in 0..<n {
        var copy = image.scalars
        for ch in 0..<c {
          for y in (row * stride)..<(row * stride + square) {
            for x in (column * stride)..<(column * stride + square) { copy[(ch * h + y) * w + x] = fill }
          }
        }
        batch += copy
      }
    }
    return (score(Tensor(shape: [n * n, c, h, w], scalars: batch)), n)
  }
  // snippet.end

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let (classifier, scenes) = try SceneClassifier.withTestScenes(count: config.scenes, context: context)

    // 2. Sweep every scene.
    func probabilities(_ batch: Tensor, label: Int) -> [Float] {
      let p = softmax(classifier.forward(LocalizationNetwork.normalized(batch), mode: .test))
      return (0..<batch.shape[0]).map { p.scalars[$0 * 10 + label] }
    }
    var maps: [(index: Int, map: [Float], clean: Float)] = []
    var objectDrops: [Double] = [], backgroundDrops: [Double] = []
    var worstOnObject = 0
    var positions = 0
    context.timed("sweep") {
      for i in 0..<scenes.count {
        let image = scenes.images.slice(i..<(i + 1))
        let truth = scenes.objects[i][0]
        let clean = probabilities(image, label: truth.label)[0]
        let clean10 = softmax(classifier.forward(LocalizationNetwork.normalized(image), mode: .test)).argmaxRows()[0]
        guard clean10 == truth.label else { continue }  // only scenes the net gets right
        let (map, n) = sweep(image, square: config.square, stride: config.stride, fill: config.fill) { probabilities($0, label: truth.label) }
        positions = n
        maps.append((i, map, clean))
        var worst = (drop: -Double.infinity, onObject: false)
        for row in 0..<n {
          for column in 0..<n {
            let (x0, y0) = (Double(column * config.stride), Double(row * config.stride))
            let s = Double(config.square)
            let overlap = max(0, min(x0 + s, truth.box.x2) - max(x0, truth.box.x1)) * max(0, min(y0 + s, truth.box.y2) - max(y0, truth.box.y1))
            let drop = Double(clean - map[row * n + column])
            if overlap >= 0.5 * s * s { objectDrops.append(drop) } else if overlap == 0 { backgroundDrops.append(drop) }
            if drop > worst.drop { worst = (drop, overlap >= 0.5 * s * s) }
          }
        }
        if worst.onObject { worstOnObject += 1 }
      }
    }

    // 3. Numbers.
    func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
    context.record("scenes", scenes.count)
    context.record("correct", maps.count)
    context.record("square", config.square, unit: "px")
    context.record("stride", config.stride, unit: "px")
    context.record("positions", positions * positions)
    context.record("drop.object", mean(objectDrops), format: ".3f")
    context.record("drop.background", mean(backgroundDrops), format: ".3f")
    context.record("drop.ratio", mean(objectDrops) / max(mean(backgroundDrops), 1e-6), format: ".1f")
    context.record("positions.object", objectDrops.count)
    context.record("positions.background", backgroundDrops.count)
    context.record("worstOnObject", Double(worstOnObject) / Double(max(maps.count, 1)), format: ".1%")

    // 4. Figures.
    try context.figure(
      "maps", caption: "Scenes (true box in white, p the true class's probability) and, beside each, that probability with a grey square centred at each point (viridis: 0 dark blue, 1 yellow).",
      mapsFigure(scenes, Array(maps.prefix(6)), positions: positions, config: config))
  }
}
