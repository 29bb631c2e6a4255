// Fooling ConvNets: adversarial examples and fooling images, and the
// linearity argument for why they exist. Chapter: chapters/24-adversarial.md.
//
// Papers: Szegedy et al., "Intriguing properties of neural networks", ICLR
// 2014 (smallest perturbations by box-constrained L-BFGS, transfer across
// models); Nguyen, Yosinski & Clune, "Deep Neural Networks are Easily
// Fooled", CVPR 2015 (evolved and gradient-ascent fooling images);
// Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial
// Examples", ICLR 2015 (FGSM, the linearity argument, adversarial training).
//
// Inputs: the classifier chapter's ConvNet and images (its profile), a
// linear softmax model on the same images, a second ConvNet (other seed,
// other order, fewer images) and its FGSM-trained twin, linear models on
// items upsampled to 28, 56, 112 px (Adversarial+Models.swift, cached).
// Algorithm: Adversarial+Attacks.swift.
// Numbers: the Szegedy grid (RMS distortion per source/target pair) and its
// transfer to the second net; fooling confidences; FGSM error and
// confidence against ε for both model kinds, with a random-sign control;
// logit change vs ε‖w‖₁ and error against the input size n; clean and
// adversarial accuracy before and after adversarial training.
// Figures: the grid, the fooling images, the ε curves, the linearity panels,
// the adversarial-training bars.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum Adversarial: Experiment {
  public static let id = "adversarial"
  public static let title = "Fooling ConvNets: adversarial examples, fooling images, and the linearity argument"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/Adversarial"
  public static let uses = ["Layers", "Datasets", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    var linear: Recipe
    var second: Recipe
    var sizes: Recipe
    /// ε of FGSM adversarial training (and of the before/after test).
    var trainingEpsilon: Float
    /// Source classes of the Szegedy grid (the first `n`), one test image each, every other class as target.
    var szegedySources: Int
    var szegedyRounds: Int
    var szegedyIterations: Int
    var generations: Int
    var children: Int
    var foolingThreshold = 0.99
    var ascentStep: Float = 0.01
    var ascentSteps = 200
    /// Test images for FGSM, the size study and adversarial training.
    var testImages: Int
    var epsilons: [Float] = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    var sides = [28, 56, 112]
    var sizeEpsilon: Float = 0.02
    var iterativeSteps: Int
  }

  public static let full = Config(
    linear: Recipe(images: 60_000, epochs: 3, learningRate: 0.05, netSeed: 11),
    second: Recipe(images: 20_000, epochs: 3, learningRate: 0.03, netSeed: 2),
    sizes: Recipe(images: 8_000, epochs: 3, learningRate: 0.05, netSeed: 12),
    trainingEpsilon: 0.1, szegedySources: 10, szegedyRounds: 7, szegedyIterations: 30, generations: 3_000, children: 20, testImages: 1_000,
    iterativeSteps: 10)
  public static let quick = Config(
    linear: Recipe(images: 8_000, epochs: 3, learningRate: 0.05, netSeed: 11),
    second: Recipe(images: 4_000, epochs: 2, learningRate: 0.03, netSeed: 2),
    sizes: Recipe(images: 3_000, epochs: 2, learningRate: 0.05, netSeed: 12),
    trainingEpsilon: 0.1, szegedySources: 3, szegedyRounds: 4, szegedyIterations: 12, generations: 3_000, children: 20, testImages: 200,
    iterativeSteps: 5)

  static func accuracy(_ net: Sequential, _ x: Tensor, _ labels: [Int]) -> Double {
    Double(zip(predict(net, images: x), labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// "eps25" for 0.25.
  static func epsKey(_ e: Float) -> String { "eps\(Int((e * 100).rounded()))" }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs and models.
    let data = try inputs(context)
    let convnet = try context.timed("load classifier") { try classifier(context, data) }
    let linear = try context.timed("train linear") { try linearModel(context, data, config) }
    let second = try context.timed("train second") { try transferNet(context, data, config) }
    let n = min(config.testImages, data.test.count)
    let testX = data.test.images.slice(0..<n), testY = Array(data.test.labels.prefix(n))
    context.record("testImages", n)
    context.record("convnet.accuracy", accuracy(convnet, testX, testY), format: ".1%")
    context.record("linear.accuracy", accuracy(linear, testX, testY), format: ".1%")
    context.record("second.accuracy", accuracy(second, testX, testY), format: ".1%")
    context.record("convnet.parameters", convnet.parameterCount)
    context.record("linear.parameters", linear.parameterCount)

    try context.timed("szegedy section") { try szegedy(config, context, convnet: convnet, second: second, data: data) }
    try context.timed("fooling section") { try fooling(config, context, convnet: convnet, second: second, linear: linear) }
    try context.timed("fgsm section") { try fgsmCurves(config, context, convnet: convnet, linear: linear, x: testX, y: testY) }
    try context.timed("linearity section") { try linearity(config, context, data: data, x: testX, y: testY) }
    try context.timed("training section") { try adversarialTraining(config, context, convnet: convnet, second: second, data: data, x: testX, y: testY) }
  }

  // MARK: - Szegedy et al.: the smallest perturbation to every class

  static func szegedy(_ config: Config, _ context: RunContext, convnet: Sequential, second: Sequential, data: Inputs) throws {
    var sources: [Int] = []  // the first correctly classified test image of each source class
    for k in 0..<config.szegedySources {
      if let i = data.test.labels.indices.first(where: { data.test.labels[$0] == k && predict(convnet, images: data.test.images.gather([$0]))[0] == k }) { sources.append(i) }
    }
    var pairs: [(source: Int, target: Int)] = []
    for s in sources { for t in 0..<10 where t != data.test.labels[s] { pairs.append((s, t)) } }
    let x = data.test.images.gather(pairs.map(\.source))
    let result = context.timed("szegedy") {
      smallestPerturbations(convnet, x, targets: pairs.map(\.target), rounds: config.szegedySources > 0 ? config.szegedyRounds : 0, iterations: config.szegedyIterations)
    }
    let plane = 784
    let norms = pairs.indices.map { k -> Double in
      let r = (0..<plane).map { result.adversarial.scalars[k * plane + $0] - x.scalars[k * plane + $0] }
      return rms(r[...])
    }
    let found = pairs.indices.filter { result.success[$0] }
    let foundNorms = found.map { norms[$0] }.sorted()
    context.record("szegedy.pairs", pairs.count)
    context.record("szegedy.successRate", Double(found.count) / Double(max(pairs.count, 1)), format: ".1%")
    context.record("szegedy.meanRMS", foundNorms.reduce(0, +) / Double(max(foundNorms.count, 1)), format: ".3f")
    context.record("szegedy.medianRMS", foundNorms.isEmpty ? 0 : foundNorms[foundNorms.count / 2], format: ".3f")
    context.record("szegedy.maxRMS", foundNorms.last ?? 0, format: ".3f")
    context.record("szegedy.minRMS", foundNorms.first ?? 0, format: ".3f")
    // The perturbations' L∞ size, against the FGSM ε scale.
    func linf(_ k: Int) -> Double {
      var m: Float = 0
      for j in 0..<plane { m = max(m, abs(result.adversarial.scalars[k * plane + j] - x.scalars[k * plane + j])) }
      return Double(m)
    }
    context.record("szegedy.meanLinf", found.map(linf).reduce(0, +) / Double(max(found.count, 1)), format: ".3f")
    context.table(
      "szegedyGrid", caption: "Per-pixel RMS distortion √(Σr²/n) of the smallest perturbation found that makes the ConvNet output the target class (rows: the source image's class).",
      columns: ["source \\ target"] + (0..<10).map { FashionMNIST.shortClassNames[$0] }, formats: [""] + [String](repeating: ".3f", count: 10),
      rows: sources.map { s in
        [.string(FashionMNIST.shortClassNames[data.test.labels[s]])] + (0..<10).map { t -> JSONValue in
          guard let k = pairs.firstIndex(where: { $0.source == s && $0.target == t }) else { return .string("—") }
          return result.success[k] ? .number(norms[k]) : .string("not found")
        }
      })

    // Transfer to the second net: as found, amplified to RMS 0.1, and Gaussian noise of RMS 0.1 as the control.
    let amplified = amplify(result.adversarial, from: x, toRMS: 0.1)
    var noiseRNG = context.rng.derived("szegedy.noise")
    let noisy = (x + Tensor.randomNormal(shape: x.shape, std: 0.1, using: &noiseRNG)).map { min(max($0, 0), 1) }
    let sourceLabels = pairs.map { data.test.labels[$0.source] }
    func rates(_ net: Sequential, _ images: Tensor) -> (targeted: Double, wrong: Double) {
      let p = predict(net, images: images)
      let t = found.filter { p[$0] == pairs[$0].target }.count, w = found.filter { p[$0] != sourceLabels[$0] }.count
      return (Double(t) / Double(max(found.count, 1)), Double(w) / Double(max(found.count, 1)))
    }
    let asFound = rates(second, result.adversarial), loud = rates(second, amplified), loudSelf = rates(convnet, amplified)
    let noise = rates(second, noisy), noiseSelf = rates(convnet, noisy)
    context.record("transfer.targeted", asFound.targeted, format: ".1%")
    context.record("transfer.wrong", asFound.wrong, format: ".1%")
    context.record("transfer.amplified.targeted", loud.targeted, format: ".1%")
    context.record("transfer.amplified.wrong", loud.wrong, format: ".1%")
    context.record("transfer.amplified.selfTargeted", loudSelf.targeted, format: ".1%")
    context.record("transfer.noise.wrong", noise.wrong, format: ".1%")
    context.record("transfer.noise.selfWrong", noiseSelf.wrong, format: ".1%")
    try context.figure(
      "szegedy-grid", caption: "Each row: a test item (on the diagonal, unchanged) and the smallest perturbation found that makes the ConvNet call it each other class; the number is the RMS distortion.",
      szegedyFigure(x: x, adversarial: result.adversarial, pairs: pairs, labels: data.test.labels, norms: norms, success: result.success, sources: sources, test: data.test.images))
  }

  /// x + r rescaled so that r's per-pixel RMS is `target` (then clipped to [0, 1]).
  static func amplify(_ adversarial: Tensor, from x: Tensor, toRMS target: Double) -> Tensor {
    var out = adversarial
    let plane = 784
    for k in 0..<(x.count / plane) {
      let r = (0..<plane).map { adversarial.scalars[k * plane + $0] - x.scalars[k * plane + $0] }
      let scale = Float(target / max(rms(r[...]), 1e-12))
      for j in 0..<plane { out.scalars[k * plane + j] = min(max(x.scalars[k * plane + j] + scale * r[j], 0), 1) }
    }
    return out
  }

  // MARK: - Nguyen et al.: fooling images

  static func fooling(_ config: Config, _ context: RunContext, convnet: Sequential, second: Sequential, linear: Sequential) throws {
    var rng = context.rng.derived("fooling.evolution")
    let elites = context.timed("evolution") {
      evolveFoolingImages(convnet, generations: config.generations, children: config.children, threshold: config.foolingThreshold, using: &rng)
    }
    context.record("fooling.threshold", config.foolingThreshold, format: ".0%")
    context.record("fooling.evolved.minConfidence", elites.confidence.min() ?? 0, format: ".2%")
    context.record("fooling.evolved.meanConfidence", elites.confidence.reduce(0, +) / 10, format: ".2%")
    context.record("fooling.evolved.reached", elites.confidence.filter { $0 >= config.foolingThreshold }.count)
    context.record("fooling.evolved.generations", elites.generations)
    context.record("fooling.evolved.evaluations", config.children * elites.generations + config.children)
    var noiseRNG = context.rng.derived("fooling.noise")
    let noise = Tensor.randomUniform(shape: [10, 1, 28, 28], low: 0, high: 1, using: &noiseRNG)
    let ascent = context.timed("ascent") {
      ascendFoolingImages(convnet, from: noise, threshold: config.foolingThreshold, step: config.ascentStep, maxSteps: config.ascentSteps)
    }
    context.record("fooling.ascent.minConfidence", ascent.confidence.min() ?? 0, format: ".2%")
    context.record("fooling.ascent.reached", ascent.confidence.filter { $0 >= config.foolingThreshold }.count)
    context.record("fooling.ascent.maxSteps", ascent.steps.max() ?? 0)
    // What the other models make of the ConvNet's fooling images: the same class's probability.
    let noiseP = probabilities(convnet, noise)
    context.record("fooling.noise.meanConfidence", (0..<10).map { Double(noiseP.scalars[11 * $0]) }.reduce(0, +) / 10, format: ".2%")
    for (name, net) in [("second", second), ("linear", linear)] {
      let pe = probabilities(net, elites.images), pa = probabilities(net, ascent.images)
      context.record("fooling.evolved.\(name)Confidence", (0..<10).map { Double(pe.scalars[11 * $0]) }.reduce(0, +) / 10, format: ".1%")
      context.record("fooling.ascent.\(name)Confidence", (0..<10).map { Double(pa.scalars[11 * $0]) }.reduce(0, +) / 10, format: ".1%")
    }
    try context.figure(
      "fooling", caption: "Images the ConvNet classifies with at least \(Int(config.foolingThreshold * 100))% confidence: evolved by MAP-Elites from noise (top) and by gradient ascent from noise (bottom); class and confidence (%) above each.",
      foolingFigure(evolved: elites.images, evolvedConfidence: elites.confidence, ascended: ascent.images, ascendedConfidence: ascent.confidence))
  }

  // MARK: - Goodfellow et al.: FGSM against ε

  static func fgsmCurves(_ config: Config, _ context: RunContext, convnet: Sequential, linear: Sequential, x: Tensor, y: [Int]) throws {
    var rows: [[JSONValue]] = []
    var curves: [String: [(error: Double, confidence: Double)]] = [:]
    var signRNG = context.rng.derived("fgsm.randomSign")
    let randomSign = Tensor(shape: x.shape, scalars: (0..<x.count).map { _ in signRNG.nextUniform() < 0.5 ? -1 : 1 })
    context.timed("fgsm") {
      for (name, net) in [("linear", linear), ("convnet", convnet)] {
        let sign = gradientSign(net, x, labels: y)  // the same direction for every ε
        for e in config.epsilons {
          // FGSM, and random signs of the same size as the control.
          for (kind, images) in [("fgsm", step(x, along: sign, epsilon: e)), ("random", step(x, along: randomSign, epsilon: e))] {
            let p = probabilities(net, images)
            let predicted = p.argmaxRows()
            let wrong = y.indices.filter { predicted[$0] != y[$0] }
            let error = Double(wrong.count) / Double(y.count)
            let confidence = wrong.isEmpty ? 0 : wrong.map { Double(p.scalars[10 * $0 + predicted[$0]]) }.reduce(0, +) / Double(wrong.count)
            curves["\(name).\(kind)", default: []].append((error, confidence))
            if kind == "fgsm" && ([0.1, 0.25] as [Float]).contains(e) {
              context.record("fgsm.\(name).\(epsKey(e)).error", error, format: ".1%")
              context.record("fgsm.\(name).\(epsKey(e)).confidence", confidence, format: ".1%")
            }
            if kind == "random" && e == 0.25 { context.record("random.\(name).\(epsKey(e)).error", error, format: ".1%") }
          }
        }
      }
    }
    for (i, e) in config.epsilons.enumerated() {
      rows.append([.number(Double(e))] + ["linear.fgsm", "convnet.fgsm", "linear.random", "convnet.random"].flatMap { k -> [JSONValue] in
        k.hasSuffix("random") ? [.number(curves[k]![i].error)] : [.number(curves[k]![i].error), .number(curves[k]![i].confidence)]
      })
    }
    context.table(
      "fgsm", caption: "FGSM on the test images (clipped to [0, 1]): error rate, and mean confidence in the wrong class among the misclassified; random signs of the same ε as the control.",
      columns: ["ε", "linear: error", "linear: confidence", "ConvNet: error", "ConvNet: confidence", "linear, random signs: error", "ConvNet, random signs: error"],
      formats: [".2f", ".1%", ".1%", ".1%", ".1%", ".1%", ".1%"], rows: rows)
    try context.figure(
      "fgsm-curves", caption: "FGSM against ε for the linear softmax model and the ConvNet: error rate (left) and mean confidence of the wrong answers (right); dashed: random signs of the same size.",
      fgsmFigure(config.epsilons, curves))
  }

  // MARK: - The linearity argument across input sizes

  static func linearity(_ config: Config, _ context: RunContext, data: Inputs, x: Tensor, y: [Int]) throws {
    let e = config.sizeEpsilon
    context.record("sizes.epsilon", Double(e), format: ".2f")
    var rows: [[JSONValue]] = []
    var panels: [LinearityPanel] = []
    var meanDrops: [Double] = [], accuracies: [Double] = []
    for side in config.sides {
      let net = try context.timed("train linear \(side)") { try upsampledLinearModel(side: side, context, data, config) }
      let xs = side == 28 ? x : x.resizedBilinear(height: side, width: side)
      let fc = net.layers[1] as! Linear
      let w = fc.weight.value, d = side * side
      let logits = net.forward(xs, mode: .test)
      let predicted = logits.argmaxRows()
      // snippet.linearity
      // Unclipped FGSM (the argument's x̃ = x + η): the drop of the margin
      // z_y - z_j to the runner-up j, against its bound ε‖w_y - w_j‖₁.
      let perturbed = fgsm(net, xs, labels: y, epsilon: e, clip: false)
      let after = net.forward(perturbed, mode: .test)
      var drops: [Double] = [], bounds: [Double] = []
      for i in 0..<y.count {
        let row = (0..<10).map { logits.scalars[10 * i + $0] }
        let j = (0..<10).filter { $0 != y[i] }.max { row[$0] < row[$1] }!
        let margin = Double(row[y[i]] - row[j]), marginAfter = Double(after.scalars[10 * i + y[i]] - after.scalars[10 * i + j])
        drops.append(margin - marginAfter)
        bounds.append(Double(e) * (0..<d).map { Double(abs(w.scalars[y[i] * d + $0] - w.scalars[j * d + $0])) }.reduce(0, +))
      }
      // snippet.end
      let normL1 = (0..<10).map { k in (0..<d).map { Double(abs(w.scalars[k * d + $0])) }.reduce(0, +) }.reduce(0, +) / 10
      let meanDrop = drops.reduce(0, +) / Double(drops.count), meanBound = bounds.reduce(0, +) / Double(bounds.count)
      let clean = Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
      let error = Double(zip(after.argmaxRows(), y).filter { $0 != $1 }.count) / Double(y.count)
      let clippedError = Double(zip(predict(net, images: fgsm(net, xs, labels: y, epsilon: e)), y).filter { $0 != $1 }.count) / Double(y.count)
      meanDrops.append(meanDrop)
      accuracies.append(clean)
      let key = "sizes.s\(side)"
      context.record("\(key).inputs", d)
      context.record("\(key).accuracy", clean, format: ".1%")
      context.record("\(key).normL1", normL1, format: ".1f")
      let w0 = (linearNet(side: side, seed: 12).layers[1] as! Linear).weight.value  // the same net before training
      context.record("\(key).initialNormL1", w0.scalars.map { Double(abs($0)) }.reduce(0, +) / 10, format: ".1f")
      context.record("\(key).meanAbsWeight", normL1 / Double(d), format: ".5f")
      context.record("\(key).marginDrop", meanDrop, format: ".2f")
      context.record("\(key).bound", meanBound, format: ".2f")
      context.record("\(key).dropOverBound", meanDrop / meanBound, format: ".3f")
      context.record("\(key).error", error, format: ".1%")
      context.record("\(key).clippedError", clippedError, format: ".1%")
      rows.append([.number(Double(side)), .number(Double(d)), .number(clean), .number(normL1), .number(normL1 / Double(d)), .number(meanDrop), .number(meanBound),
                   .number(meanDrop / meanBound), .number(error), .number(clippedError)])
      let trouser = Array(w.scalars[(1 * d)..<(2 * d)])
      panels.append(LinearityPanel(side: side, drop: drops, bound: bounds, weights: trouser, error: error, clippedError: clippedError))
    }
    let first = config.sides.first!, last = config.sides.last!
    context.record("sizes.dropGrowth", meanDrops.last! / max(meanDrops.first!, 1e-12), format: ".1f")
    context.record("sizes.accuracySpread", accuracies.max()! - accuracies.min()!, format: ".1%")
    context.record("sizes.inputGrowth", Double(last * last) / Double(first * first), format: ".0f")
    context.table(
      "sizes", caption: "Linear softmax models on the same items upsampled to n = side² inputs (same recipe; learning rate × 784/n). Unclipped FGSM at ε = \(e): mean drop of the margin to the runner-up class, its bound ε‖w_y − w_j‖₁, and the error.",
      columns: ["side", "n", "clean accuracy", "mean ‖w_k‖₁", "mean |w_i|", "margin drop", "ε‖w_y − w_j‖₁", "drop / bound", "FGSM error", "FGSM error, clipped"],
      formats: ["d", "d", ".1%", ".1f", ".5f", ".2f", ".2f", ".3f", ".1%", ".1%"], rows: rows)
    try context.figure(
      "linearity", caption: "The linearity argument on linear models of the same items at three input sizes: the margin drop under FGSM against ε‖w_y − w_j‖₁ (left), drop and error against n (middle, right); below, the weights of class Trouser at each size.",
      linearityFigure(panels, epsilon: e))
  }

  struct LinearityPanel {
    var side: Int
    var drop: [Double]
    var bound: [Double]
    var weights: [Float]
    var error: Double
    var clippedError: Double
  }

  // MARK: - Adversarial training

  static func adversarialTraining(_ config: Config, _ context: RunContext, convnet: Sequential, second: Sequential, data: Inputs, x: Tensor, y: [Int]) throws {
    let robust = try context.timed("train adversarial") { try adversariallyTrainedNet(context, data, config) }
    let start = DispatchTime.now().uptimeNanoseconds
    defer { context.measure("seconds.adversarialTrainingEvaluation", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, unit: "s") }
    let e = config.trainingEpsilon
    context.record("training.epsilon", Double(e), format: ".2f")
    let transferred = fgsm(convnet, x, labels: y, epsilon: e)  // black box: made on the classifier
    var rows: [[JSONValue]] = []
    for (name, net) in [("before", second), ("after", robust)] {
      let values = [
        accuracy(net, x, y), accuracy(net, fgsm(net, x, labels: y, epsilon: e), y), accuracy(net, fgsm(net, x, labels: y, epsilon: 0.25), y),
        accuracy(net, iterativeFGSM(net, x, labels: y, epsilon: e, steps: config.iterativeSteps), y), accuracy(net, transferred, y),
      ]
      for (k, key) in ["clean", "fgsm", "fgsm25", "iterative", "transfer"].enumerated() { context.record("training.\(name).\(key)", values[k], format: ".1%") }
      rows.append([.string(name == "before" ? "second ConvNet, clean training" : "same, FGSM adversarial training")] + values.map { .number($0) })
    }
    context.table(
      "training", caption: "Accuracy of the second ConvNet before and after FGSM adversarial training (same initialization, data order and steps), on clean and attacked test images.",
      columns: ["model", "clean", "FGSM ε = \(String(format: "%.2f", e))", "FGSM ε = 0.25", "iterative FGSM ε = \(String(format: "%.2f", e)), \(config.iterativeSteps) steps", "FGSM ε = \(String(format: "%.2f", e)) made on the classifier"],
      formats: ["", ".1%", ".1%", ".1%", ".1%", ".1%"], rows: rows)
    try context.figure(
      "adversarial-training", caption: "Accuracy before and after FGSM adversarial training on clean and attacked test images.",
      trainingFigure(rows, epsilon: e))
  }
}
