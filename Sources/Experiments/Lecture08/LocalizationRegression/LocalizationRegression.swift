// Localization as regression (CS231n lecture 8): a classification head and a
// box-regression head on one ConvNet. Chapter: chapters/03-localization-regression.md.
//
// Inputs: the `localization` (one object) and `pairs` (two objects) scene
// sets of SceneSets, 48 x 48 RGB.
// Algorithm (the lecture's recipe, LocalizationNetwork for the net):
//   1. train the classification net (trunk + classifier) with softmax loss;
//   2. attach a regression head and train it alone on the frozen features
//      (features computed once), L2 loss on the box corners;
//   3. fine-tune everything on class loss + weight * box loss;
//   4. at test time, read both heads: the class, and the box (for a
//      class-specific head, the predicted class's box).
// Variants side by side: head after the conv layers vs after the last hidden
// FC layer; class-agnostic (4 numbers) vs class-specific (C x 4); and K x 4
// for exactly K = 2 objects (slots ordered left to right by box centre).
// Numbers: classification accuracy, mean IoU, localization accuracy (right
// class and IoU >= 0.5) for every variant after step 2 and after step 3.
// Figures: training curves, predicted vs true boxes on test scenes, the IoU
// distribution of each variant.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum LocalizationRegression: Experiment {
  public static let id = "localization-regression"
  public static let title = "Localization as regression"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = [FashionScenesData.self]
  public static let folder = "Lecture08/LocalizationRegression"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// How the scene networks are trained (the profile's SceneNetworkConfig,
    /// which sliding-window, occlusion and saliency load too).
    public var scenes: SceneNetworkConfig
    /// Localization accuracy the best one-object variant must reach.
    public var localizationBar: Double
  }

  public static let full = Config(scenes: .full, localizationBar: 0.6)
  public static let large = Config(scenes: .large, localizationBar: 0.6)
  public static let quick = Config(scenes: .quick, localizationBar: 0.3)

  // MARK: - Run

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the scenes and the trained nets (Models/SceneNetwork: step 1,
    // then each head after steps 2 and 3, and the K x 4 net), from the model cache.
    let sceneConfig = config.scenes
    let data = try context.timed("generate scenes") { try SceneTrainingData.load(sceneConfig, context: context) }
    let testItems = try context.fashionMNIST(.test)
    let pairTest = SceneSets.scenes("pairs", .test, count: sceneConfig.testScenes, source: testItems, runSeed: context.seed)
    let backbone = try context.model(SceneClassifier(config: sceneConfig))
    let localizers = try SceneLocalizer.variants.map { try context.model(SceneLocalizer($0, config: sceneConfig)) }
    let pairs = try context.model(PairLocalizer(config: sceneConfig)).network

    // 2. Both heads at test time on the test scenes.
    let backboneScores = backbone.network.evaluate(data.test, objects: data.test.objects).scores
    var results: [(variant: SceneLocalizer.Variant, frozen: LocalizationScores, tuned: LocalizationScores, predicted: [[LabeledBox]], ious: [Double], history: SceneTrainingHistory)] = []
    for (v, trained) in zip(SceneLocalizer.variants, localizers) {
      let (scores, predicted, ious) = trained.network.evaluate(data.test, objects: data.test.objects)
      results.append((v, trained.history.frozen!, scores, predicted, ious, trained.history))
    }
    // K x 4: two objects, slots left to right.
    let pairTruth = PairLocalizer.leftToRight(pairTest.objects)
    let (pairScores, pairPredicted, _) = pairs.evaluate(pairTest, objects: pairTruth)

    // 3. Numbers.
    context.record("trainScenes", sceneConfig.trainScenes)
    context.record("testScenes", sceneConfig.testScenes)
    context.record("parameters", backbone.network.trunk.parameterCount + backbone.network.classifier.parameterCount)
    context.record("backbone.classAccuracy", backboneScores.classAccuracy, format: ".1%")
    context.record("localizationBar", config.localizationBar, format: ".0%")
    context.record("boxWeight", Double(sceneConfig.boxWeight), format: ".0f")
    var rows: [[JSONValue]] = []
    for r in results {
      for (stage, s) in [("frozen", r.frozen), ("finetuned", r.tuned)] {
        context.record("\(r.variant.key).\(stage).classAccuracy", s.classAccuracy, format: ".1%")
        context.record("\(r.variant.key).\(stage).meanIoU", s.meanIoU, format: ".3f")
        context.record("\(r.variant.key).\(stage).localizationAccuracy", s.localizationAccuracy, format: ".1%")
        rows.append([
          .string(r.variant.label), .string(stage == "frozen" ? "head only (frozen features)" : "fine-tuned"),
          .number(s.classAccuracy), .number(s.meanIoU), .number(s.localizationAccuracy),
        ])
      }
    }
    context.record("pairs.classAccuracy", pairScores.classAccuracy, format: ".1%")
    context.record("pairs.meanIoU", pairScores.meanIoU, format: ".3f")
    context.record("pairs.localizationAccuracy", pairScores.localizationAccuracy, format: ".1%")
    rows.append([
      .string("K x 4 (K = 2), after FC"), .string("fine-tuned"), .number(pairScores.classAccuracy), .number(pairScores.meanIoU),
      .number(pairScores.localizationAccuracy),
    ])
    let best = results.max { $0.tuned.localizationAccuracy < $1.tuned.localizationAccuracy }!
    context.record("best.localizationAccuracy", best.tuned.localizationAccuracy, format: ".1%")
    context.record("best.variant", SceneLocalizer.variants.firstIndex { $0.key == best.variant.key }!)
    context.table(
      "variants", caption: "Every head on the same test scenes (one object, except the K x 4 row).",
      columns: ["regression head", "training", "class accuracy", "mean IoU", "localization accuracy"],
      formats: ["", "", ".1%", ".3f", ".1%"], rows: rows)

    // 4. Figures.
    try context.figure(
      "curves", caption: "Step 1 (class loss), step 2 (box loss of the head alone), step 3 (both losses, fine-tuning); after-FC head.",
      curvesFigure(backbone: backbone.history, variant: results[0].history))
    try context.figure("predictions", caption: "Test scenes: true boxes (white) and the fine-tuned after-FC head's boxes with their predicted class (yellow).",
      predictionsFigure(data.test, predicted: results[0].predicted, pairs: pairTest, pairPredicted: pairPredicted))
    try context.figure("iou-distribution", caption: "IoU with the true box over the test scenes, per fine-tuned head.",
      iouFigure(results.map { ($0.variant.label, $0.ious) }))
  }
}
