// DeepPose as regression (Toshev & Szegedy, "DeepPose: Human Pose Estimation
// via Deep Neural Networks", CVPR 2014): a ConvNet regresses the (x, y) of
// every joint from its last hidden FC layer. Chapter: chapters/04-pose-regression.md.
//
// Inputs: generated stick figures (SceneSets.figures: 14 joints in Leeds
// Sports Pose order, 48 x 48 RGB on mild clutter).
// Algorithm (Models/PoseNetwork/PoseRegressor.swift): the scene trunk (valid 3x3 convs with BatchNorm,
// ReLU, 2x2 max-pooling), fc 1024->128, ReLU, fc 128->28; targets are joint
// coordinates divided by the image side; L2 loss (Σ over the 28 numbers,
// mean over images); Adam with cosine decay. DeepPose's cascade of refining
// stages is left out: one stage, as in the lecture's slide.
// Numbers: PCK@0.2 per joint and overall (a joint is right when it lies
// within 0.2 x torso diameter of the truth; torso = neck to mid-hip), mean
// error in pixels, and the same for a baseline that predicts the mean pose.
// Figures: predicted skeletons over test images, PCK per joint, PCK vs
// threshold, training curve.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum PoseRegression: Experiment {
  public static let id = "pose-regression"
  public static let title = "Human pose as regression (DeepPose)"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = [FashionScenesData.self]

  public static let folder = "Lecture08/PoseRegression"
  public static let uses = ["Layers", "Datasets", "Plot", PoseRegressor.folder, SceneClassifier.folder]

  public struct Config: Codable, Sendable {
    /// How the regressor is trained (Models/PoseNetwork).
    public var model: PoseRegressor.Config
    public var testFigures: Int
    /// The PCK@0.2 this profile must reach.
    public var pckBar: Double
  }

  public static let full = Config(model: PoseRegressor.full, testFigures: 1_000, pckBar: 0.75)
  public static let large = Config(model: PoseRegressor.large, testFigures: 1_000, pckBar: 0.75)
  public static let quick = Config(model: PoseRegressor.quick, testFigures: 300, pckBar: 0.3)

  static let joints = PoseRegressor.joints

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the stick figures and the trained regressor (Models/PoseNetwork).
    let model = PoseRegressor(config: config.model)
    let train = context.timed("generate") { model.trainingFigures(context) }
    let test = context.timed("generate") { SceneSets.figures(.test, count: config.testFigures, runSeed: context.seed) }
    let trained = try context.model(model)
    let (net, history) = (trained.network, trained.history)

    // 2. Joints of the test figures.
    let predicted = context.timed("evaluate") { PoseRegressor.decode(PoseRegressor.predict(net, test.images), side: test.size) }

    // Baseline: every test figure gets the mean training pose.
    let meanPose = (0..<joints).map { j in
      (train.joints.map { $0[j].x }.reduce(0, +) / Double(train.count), train.joints.map { $0[j].y }.reduce(0, +) / Double(train.count))
    }
    let baseline = [[(x: Double, y: Double)]](repeating: meanPose.map { (x: $0.0, y: $0.1) }, count: test.count)

    // 3. Numbers.
    let perJoint = StickFigures.pck(predicted: predicted, truth: test.joints, fraction: 0.2)
    let baselinePerJoint = StickFigures.pck(predicted: baseline, truth: test.joints, fraction: 0.2)
    let pck = perJoint.reduce(0, +) / Double(joints)
    context.record("trainFigures", model.config.trainFigures)
    context.record("testFigures", config.testFigures)
    context.record("epochs", model.config.epochs)
    context.record("pck", pck, format: ".1%")
    context.record("pckBar", config.pckBar, format: ".0%")
    context.record("baseline.pck", baselinePerJoint.reduce(0, +) / Double(joints), format: ".1%")
    context.record("meanError", meanError(predicted, test.joints), unit: "px", format: ".2f")
    context.record("baseline.meanError", meanError(baseline, test.joints), unit: "px", format: ".2f")
    context.record("firstLoss", Double(history.losses.prefix(10).reduce(0, +) / Float(min(10, history.losses.count))), format: ".4f")
    context.record("finalLoss", Double(history.losses.suffix(10).reduce(0, +) / Float(min(10, history.losses.count))), format: ".4f")
    let worst = perJoint.indices.min { perJoint[$0] < perJoint[$1] }!
    let best = perJoint.indices.max { perJoint[$0] < perJoint[$1] }!
    context.record("worstJoint.pck", perJoint[worst], format: ".1%")
    context.record("bestJoint.pck", perJoint[best], format: ".1%")
    context.record("worstJoint", worst)
    for (j, name) in StickFigures.jointNames.enumerated() {
      context.record("joint.\(jointKey(name)).pck", perJoint[j], format: ".1%")
    }
    let torsoMean = test.joints.map { t in hypot(t[12].x - (t[2].x + t[3].x) / 2, t[12].y - (t[2].y + t[3].y) / 2) }.reduce(0, +) / Double(test.count)
    context.record("torso.mean", torsoMean, unit: "px", format: ".1f")
    context.table(
      "perJoint", caption: "PCK@0.2 per joint on the test figures: the net, and the mean-pose baseline.",
      columns: ["joint", "PCK@0.2", "mean pose"], formats: ["", ".1%", ".1%"],
      rows: StickFigures.jointNames.indices.map { [.string(StickFigures.jointNames[$0]), .number(perJoint[$0]), .number(baselinePerJoint[$0])] })
    let thresholds = Swift.stride(from: 0.0, through: 0.5, by: 0.025).map { $0 }
    let curve = thresholds.map { f in StickFigures.pck(predicted: predicted, truth: test.joints, fraction: f).reduce(0, +) / Double(joints) }
    let baselineCurve = thresholds.map { f in StickFigures.pck(predicted: baseline, truth: test.joints, fraction: f).reduce(0, +) / Double(joints) }

    // 4. Figures.
    try context.figure("skeletons", caption: "Test figures: true joints (white) and predicted skeleton (yellow).", skeletonsFigure(test, predicted))
    try context.figure("pck", caption: "Left: PCK@0.2 per joint. Right: PCK as the threshold (fraction of the torso) grows.",
      pckFigure(perJoint: perJoint, baseline: baselinePerJoint, thresholds: thresholds, curve: curve, baselineCurve: baselineCurve))
    try context.figure("training-curve", caption: "L2 loss on the normalized joint coordinates during training.", lossFigure(history))
  }

  static func meanError(_ predicted: [[(x: Double, y: Double)]], _ truth: [[(x: Double, y: Double)]]) -> Double {
    var sum = 0.0
    for (p, t) in zip(predicted, truth) { for j in 0..<joints { sum += hypot(p[j].x - t[j].x, p[j].y - t[j].y) } }
    return sum / Double(max(truth.count * joints, 1))
  }

  /// "right ankle" -> "rightAnkle".
  static func jointKey(_ name: String) -> String {
    let words = name.split(separator: " ").map(String.init)
    return words.enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
  }
}
