// The detection data: FashionScenes and stick figures, as the lecture-8
// chapters use them. Chapter: chapters/02-fashion-scenes.md.
//
// Inputs: Fashion-MNIST items (train items for training scenes, test items
// for test scenes); the scene sets of SceneSets, seeded from the run's seed.
// Algorithm: FashionScenes.generate / StickFigures.generate (Datasets).
// Numbers: per set, objects per scene, box sides and areas, class shares,
// the largest overlap between two objects of a scene, box tightness.
// Figures: samples of each set with their boxes, box-size histograms, stick
// figures with their joints.
import Datasets
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

public enum FashionScenesData: Experiment {
  public static let id = "fashion-scenes"
  public static let title = "FashionScenes: generated data for localization and detection"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/FashionScenes"
  public static let uses = ["Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Scenes per set generated for the statistics.
    public var scenesPerSet: Int
    public var stickFigures: Int
  }

  public static let full = Config(scenesPerSet: 4000, stickFigures: 2000)
  public static let quick = Config(scenesPerSet: 600, stickFigures: 300)

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let items = try context.fashionMNIST(.test)

    // 2. Generate every set (test split: the same scenes the chapters test on).
    var sets: [(name: String, scenes: FashionScenes)] = []
    for (name, _) in SceneSets.named {
      let scenes = context.timed("generate \(name)") {
        SceneSets.scenes(name, .test, count: config.scenesPerSet, source: items, runSeed: context.seed)
      }
      sets.append((name, scenes))
    }
    let figures = context.timed("generate stick figures") { SceneSets.figures(.test, count: config.stickFigures, runSeed: context.seed) }

    // 3. Numbers.
    var rows: [[JSONValue]] = []
    for (name, scenes) in sets {
      let boxes = scenes.objects.flatMap { $0 }
      let sides = boxes.map { ($0.box.width() * $0.box.height()).squareRoot() }
      let canvasArea = Double(scenes.spec.size * scenes.spec.size)
      let perScene = scenes.objects.map(\.count)
      var maxOverlap = 0.0
      for objects in scenes.objects {
        for i in objects.indices { for j in objects.indices where j > i { maxOverlap = max(maxOverlap, objects[i].box.intersectionOverUnion(with: objects[j].box)) } }
      }
      let inside = boxes.allSatisfy { $0.box.x1 >= 0 && $0.box.y1 >= 0 && $0.box.x2 <= Double(scenes.spec.size) && $0.box.y2 <= Double(scenes.spec.size) }
      var classCounts = [Int](repeating: 0, count: 10)
      for b in boxes { classCounts[b.label] += 1 }
      let shares = classCounts.map { Double($0) / Double(max(boxes.count, 1)) }
      context.record("\(name).scenes", scenes.count)
      context.record("\(name).size", scenes.spec.size, unit: "px")
      context.record("\(name).objects", boxes.count)
      context.record("\(name).minObjectsPerScene", perScene.min() ?? 0)
      context.record("\(name).maxObjectsPerScene", perScene.max() ?? 0)
      context.record("\(name).meanObjectsPerScene", Double(boxes.count) / Double(scenes.count), format: ".2f")
      context.record("\(name).boxSide.mean", mean(sides), unit: "px", format: ".1f")
      context.record("\(name).boxSide.min", sides.min() ?? 0, unit: "px", format: ".1f")
      context.record("\(name).boxSide.max", sides.max() ?? 0, unit: "px", format: ".1f")
      context.record("\(name).boxAreaShare.mean", mean(boxes.map { $0.box.width() * $0.box.height() / canvasArea }), format: ".1%")
      context.record("\(name).maxOverlap", maxOverlap, format: ".3f")
      context.record("\(name).boxesInside", inside ? 1 : 0)
      context.record("\(name).classShare.min", shares.min() ?? 0, format: ".1%")
      context.record("\(name).classShare.max", shares.max() ?? 0, format: ".1%")
      context.record("\(name).boxTightness", boxTightness(scenes), format: ".4f")
      rows.append([
        .string(name), .number(Double(scenes.spec.size)), .string("\(scenes.spec.objects.lowerBound)–\(scenes.spec.objects.upperBound)"),
        .string("\(scenes.spec.objectSize.lowerBound)–\(scenes.spec.objectSize.upperBound)"), .number(Double(boxes.count) / Double(scenes.count)),
        .number(mean(sides)), .number(mean(boxes.map { $0.box.width() * $0.box.height() / canvasArea })),
      ])
    }
    context.table(
      "sets", caption: "The scene sets (test split) and their boxes.",
      columns: ["set", "canvas (px)", "objects per scene", "item side (px)", "mean objects", "mean box side (px)", "mean box area share"],
      formats: ["", "d", "", "", ".2f", ".1f", ".1%"], rows: rows)
    let spans = figures.joints.map { joints in
      (joints.map(\.x).max()! - joints.map(\.x).min()!, joints.map(\.y).max()! - joints.map(\.y).min()!)
    }
    context.record("stick.figures", figures.count)
    context.record("stick.joints", StickFigures.jointNames.count)
    context.record("stick.height.mean", mean(spans.map(\.1)), unit: "px", format: ".1f")
    context.record("stick.width.mean", mean(spans.map(\.0)), unit: "px", format: ".1f")
    context.record(
      "stick.jointsInside",
      figures.joints.allSatisfy { $0.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x <= Double(SceneSets.poseSize) && $0.y <= Double(SceneSets.poseSize) } } ? 1 : 0)

    // 4. Figures.
    try context.figure("samples", caption: "Test scenes of each set with their tight boxes and classes.", samplesFigure(sets))
    try context.figure("box-sizes", caption: "Box side (square root of the box area) in each set.", boxSizeFigure(sets))
    try context.figure("stick-figures", caption: "Stick figures with their 14 joints (right limbs warm, left limbs cool).", stickFiguresFigure(figures))
  }

  /// The share of object pixels (mask above the coverage threshold) that lie inside their scene's boxes: 1 for tight boxes.
  static func boxTightness(_ scenes: FashionScenes) -> Double {
    var inside = 0, total = 0
    let s = scenes.spec.size
    for (mask, boxes) in zip(scenes.masks, scenes.objects) {
      for y in 0..<s {
        for x in 0..<s where mask[y * s + x] > FashionScenes.coverageThreshold {
          total += 1
          if boxes.contains(where: { Double(x) >= $0.box.x1 && Double(x) < $0.box.x2 && Double(y) >= $0.box.y1 && Double(y) < $0.box.y2 }) { inside += 1 }
        }
      }
    }
    return Double(inside) / Double(max(total, 1))
  }

  static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
