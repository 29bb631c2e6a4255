// Feature inversion: reconstructing an image from its code at one layer
// (Mahendran & Vedaldi, "Understanding Deep Image Representations by
// Inverting Them", CVPR 2015). Chapter: chapters/21-feature-inversion.md.
//
// Inputs: the `classifier` net (Fashion-MNIST, from the model cache) and
// test images, one (quick) or two (full) per class.
// Algorithm: for a layer ℓ with code Φ₀ = Φℓ(x₀), minimize over x, from
// uniform noise, with L-BFGS (minimizeLBFGS):
//   ‖Φℓ(x) − Φ₀‖² / ‖Φ₀‖²  +  λ_TV · TV(x)  +  λ_α · Σ ((x − ½)/½)^α
// (the paper's normalized code loss, its V^β total variation with β = 2, and
// its α-norm bound with α = 6, here keeping pixels in [0, 1]). The gradient
// of the code loss is seeded at layer ℓ in the Trace and replayed back to
// the pixels. One batch holds every image; each image's loss is normalized
// by its own code.
// Numbers: per layer, the relative code error reached, the pixel RMS error
// and the correlation with the original, and how many reconstructions the
// classifier puts in the original's class.
// Figures: originals and reconstructions by layer; errors by layer.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum FeatureInversion: Experiment {
  public static let id = "feature-inversion"
  public static let title = "Feature inversion: images from their codes"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/FeatureInversion"
  public static let uses = ["Layers", "Datasets", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    public var imagesPerClass: Int
    public var iterations: Int
    public var tvWeight: Float = 2e-3
    public var alphaWeight: Float = 1e-3
    public var alpha = 6
  }

  public static let full = Config(imagesPerClass: 2, iterations: 200)
  public static let quick = Config(imagesPerClass: 1, iterations: 60)

  /// The codes inverted, shallow to deep: (layer, label).
  static let layers: [(name: String, label: String)] = [
    ("relu1", "conv1"), ("pool1", "pool1"), ("relu2", "conv2"), ("pool2", "pool2 (last pool)"), ("relu3", "fc1"), ("fc2", "fc2 (scores)"),
  ]
  static let side = 28

  /// The classifier network and the test images.
  static func classifier(_ context: RunContext) throws -> (net: Sequential, test: FashionMNIST) {
    let model = FashionClassifier(profile: context.profile)
    let (_, test) = try model.data(context)
    return (try context.model(model).network, test)
  }

  /// The named layer's output for `x` (test mode).
  static func code(_ net: Sequential, _ x: Tensor, layer: String) -> Tensor {
    var trace = Trace()
    _ = net.forward(x, mode: .test, trace: &trace)
    return trace.activation(layer)!
  }

  // snippet.objective
  /// Σᵢ ‖Φ(xᵢ) − Φ₀ᵢ‖² / ‖Φ₀ᵢ‖² + λ_TV TV(x) + λ_α Σ ((x − ½)/½)^α, and its gradient.
  static func objective(_ net: Sequential, layer: String, target: Tensor, config: Config) -> Objective {
    let n = target.shape[0], d = target.count / n
    let norms = (0..<n).map { i in (i * d..<(i + 1) * d).reduce(0.0) { $0 + Double(target.scalars[$1] * target.scalars[$1]) } }
    return { x in
      var trace = Trace()
      _ = net.forward(x, mode: .test, trace: &trace)
      var diff = trace.activation(layer)! - target
      var value = 0.0
      for i in 0..<n {
        let scale = 1 / max(norms[i], 1e-12)
        for j in i * d..<(i + 1) * d {
          value += Double(diff.scalars[j] * diff.scalars[j]) * scale
          diff.scalars[j] *= Float(2 * scale)
        }
      }
      var gradient = trace.backward(seeds: [layer: diff])
      let tv = totalVariation(x), bound = alphaNorm(x, alpha: config.alpha)
      gradient.add(tv.gradient, scaledBy: config.tvWeight)
      gradient.add(bound.gradient, scaledBy: config.alphaWeight)
      return (Float(value + Double(config.tvWeight * tv.value) + Double(config.alphaWeight * bound.value)), gradient)
    }
  }
  // snippet.end

  struct Scores {
    var codeError = 0.0, pixelError = 0.0, correlation = 0.0, sameClass = 0, agrees = 0
  }

  static func pearson(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) {
      let (u, v) = (Double(x) - ma, Double(y) - mb)
      sab += u * v; saa += u * u; sbb += v * v
    }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: a few test images per class, the first ones of each class.
    let (net, test) = try context.timed("load network") { try classifier(context) }
    var picked: [Int] = []
    for k in 0..<10 { picked += test.labels.indices.filter { test.labels[$0] == k }.prefix(config.imagesPerClass) }
    let originals = test.images.gather(picked)
    let labels = picked.map { test.labels[$0] }
    let n = picked.count
    context.record("images", n)
    context.record("iterations", config.iterations)
    context.record("tvWeight", Double(config.tvWeight), format: ".0e")
    context.record("alpha", config.alpha)
    context.record("beta", 2)
    let originalPredictions = net.forward(originals, mode: .test).argmaxRows()
    context.record("original.sameClass", zip(originalPredictions, labels).filter { $0 == $1 }.count)

    // 2. Invert each layer's code from the same noise.
    var noiseRng = context.rng.derived("noise")
    let noise = Tensor.randomUniform(shape: originals.shape, low: 0, high: 1, using: &noiseRng)
    var reconstructions: [String: Tensor] = [:]
    var scores: [String: Scores] = [:]
    var rows: [[JSONValue]] = []
    for (layer, label) in layers {
      let target = code(net, originals, layer: layer)
      let x = context.timed("invert") {
        minimizeLBFGS(objective(net, layer: layer, target: target, config: config), from: noise, iterations: config.iterations).x
      }
      reconstructions[layer] = x
      var s = Scores()
      let reached = code(net, x, layer: layer)
      let d = target.count / n
      let predictions = net.forward(x, mode: .test).argmaxRows()
      for i in 0..<n {
        var num = 0.0, den = 0.0
        for j in i * d..<(i + 1) * d {
          num += Double((reached.scalars[j] - target.scalars[j]) * (reached.scalars[j] - target.scalars[j]))
          den += Double(target.scalars[j] * target.scalars[j])
        }
        s.codeError += (num / max(den, 1e-12)).squareRoot() / Double(n)
        let range = i * side * side..<(i + 1) * side * side
        let se = range.reduce(0.0) { $0 + Double((x.scalars[$1] - originals.scalars[$1]) * (x.scalars[$1] - originals.scalars[$1])) }
        s.pixelError += (se / Double(side * side)).squareRoot() / Double(n)
        s.correlation += pearson(x.scalars[range], originals.scalars[range]) / Double(n)
        if predictions[i] == labels[i] { s.sameClass += 1 }
        if predictions[i] == originalPredictions[i] { s.agrees += 1 }
      }
      scores[layer] = s
      context.record("\(layer).codeError", s.codeError, format: ".3f")
      context.record("\(layer).pixelError", s.pixelError, format: ".3f")
      context.record("\(layer).correlation", s.correlation, format: ".3f")
      context.record("\(layer).sameClass", s.sameClass)
      context.record("\(layer).agrees", s.agrees)
      context.record("\(layer).agreeShare", Double(s.agrees) / Double(n), format: ".0%")
      context.record("\(layer).codeSize", d)
      rows.append([.string(label), .number(Double(d)), .number(s.codeError), .number(s.pixelError), .number(s.correlation), .number(Double(s.sameClass)), .number(Double(s.agrees))])
    }
    // Reference: the noise the inversions start from.
    var noiseCorrelation = 0.0, noiseError = 0.0
    for i in 0..<n {
      let range = i * side * side..<(i + 1) * side * side
      noiseCorrelation += pearson(noise.scalars[range], originals.scalars[range]) / Double(n)
      noiseError += (range.reduce(0.0) { $0 + Double((noise.scalars[$1] - originals.scalars[$1]) * (noise.scalars[$1] - originals.scalars[$1])) } / Double(side * side)).squareRoot() / Double(n)
    }
    context.record("noise.correlation", noiseCorrelation, format: ".3f")
    context.record("noise.pixelError", noiseError, format: ".3f")
    context.table(
      "layers", caption: "Per layer, averaged over the images: the code loss reached, and what the reconstruction keeps of the original.",
      columns: ["code", "code size", "relative code error ‖Φ(x) − Φ₀‖ / ‖Φ₀‖", "pixel RMS error", "correlation with the original", "classified as the true class", "classified as the original is"],
      formats: ["", "d", ".3f", ".3f", ".3f", "d", "d"], rows: rows)
    let conv = ["relu1", "pool1", "relu2", "pool2"].map { scores[$0]!.correlation }
    context.record("convLayers.minCorrelation", conv.min()!, format: ".3f")
    context.record("fcLayers.maxCorrelation", ["relu3", "fc2"].map { scores[$0]!.correlation }.max()!, format: ".3f")
    context.record("correlationDrops", zip(conv, conv.dropFirst()).filter { $0 >= $1 }.count == 3 ? 1 : 0)

    // 3. Figures.
    try context.figure("reconstructions", caption: "Test images (left) and the images reconstructed from their codes at each layer, from the same noise.",
      reconstructionsFigure(originals, reconstructions, count: min(n, 10), step: config.imagesPerClass))
    try context.figure("by-layer", caption: "Correlation with the original and pixel RMS error, by the layer whose code was inverted.", byLayerFigure(scores))
  }
}
