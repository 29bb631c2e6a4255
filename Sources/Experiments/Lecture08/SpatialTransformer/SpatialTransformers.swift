// Spatial transformer networks (Jaderberg, Simonyan, Zisserman &
// Kavukcuoglu, NIPS 2015): a localization network predicts an affine θ, a
// grid generator and a bilinear sampler warp the input by it, and the
// classifier behind it is trained end to end with the transformer.
// Chapter: chapters/15-spatial-transformer.md.
//
// Inputs: Fashion-MNIST items distorted as the paper's RTS set (rotation
// ±45°, scale 0.7-1.2, translation, in a larger canvas; +Data.swift); the
// two classifiers in +Models.swift, one function each.
// Algorithm: Sources/Layers/SpatialTransformer (AffineGrid, BilinearSampler,
// SpatialTransformer); two classifiers with the same ConvNet, one on the
// canvas resampled at θ = identity (the plain CNN), one behind a learned
// transformer (the ST-CNN), same initialization, data order and steps.
// Numbers: test error of both on distorted test items beside the paper's
// distorted-MNIST errors; the learned θ against the true distortion (how
// much of the rotation, scale and shift it undoes); error by rotation.
// Figures: inputs and transformer outputs with the sampling grid; learned vs
// true transform; error against |rotation|.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Plot
import Tensor

public enum SpatialTransformers: Experiment {
  public static let id = "spatial-transformer"
  public static let title = "Spatial transformers: learning to undo distortions"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/SpatialTransformer"
  public static let uses = ["Layers", "Datasets", "Plot"]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    var trainImages: Int
    var testImages: Int
    var epochs: Int
    var batchSize = 64
    var learningRate: Float = 0.02
    /// The localization network's rate, a tenth of the classifier's (the paper's SVHN recipe).
    var localizationRate: Float = 0.002
    var momentum: Float = 0.9
    var canvas = 36
    var maxAngle = 45.0
    var minScale = 0.7
    var maxScale = 1.2
    var shift = 4.0
    var netSeed: UInt64 = 5
  }

  public static let full = Config(trainImages: 30_000, testImages: 5_000, epochs: 6)
  public static let quick = Config(trainImages: 6_000, testImages: 1_000, epochs: 4)

  /// Rotation angle of a 2x2 matrix [a b; c d] (its nearest rotation), and its scale √|det|.
  static func angleAndScale(_ m: [Double]) -> (angle: Double, scale: Double) {
    (atan2(m[2] - m[1], m[0] + m[3]), abs(m[0] * m[3] - m[1] * m[2]).squareRoot())
  }

  static func slope(_ x: [Double], _ y: [Double]) -> (slope: Double, correlation: Double) {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    let sxy = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
    let sxx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +), syy = y.map { ($0 - my) * ($0 - my) }.reduce(0, +)
    return (sxy / max(sxx, 1e-300), sxy / max((sxx * syy).squareRoot(), 1e-300))
  }

  static func std(_ x: [Double]) -> Double {
    let m = x.reduce(0, +) / Double(x.count)
    return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)).squareRoot()
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: distorted train and test items.
    let trainSet = try context.fashionMNIST(.train, limit: config.trainImages)
    let testSet = try context.fashionMNIST(.test, limit: config.testImages)
    var trainRNG = context.rng.derived("distort.train"), testRNG = context.rng.derived("distort.test")
    let train = context.timed("distort") { distorted(trainSet, count: trainSet.count, config: config, using: &trainRNG) }
    let test = context.timed("distort") { distorted(testSet, count: testSet.count, config: config, using: &testRNG) }
    context.record("trainImages", train.labels.count)
    context.record("testImages", test.labels.count)
    context.record("canvas", config.canvas, unit: "px")
    context.record("epochs", config.epochs)

    // 2. Train (or load) the CNN and the ST-CNN.
    let models = try context.timed("train") {
      Models(cnn: try plainCNN(config, context, train: train), stcnn: try stCNN(config, context, train: train))
    }
    context.record("cnn.parameters", models.cnn.parameterCount)
    context.record("stcnn.parameters", models.stcnn.parameterCount)
    context.record("localization.parameters", models.transformer.localization.parameterCount)

    // 3. Test error on the distorted test items.
    let (cnnPredicted, stPredicted, theta) = context.timed("evaluate") {
      (predict(models.cnn, images: identityResampled(test.images)), predict(models.stcnn, images: test.images), models.transformer.theta(test.images))
    }
    let n = test.labels.count
    let cnnError = Double(zip(cnnPredicted, test.labels).filter { $0 != $1 }.count) / Double(n)
    let stError = Double(zip(stPredicted, test.labels).filter { $0 != $1 }.count) / Double(n)
    context.record("cnn.error", cnnError, format: ".1%")
    context.record("stcnn.error", stError, format: ".1%")
    context.record("errorReduction", 1 - stError / max(cnnError, 1e-12), format: ".0%")
    // Error by |rotation|: 0-15°, 15-30°, 30-45°.
    var rows: [[JSONValue]] = []
    var bins: [(label: String, cnn: Double, st: Double)] = []
    for (b, range) in [(0.0, 15.0), (15.0, 30.0), (30.0, 45.01)].enumerated() {
      let idx = (0..<n).filter { abs(test.distortions[$0].angle) * 180 / Double.pi >= range.0 && abs(test.distortions[$0].angle) * 180 / Double.pi < range.1 }
      let ce = Double(idx.filter { cnnPredicted[$0] != test.labels[$0] }.count) / Double(max(idx.count, 1))
      let se = Double(idx.filter { stPredicted[$0] != test.labels[$0] }.count) / Double(max(idx.count, 1))
      let label = String(format: "%.0f-%.0f°", range.0, min(range.1, 45))
      context.record("bin\(b).cnn.error", ce, format: ".1%")
      context.record("bin\(b).stcnn.error", se, format: ".1%")
      rows.append([.string(label), .number(Double(idx.count)), .number(ce), .number(se)])
      bins.append((label, ce, se))
    }
    context.table(
      "byRotation", caption: "Test error on distorted items by the size of their rotation.",
      columns: ["|rotation|", "test items", "CNN error", "ST-CNN error"], formats: ["", "d", ".1%", ".1%"], rows: rows)

    // 4. The learned transform against the true distortion.
    // snippet.measure
    // θ maps the transformer's output point to the canvas; the distortion's
    // inverse maps the canvas back to the undistorted item, so the item is
    // read at D⁻¹ θ: if the transformer undid the distortion, that composite
    // would be one fixed transform for every item, whatever the distortion.
    var trueAngle: [Double] = [], learnedAngle: [Double] = [], residualAngle: [Double] = []
    var trueLogScale: [Double] = [], learnedLogScale: [Double] = [], residualLogScale: [Double] = []
    var trueShift: [Double] = [], learnedShift: [Double] = []
    for i in 0..<n {
      let d = test.distortions[i]
      let t = (0..<6).map { Double(theta.scalars[6 * i + $0]) }
      let lin = [t[0], t[1], t[3], t[4]]
      let inv = d.inverseTheta.map(Double.init)
      let composite = [inv[0] * lin[0] + inv[1] * lin[2], inv[0] * lin[1] + inv[1] * lin[3], inv[3] * lin[0] + inv[4] * lin[2], inv[3] * lin[1] + inv[4] * lin[3]]
      let learned = angleAndScale(lin), residual = angleAndScale(composite)
      trueAngle.append(d.angle)
      learnedAngle.append(learned.angle)
      residualAngle.append(residual.angle)
      trueLogScale.append(log(d.scale))
      learnedLogScale.append(log(learned.scale))
      residualLogScale.append(log(residual.scale))
      trueShift += [d.tx, d.ty]
      learnedShift += [t[2], t[5]]
    }
    // snippet.end
    let angleFit = slope(trueAngle, learnedAngle), scaleFit = slope(trueLogScale, learnedLogScale), shiftFit = slope(trueShift, learnedShift)
    context.record("angle.slope", angleFit.slope, format: ".2f")
    context.record("angle.correlation", angleFit.correlation, format: ".2f")
    context.record("angle.trueStd", std(trueAngle) * 180 / Double.pi, unit: "°", format: ".1f")
    context.record("angle.residualStd", std(residualAngle) * 180 / Double.pi, unit: "°", format: ".1f")
    context.record("angle.undone", 1 - std(residualAngle) / std(trueAngle), format: ".0%")
    context.record("scale.slope", scaleFit.slope, format: ".2f")
    context.record("scale.correlation", scaleFit.correlation, format: ".2f")
    context.record("scale.undone", 1 - std(residualLogScale) / std(trueLogScale), format: ".0%")
    context.record("shift.slope", shiftFit.slope, format: ".2f")
    context.record("shift.correlation", shiftFit.correlation, format: ".2f")
    context.record("meanZoom", learnedLogScale.map { exp($0) }.reduce(0, +) / Double(n), format: ".2f")

    // 5. Figures.
    try context.figure(
      "transformed", caption: "Top: distorted test items (rotation, positive clockwise, and scale above each) with the transformer's sampling region (yellow; its top edge red). Middle: what the transformer passes to the classifier. Bottom: the undistorted item.",
      transformedFigure(test, theta: theta, stOutput: models.transformer.forward(test.images.slice(0..<10), mode: .test).output, count: 10, canvas: config.canvas))
    try context.figure(
      "learned-vs-true", caption: "The learned transform against the true distortion on the test items: rotation angle, scale and shift (the dashed line is a transform that undoes the distortion exactly); right, error by |rotation|.",
      learnedFigure(trueAngle: trueAngle, learnedAngle: learnedAngle, trueLogScale: trueLogScale, learnedLogScale: learnedLogScale, bins: bins))
  }
}
