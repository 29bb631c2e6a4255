// Tests of the neural-style objective (Layers/ImageOptimization/NeuralStyle.swift):
// a case worked by hand (value and gradient of content + style + TV through
// one ReLU with an input normalization); the style term against Gatys's
// E_l = 1/(4 N² M²) Σ (Ĝ − Â)² on unnormalized Grams, computed naively; and
// the gradient of the whole objective, and of the texture-only one, through
// a conv net with average pooling by centered differences per pixel and by
// the dot-product test, with the content layer also a style layer (two
// seeds at one layer must add).
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct NeuralStyleTests {
  /// conv3 (3 -> 4, pad 1) + ReLU + avg-pool + conv3 (4 -> 6, pad 1) + ReLU: the TextureNetwork pattern, small.
  static func smallNet(seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(name: "conv1", inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu1"), AvgPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu2"),
    ])
  }

  @Test func objectiveByHand() {
    // x = (1, 0.75) in one row; the net (one ReLU) sees 2 (x − 0.5) = (1, 0.5) = F, C·H·W = 2.
    // Style: G = (1 + 0.25) / 2 = 0.625, A = 0.125: ¼ (G − A)² = 0.0625 (one layer, w = 1).
    // Content: P = (0, 0.5): ½ ‖F − P‖² = 0.5. TV: (0.75 − 1)² = 0.0625.
    // α = 2, β = 4, λ = 8: L = 1 + 0.25 + 0.5 = 1.75.
    // dL/dF: content α (F − P) = (2, 0); style β ¼ (dG + dGᵀ) F / 2 with dG = 2 (G − A) = 1: F = (1, 0.5).
    // Through the normalization (× 2): (6, 1). TV: λ · (−2d, 2d) with d = −0.25: (4, −4). Total (10, −3).
    let net = Sequential([ReLU(name: "r")])
    let x = Tensor(shape: [1, 1, 1, 2], scalars: [1, 0.75])
    let targets = StyleTargets(contentLayer: "r", content: Tensor(shape: [1, 1, 1, 2], scalars: [0, 0.5]), styleLayers: ["r"], grams: [Tensor(shape: [1, 1], scalars: [0.125])])
    let weights = StyleWeights(content: 2, style: 4, tv: 8)
    let (terms, _) = neuralStyle(net, x, targets: targets, weights: weights)
    #expect(abs(terms.content - 0.5) < 1e-7 && abs(terms.style - 0.0625) < 1e-7 && abs(terms.tv - 0.0625) < 1e-7)
    let (value, gradient) = neuralStyleObjective(net, targets: targets, weights: weights)(x)
    #expect(abs(value - 1.75) < 1e-6)
    #expect(abs(gradient.scalars[0] - 10) < 1e-5 && abs(gradient.scalars[1] + 3) < 1e-5, "\(gradient.scalars)")
  }

  @Test func styleTermIsGatysE() {
    // Gatys (2015, eq. 4): E_l = 1 / (4 N² M²) Σ (Ĝ − Â)², Ĝ = F Fᵀ unnormalized, N channels, M = H·W,
    // averaged over the layers with w_l = 1/L. Naive double loops in Double.
    var rng = SplitMix64(seed: 5)
    let net = Self.smallNet(seed: 6)
    let style = Tensor.randomUniform(shape: [1, 3, 8, 8], low: 0, high: 1, using: &rng)
    let x = Tensor.randomUniform(shape: [1, 3, 8, 8], low: 0, high: 1, using: &rng)
    let weights = StyleWeights(content: 0, style: 1, tv: 0)
    let layers = ["relu1", "relu2"]
    let targets = styleTargets(net, content: nil, contentLayer: nil, style: style, styleLayers: layers, weights: weights)
    let term = neuralStyle(net, x, targets: targets, weights: weights).terms.style
    func unnormalizedGram(_ f: Tensor) -> [Double] {
      let (c, m) = (f.shape[1], f.shape[2] * f.shape[3])
      return (0..<(c * c)).map { ij in (0..<m).reduce(0.0) { $0 + Double(f.scalars[(ij / c) * m + $1]) * Double(f.scalars[(ij % c) * m + $1]) } }
    }
    let (tx, ts) = (styleTrace(net, x, weights), styleTrace(net, style, weights))
    var expected = 0.0
    for layer in layers {
      let (f, a) = (tx.activation(layer)!, ts.activation(layer)!)
      let (n, m) = (Double(f.shape[1]), Double(f.shape[2] * f.shape[3]))
      let e = zip(unnormalizedGram(f), unnormalizedGram(a)).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (4 * n * n * m * m)
      expected += e / Double(layers.count)
    }
    #expect(abs(term - expected) / expected < 1e-4, "\(term) vs \(expected)")
  }

  /// The whole objective with content at relu2 (also a style layer) and TV.
  static func fullObjective() -> (Objective, Tensor) {
    var rng = SplitMix64(seed: 31)
    let net = smallNet(seed: 32)
    let content = Tensor.randomUniform(shape: [1, 3, 10, 10], low: 0, high: 1, using: &rng)
    let style = Tensor.randomUniform(shape: [1, 3, 12, 12], low: 0, high: 1, using: &rng)
    let weights = StyleWeights(content: 0.7, style: 300, tv: 0.05)
    let targets = styleTargets(net, content: content, contentLayer: "relu2", style: style, styleLayers: ["relu1", "relu2"], weights: weights)
    let x = Tensor.randomUniform(shape: [1, 3, 10, 10], low: 0.1, high: 0.9, using: &rng)
    return (neuralStyleObjective(net, targets: targets, weights: weights), x)
  }

  @Test func fullObjectiveMatchesCentredDifferences() {
    let (objective, x) = Self.fullObjective()
    var rng = SplitMix64(seed: 33)
    let report = checkObjective(objective, at: x, samples: 24, step: 1e-3, using: &rng)
    #expect(report.worstRelativeError < 1e-2, "\(report)")
  }

  @Test func fullObjectivePassesTheDotProductTest() {
    let (objective, x) = Self.fullObjective()
    var rng = SplitMix64(seed: 34)
    let g = objective(x).gradient
    let check = checkVJP({ Tensor(shape: [1], scalars: [objective($0).value]) }, vjp: { c in c.scalars[0] * g }, at: x, step: 1e-3, using: &rng)
    #expect(check.relativeError < 1e-2, "numeric \(check.numeric), analytic \(check.analytic)")
  }

  /// α = 0, no content target: texture synthesis. The image is small (6 x 6) so that each pixel's
  /// derivative is not lost in the float32 rounding of the objective's value (about 1e-7 of it):
  /// on 12 x 12 the smallest derivatives are 1e-3 of the value and centred differences wander by
  /// a few per cent with the step, while the dot-product test (below) is unaffected.
  static func textureObjective() -> (Objective, Tensor) {
    var rng = SplitMix64(seed: 41)
    let net = smallNet(seed: 42)
    let style = Tensor.randomUniform(shape: [1, 3, 12, 12], low: 0, high: 1, using: &rng)
    let weights = StyleWeights(content: 0, style: 1000, tv: 0)
    let targets = styleTargets(net, content: nil, contentLayer: nil, style: style, styleLayers: ["relu1", "relu2"], weights: weights)
    let x = Tensor.randomUniform(shape: [1, 3, 6, 6], low: 0.1, high: 0.9, using: &rng)
    return (neuralStyleObjective(net, targets: targets, weights: weights), x)
  }

  @Test func textureObjectiveMatchesCentredDifferences() {
    let (objective, x) = Self.textureObjective()
    var rng = SplitMix64(seed: 43)
    let report = checkObjective(objective, at: x, samples: 24, step: 1e-3, using: &rng)
    #expect(report.worstRelativeError < 1e-2, "\(report)")
  }

  @Test func textureObjectivePassesTheDotProductTestOnALargerImage() {
    var rng = SplitMix64(seed: 44)
    let net = Self.smallNet(seed: 45)
    let style = Tensor.randomUniform(shape: [1, 3, 12, 12], low: 0, high: 1, using: &rng)
    let weights = StyleWeights(content: 0, style: 1000, tv: 0)
    let targets = styleTargets(net, content: nil, contentLayer: nil, style: style, styleLayers: ["relu1", "relu2"], weights: weights)
    let x = Tensor.randomUniform(shape: [1, 3, 16, 16], low: 0.1, high: 0.9, using: &rng)
    let objective = neuralStyleObjective(net, targets: targets, weights: weights)
    let g = objective(x).gradient
    let check = checkVJP({ Tensor(shape: [1], scalars: [objective($0).value]) }, vjp: { c in c.scalars[0] * g }, at: x, step: 1e-3, using: &rng)
    #expect(check.relativeError < 1e-2, "numeric \(check.numeric), analytic \(check.analytic)")
  }
}
