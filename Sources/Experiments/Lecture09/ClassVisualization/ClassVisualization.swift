// Class visualization by optimization to the image (Simonyan, Vedaldi &
// Zisserman, "Deep Inside Convolutional Networks", ICLR 2014 workshop),
// with CS231n's L2/blur/jitter/clamp recipe and the four regularizers of
// Yosinski et al., "Understanding Neural Networks Through Deep
// Visualization" (ICML DL workshop 2015). Chapter: chapters/20-class-visualization.md.
//
// Inputs: the `classifier` net (Fashion-MNIST, 28x28 grey in [0, 1], from
// the model cache) and its training images (for nearest neighbours).
// Algorithm: the lecture's loop. Start from zeros; seed the gradient of the
// score vector with the one-hot of the target class (the unnormalized
// score, not the softmax); backprop to the image; take a step of fixed
// length along it (NormalizedGradientStep); apply the setting's
// regularizer r_θ; repeat. All ten classes are optimized at once, one
// image per class in one batch. CS231n's sizes are for 224x224x3
// SqueezeNet inputs scaled by the ImageNet std; they are rescaled to 28x28
// grey in [0, 1] so that a step moves each pixel by the same RMS amount
// and jitter covers the same share of the image (`cs231n*` below).
// Numbers: per setting, the target's score and softmax probability, the
// other classes' scores, and two measures of "looks like the data" that
// the net was never optimized for: the cosine similarity to the nearest
// training image of the class (and whether the nearest training image at
// all is of the class), and the target probability under shifts of
// 2 pixels (jitter the net never saw in training).
// Figures: one image per class per setting; the target score per step.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum ClassVisualization: Experiment {
  public static let id = "class-visualization"
  public static let title = "Class visualization: optimizing the image for a class score"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/ClassVisualization"
  public static let uses = ["Layers", "Datasets", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Ascent steps per setting (CS231n: 100).
    public var iterations: Int
    /// Training images searched for the nearest neighbours (the first ones of the classifier's set).
    public var neighbourImages: Int
  }

  public static let full = Config(iterations: 200, neighbourImages: 60_000)
  public static let quick = Config(iterations: 60, neighbourImages: 8_000)

  // CS231n's class-visualization defaults (assignment 3), for a 224x224x3 input divided by the ImageNet std.
  static let cs231nLearningRate: Float = 25, cs231nL2: Float = 1e-3, cs231nBlurEvery = 10, cs231nBlurSigma = 0.5, cs231nJitter = 16
  static let side = 28
  /// The same RMS change per pixel as η = 25 on a 224·224·3 image in std units (std ≈ 0.226): η · 0.226 · √(28·28) / √(224·224·3).
  static let learningRate = cs231nLearningRate * 0.226 * Float(side) / Float((224.0 * 224 * 3).squareRoot())
  /// 16 of 224 pixels is 2 of 28.
  static let jitter = cs231nJitter * side / 224

  /// One way of regularizing the ascent.
  struct Setting {
    var key: String
    var label: String
    /// The row label of the grid figure.
    var short: String
    var l2: Float = 0
    var jitter = 0
    var blurEvery = 0
    var blurSigma = 0.0
    var clamp = true
    var yosinski = YosinskiRegularization()
  }

  static let settings: [Setting] = {
    let t = YosinskiRegularization.table1
    return [
      Setting(key: "plain", label: "no regularizer", short: "none", clamp: false),
      Setting(key: "cs231n", label: "CS231n: L2, blur, jitter, clamp", short: "CS231n", l2: cs231nL2, jitter: jitter, blurEvery: cs231nBlurEvery, blurSigma: cs231nBlurSigma),
      Setting(key: "decay", label: "decay 0.3 (+ clamp)", short: "decay 0.3", yosinski: YosinskiRegularization(decay: t[1].decay)),
      Setting(key: "blur", label: "blur σ 0.5 every 4 (+ clamp)", short: "blur 0.5/4", yosinski: YosinskiRegularization(blurWidth: t[0].blurWidth, blurEvery: t[0].blurEvery)),
      Setting(key: "normClip", label: "norm clip 50% (+ clamp)", short: "norm 50%", yosinski: YosinskiRegularization(normPercentile: t[0].normPercentile)),
      Setting(key: "contributionClip", label: "contribution clip 90% (+ clamp)", short: "contrib. 90%", yosinski: YosinskiRegularization(contributionPercentile: t[3].contributionPercentile)),
    ] + t.enumerated().map { i, r in Setting(key: "table1Row\(i + 1)", label: "Yosinski Table 1, row \(i + 1) (+ clamp)", short: "Table 1, #\(i + 1)", yosinski: r) }
  }()

  /// The classifier network and the images it was trained on.
  static func classifier(_ context: RunContext) throws -> (net: Sequential, train: FashionMNIST) {
    let model = FashionClassifier(profile: context.profile)
    let (train, _) = try model.data(context)
    return (try context.model(model).network, train)
  }

  /// Scores (N, 10) of `images` in test mode.
  static func scores(_ net: Sequential, _ images: Tensor) -> Tensor { net.forward(images, mode: .test) }

  static func softmax(_ scores: Tensor, row: Int) -> [Double] {
    let k = scores.shape[1]
    let s = (0..<k).map { Double(scores.scalars[row * k + $0]) }
    let m = s.max()!
    let e = s.map { exp($0 - m) }
    let z = e.reduce(0, +)
    return e.map { $0 / z }
  }

  // snippet.objective
  /// -Σᵢ s_{yᵢ}(roll(xᵢ)) + λ Σᵢ ‖xᵢ‖²: the lecture's one-hot seed on the
  /// unnormalized scores, backpropagated to the (jittered) image and rolled back.
  static func objective(_ net: Sequential, classes: [Int], l2: Float, jitter: Int, rng: SplitMix64) -> Objective {
    var rng = rng
    return { x in
      let shift = jitter > 0 ? Jitter.random(maximum: jitter, using: &rng) : Jitter(dy: 0, dx: 0)
      var trace = Trace()
      let scores = net.forward(shift(x), mode: .test, trace: &trace)
      var seed = Tensor(zeros: scores.shape)
      var value = 0.0
      for (i, y) in classes.enumerated() {
        seed.scalars[i * scores.shape[1] + y] = -1
        value -= Double(scores.scalars[i * scores.shape[1] + y])
      }
      var gradient = shift.inverse(trace.backward(seeds: [net.outputName: seed]))
      value += Double(l2) * x.dot(x)
      gradient.add(x, scaledBy: 2 * l2)
      return (Float(value), gradient)
    }
  }
  // snippet.end

  // snippet.ascent
  /// The images (10, 1, 28, 28), one per class, after `steps` regularized ascent steps from zeros.
  static func visualize(_ net: Sequential, _ setting: Setting, steps: Int, rng: SplitMix64, curve: inout [Double]) -> Tensor {
    let classes = Array(0..<10)
    var optimizer = NormalizedGradientStep(learningRate: learningRate)
    var values: [Double] = []
    let x = minimize(
      objective(net, classes: classes, l2: setting.l2, jitter: setting.jitter, rng: rng), from: Tensor(zeros: [10, 1, side, side]),
      steps: steps, optimizer: &optimizer,
      observe: { _, value, _ in values.append(-Double(value) / 10) },
      project: { step, x, gradient in
        if setting.blurEvery > 0 && (step + 1) % setting.blurEvery == 0 { x = GaussianBlur(sigma: setting.blurSigma)(x) }
        setting.yosinski.apply(&x, ascent: (-1 as Float) * gradient, step: step)
        if setting.clamp { x = x.map { min(max($0, 0), 1) } }
      })
    curve = values
    return x
  }
  // snippet.end

  /// Each row of `t` (n, ...) scaled to unit length, as (n, d).
  static func unitRows(_ t: Tensor) -> Tensor {
    let d = t.count / t.shape[0]
    var u = t.reshaped([t.shape[0], d])
    for r in 0..<t.shape[0] {
      let n = (r * d..<(r + 1) * d).reduce(0.0) { $0 + Double(t.scalars[$1] * t.scalars[$1]) }.squareRoot()
      for i in r * d..<(r + 1) * d { u.scalars[i] = n > 0 ? Float(Double(u.scalars[i]) / n) : 0 }
    }
    return u
  }

  /// Cosine similarity (n, m) of each image (n, ...) with each row of `unitTrain` (m, d), rows of unit length.
  static func cosines(_ images: Tensor, unitTrain: Tensor) -> Tensor {
    let u = unitRows(images)
    let (n, d) = (u.shape[0], u.shape[1])
    var ut = Tensor(zeros: [d, n])
    for i in 0..<n { for j in 0..<d { ut.scalars[j * n + i] = u.scalars[i * d + j] } }
    let mn = Tensor.matmul(unitTrain, ut)  // (m, n)
    var out = Tensor(zeros: [n, unitTrain.shape[0]])
    for j in 0..<unitTrain.shape[0] { for i in 0..<n { out.scalars[i * unitTrain.shape[0] + j] = mn.scalars[j * n + i] } }
    return out
  }

  /// The 8 shifts of 2 pixels (the jitter's size) along the axes and diagonals.
  static let probeShifts = [(-2, 0), (2, 0), (0, -2), (0, 2), (-2, -2), (-2, 2), (2, -2), (2, 2)].map { Jitter(dy: $0.0, dx: $0.1) }

  struct Measures {
    var score = 0.0, probability = 0.0, wins = 0, othersMean = 0.0, othersMax = 0.0
    var nearestCosine = 0.0, nearestIsClass = 0, shiftedProbability = 0.0, shiftedScoreRatio = 0.0, shiftedWins = 0, outOfRange = 0.0, meanPixel = 0.0
  }

  /// What the net and the training set say about `images` (one per class, row = class).
  static func measure(_ net: Sequential, _ images: Tensor, train: Tensor, trainLabels: [Int]) -> Measures {
    var m = Measures()
    let s = scores(net, images)
    let similarity = cosines(images, unitTrain: train)
    let shifted = probeShifts.map { scores(net, $0(images)) }
    let (n, k, t) = (images.shape[0], s.shape[1], train.shape[0])
    for y in 0..<n {
      let row = (0..<k).map { Double(s.scalars[y * k + $0]) }
      m.score += row[y] / Double(n)
      m.probability += softmax(s, row: y)[y] / Double(n)
      if row.indices.max(by: { row[$0] < row[$1] }) == y { m.wins += 1 }
      let others = row.enumerated().filter { $0.offset != y }.map(\.element)
      m.othersMean += others.reduce(0, +) / Double(others.count) / Double(n)
      m.othersMax += others.max()! / Double(n)
      var best = (all: -2.0, allIndex: 0, mine: -2.0)
      for j in 0..<t {
        let c = Double(similarity.scalars[y * t + j])
        if c > best.all { best.all = c; best.allIndex = j }
        if trainLabels[j] == y && c > best.mine { best.mine = c }
      }
      m.nearestCosine += best.mine / Double(n)
      if trainLabels[best.allIndex] == y { m.nearestIsClass += 1 }
      m.shiftedProbability += shifted.map { softmax($0, row: y)[y] }.reduce(0, +) / Double(shifted.count) / Double(n)
      m.shiftedScoreRatio += shifted.map { Double($0.scalars[y * k + y]) / row[y] }.reduce(0, +) / Double(shifted.count) / Double(n)
      m.shiftedWins += shifted.filter { t in (0..<k).max { t.scalars[y * k + $0] < t.scalars[y * k + $1] } == y }.count
    }
    m.outOfRange = Double(images.scalars.filter { $0 < 0 || $0 > 1 }.count) / Double(images.count)
    m.meanPixel = images.sum() / Double(images.count)
    return m
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let (net, trainSet) = try context.timed("load network") { try classifier(context) }
    let count = min(config.neighbourImages, trainSet.count)
    let train = trainSet.images.slice(0..<count).reshaped([count, side * side])
    let unitTrain = unitRows(train)
    let trainLabels = Array(trainSet.labels.prefix(count))
    context.record("neighbourImages", count)
    context.record("learningRate", Double(learningRate), format: ".3f")
    context.record("jitter", jitter, unit: "px")
    context.record("iterations", config.iterations)
    context.record("l2", Double(cs231nL2), format: ".0e")
    context.record("blurSigma", cs231nBlurSigma, unit: "px", format: ".1f")
    context.record("blurEvery", cs231nBlurEvery)
    for (i, r) in YosinskiRegularization.table1.enumerated() {
      context.record("table1Row\(i + 1).theta.decay", Double(r.decay), format: "g")
      context.record("table1Row\(i + 1).theta.blurWidth", r.blurWidth, format: "g")
      context.record("table1Row\(i + 1).theta.blurEvery", r.blurEvery)
      context.record("table1Row\(i + 1).theta.normPercentile", r.normPercentile, format: "g")
      context.record("table1Row\(i + 1).theta.contributionPercentile", r.contributionPercentile, format: "g")
    }

    // 2. References: the zero image (where the ascent starts) and each class's mean training image.
    let zeros = Tensor(zeros: [10, 1, side, side])
    let start = scores(net, zeros)
    context.record("start.score", Double(start.scalars[0..<10].reduce(0, +)) / 10, format: ".2f")
    var means = Tensor(zeros: [10, 1, side, side])
    var counts = [Int](repeating: 0, count: 10)
    for (j, y) in trainLabels.enumerated() {
      counts[y] += 1
      for p in 0..<(side * side) { means.scalars[y * side * side + p] += train.scalars[j * side * side + p] }
    }
    for y in 0..<10 { for p in 0..<(side * side) { means.scalars[y * side * side + p] /= Float(max(counts[y], 1)) } }
    let meanMeasures = measure(net, means, train: unitTrain, trainLabels: trainLabels)
    context.record("classMean.score", meanMeasures.score, format: ".2f")
    context.record("classMean.probability", meanMeasures.probability, format: ".3f")
    context.record("classMean.nearestCosine", meanMeasures.nearestCosine, format: ".3f")

    // 3. Every setting, all classes at once.
    var images: [String: Tensor] = [:]
    var curves: [String: [Double]] = [:]
    var rows: [[JSONValue]] = []
    var measured: [String: Measures] = [:]
    for setting in settings {
      var curve: [Double] = []
      let x = context.timed("ascent") {
        visualize(net, setting, steps: config.iterations, rng: context.rng.derived(setting.key), curve: &curve)
      }
      images[setting.key] = x
      curves[setting.key] = curve
      let m = measure(net, x, train: unitTrain, trainLabels: trainLabels)
      measured[setting.key] = m
      let k = setting.key
      context.record("\(k).score", m.score, format: ".2f")
      context.record("\(k).probability", m.probability, format: ".3f")
      context.record("\(k).wins", m.wins)
      context.record("\(k).othersMean", m.othersMean, format: ".2f")
      context.record("\(k).othersMax", m.othersMax, format: ".2f")
      context.record("\(k).nearestCosine", m.nearestCosine, format: ".3f")
      context.record("\(k).nearestIsClass", m.nearestIsClass)
      context.record("\(k).shiftedProbability", m.shiftedProbability, format: ".3f")
      context.record("\(k).shiftedScoreRatio", m.shiftedScoreRatio, format: ".2f")
      context.record("\(k).shiftedWins", m.shiftedWins)
      context.record("\(k).outOfRange", m.outOfRange, format: ".1%")
      context.record("\(k).meanPixel", m.meanPixel, format: ".3f")
      rows.append([.string(setting.label), .number(m.score), .number(m.probability), .number(Double(m.wins)), .number(m.othersMean),
                   .number(m.nearestCosine), .number(Double(m.nearestIsClass)), .number(m.shiftedProbability), .number(m.shiftedScoreRatio), .number(m.meanPixel)])
    }
    rows.append([.string("reference: class mean image"), .number(meanMeasures.score), .number(meanMeasures.probability), .number(Double(meanMeasures.wins)),
                 .number(meanMeasures.othersMean), .number(meanMeasures.nearestCosine), .number(Double(meanMeasures.nearestIsClass)),
                 .number(meanMeasures.shiftedProbability), .number(meanMeasures.shiftedScoreRatio), .number(meanMeasures.meanPixel)])
    context.table(
      "settings", caption: "Per setting, averaged over the ten classes (one image each).",
      columns: ["setting", "target score", "target probability", "classes won (of 10)", "mean score of the other 9",
                "cosine to nearest training image of the class", "nearest training image is of the class (of 10)",
                "target probability, shifted 2 px", "target score kept when shifted 2 px", "mean pixel"],
      formats: ["", ".1f", ".3f", "d", ".1f", ".3f", "d", ".3f", ".0%", ".3f"], rows: rows)
    let yosinskiKeys = (1...4).map { "table1Row\($0)" }
    context.record("table1.bestNearestCosine", yosinskiKeys.map { measured[$0]!.nearestCosine }.max()!, format: ".3f")
    context.record("table1.worstShiftedProbability", yosinskiKeys.map { measured[$0]!.shiftedProbability }.min()!, format: ".3f")

    let regularized = settings.map(\.key).filter { $0 != "plain" }
    context.record("regularized.minNearestCosine", regularized.map { measured[$0]!.nearestCosine }.min()!, format: ".3f")
    context.record("cs231n.cosineGain", measured["cs231n"]!.nearestCosine / measured["plain"]!.nearestCosine, format: ".1f")

    // 4. Figures.
    try context.figure("grid", caption: "One image per class (columns) per setting (rows), each shown on its own scale (white = 0, black = its largest pixel).",
      gridFigure(images, means: means))
    try context.figure("curves", caption: "Mean target score (over the ten classes) per ascent step.", curvesFigure(curves))
  }
}
