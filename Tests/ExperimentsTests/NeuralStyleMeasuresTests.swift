// The neural-style chapter's measures on images whose values are worked out
// by hand: patch covariances, the patch-covariance and histogram distances,
// the Gram distance, order inversions; and TextureNetwork's crop, shrink and
// patch sampling (Models).
import ExperimentKit
import Foundation
import Layers
import Models
import Tensor
import Testing

@testable import Experiments

struct NeuralStyleMeasuresTests {
  /// |numeric − analytic| / |analytic| of the derivative along t = ĝ + r/‖r‖ (ĝ the unit gradient,
  /// r random from each seed), by centred differences with h = 1e-3.
  func directionalErrors(_ objective: Objective, at x: Tensor, seeds: Range<Int>) -> [Double] {
    let g = objective(x).gradient
    let unit = Float(1 / g.dot(g).squareRoot()) * g
    let h: Float = 1e-3
    return seeds.map { seed in
      var r = SplitMix64(seed: UInt64(seed))
      let random = Tensor.randomNormal(shape: x.shape, std: 1, using: &r)
      var t = unit
      t.add(random, scaledBy: Float(1 / random.dot(random).squareRoot()))
      var (plus, minus) = (x, x)
      plus.add(t, scaledBy: h)
      minus.add(t, scaledBy: -h)
      let numeric = (Double(objective(plus).value) - Double(objective(minus).value)) / (2 * Double(h))
      return abs(numeric - g.dot(t)) / abs(g.dot(t))
    }
  }

  @Test func patchCovarianceByHand() {
    // One channel, 1 x 3 image (0, 1, 2), mean 1; 1 x 2 patches would need k = 2 rows, so use a 2 x 2 image
    // (0, 2 / 4, 2) with mean 2 and k = 1: the covariance is the variance ((−2)² + 0 + 2² + 0) / 4 = 2.
    let image = Tensor(shape: [1, 1, 2, 2], scalars: [0, 2, 4, 2])
    #expect(NeuralStyle.patchCovariance(image, side: 1) == [2])
    // k = 2: one patch v = x − 2 = (−2, 0, 2, 0); C = v vᵀ.
    let c = NeuralStyle.patchCovariance(image, side: 2)
    #expect(c == [4, 0, -4, 0, 0, 0, 0, 0, -4, 0, 4, 0, 0, 0, 0, 0])
  }

  @Test func patchCovarianceDistanceOfAContrastStretch() {
    // y = m + 2 (x − m) multiplies every covariance (both scales) by 4: ‖4C − C‖ / ‖C‖ = 3. Itself: 0.
    var rng = SplitMix64(seed: 3)
    let x = Tensor.randomUniform(shape: [1, 3, 12, 12], low: 0, high: 1, using: &rng)
    let m = x.scalars.reduce(0, +) / Float(x.count)
    let stretched = x.map { m + 2 * ($0 - m) }
    #expect(abs(NeuralStyle.patchCovarianceDistance(stretched, x) - 3) < 1e-4)
    #expect(NeuralStyle.patchCovarianceDistance(x, x) == 0)
    // A constant shift leaves the covariance unchanged.
    #expect(NeuralStyle.patchCovarianceDistance(x.map { $0 + 0.2 }, x) < 1e-5)
  }

  @Test func histogramDistanceOfAShift() {
    var rng = SplitMix64(seed: 4)
    let x = Tensor.randomUniform(shape: [1, 3, 10, 10], low: 0, high: 1, using: &rng)
    #expect(abs(NeuralStyle.histogramDistance(x.map { $0 + 0.1 }, x) - 0.1) < 1e-6)
    // A permutation of the pixels has the same histogram.
    #expect(NeuralStyle.histogramDistance(Tensor(shape: x.shape, scalars: x.scalars.reversed()), x) == 0)
  }

  @Test func gramDistanceOfItselfAndOfAStretch() {
    // relu1 of a net with one 1x1 conv (weight 1, bias 0) over one channel on input 2 (x − 0.5):
    // positive inputs scaled by 3 give 9 × the Gram, a relative squared error of 8² = 64.
    let conv = Conv2D(name: "conv1", weight: Tensor(shape: [1, 1, 1, 1], scalars: [1]), bias: Tensor(zeros: [1]))
    let net = Sequential([conv, ReLU(name: "relu1")])
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [0.6, 0.7, 0.9, 1.0])
    let w = StyleWeights(content: 0, style: 1, tv: 0)
    #expect(NeuralStyle.gramDistance(net, x, x, layers: ["relu1"], weights: w) == 0)
    let y = x.map { 0.5 + 3 * ($0 - 0.5) }
    #expect(abs(NeuralStyle.gramDistance(net, y, x, layers: ["relu1"], weights: w) - 64) < 1e-3)
  }

  @Test func inversionsByHand() {
    #expect(NeuralStyle.inversions([1, 2, 3, 4], increasing: true) == 0)
    #expect(NeuralStyle.inversions([1, 3, 2, 4], increasing: true) == 1)
    #expect(NeuralStyle.inversions([4, 3, 3.5, 1], increasing: false) == 1)
  }

  @Test func cropFlipsAndShrinkAverages() {
    // 1 channel 4 x 4 ramp 0..15: the 2 x 2 crop at (1, 2) is (9, 10, 13, 14); flipped (10, 9, 14, 13).
    let ramp = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
    #expect(TextureNetwork.crop(ramp, x: 1, y: 2, side: 2).scalars == [9, 10, 13, 14])
    #expect(TextureNetwork.crop(ramp, x: 1, y: 2, side: 2, flip: true).scalars == [10, 9, 14, 13])
    // A constant image stays constant when shrunk.
    let flat = TextureNetwork.shrunk(Tensor(shape: [1, 3, 16, 16], repeating: 0.3), by: 4)
    #expect(flat.shape == [1, 3, 4, 4] && flat.scalars.allSatisfy { abs($0 - 0.3) < 1e-5 })
  }

  @Test func trunkSharesTheClassifiersWeightsAndKeepsRelu4() {
    let classifier = TextureNetwork.classifier(seed: 1, classes: 3)
    let trunk = TextureNetwork.trunk(of: classifier)
    #expect(trunk.outputName == "relu4")
    #expect(trunk.layers.first === classifier.layers.first)
    // Any input size runs: 40 px -> relu4 at 5 x 5 with 128 channels.
    #expect(trunk.forward(Tensor(zeros: [1, 3, 40, 40]), mode: .test).shape == [1, 128, 5, 5])
  }

  @Test func patchesComeFromTheirColumns() {
    // Image 0 is 0 on its left 60% and 1 on the rest: training patches (columns 0...0.6) are all 0, test ones all 1.
    let w = 80
    let image = Tensor(shape: [1, 3, 40, w], scalars: (0..<(3 * 40 * w)).map { Float(($0 % w) >= 48 ? 1 : 0) })
    var rng = SplitMix64(seed: 9)
    let train = TexturePatchClassifier.patches([image], count: 5, columns: 0...0.6, using: &rng)
    let test = TexturePatchClassifier.patches([image], count: 5, columns: 0.6...1, using: &rng)
    #expect(train.images.scalars.allSatisfy { $0 == 0 } && test.images.scalars.allSatisfy { $0 == 1 })
    #expect(train.labels == [0, 0, 0, 0, 0] && train.images.shape == [5, 3, 32, 32])
  }

  @Test func theChaptersObjectiveMatchesDirectionalDifferences() {
    // The random TextureNetwork with everything the sweep uses: content at relu3 (also a style
    // layer), Grams at relu1..relu4, TV. A step of h along a purely random direction crosses ReLU
    // kinks, and where the directional derivative is small beside the objective that costs a lot:
    // for the content term alone, one direction gave 17%, 12% and 0.2% at h = 1e-2, 1e-3, 1e-4 (the
    // size of the error an earlier attempt reported), falling with h as kinks do and a wrong
    // gradient would not; at h = 1e-4 the float32 rounding of the value takes over. So the test
    // uses directions t = ĝ + r/‖r‖ (ĝ the unit gradient, r random): along them the derivative is
    // large, and a gradient g that differs from the true one g* shows, since g*·t ≠ g·t unless g* − g ⟂ t.
    var rng = SplitMix64(seed: 12)
    let net = TextureNetwork.random(seed: 11)
    let content = Tensor.randomUniform(shape: [1, 3, 24, 24], low: 0, high: 1, using: &rng)
    let style = Tensor.randomUniform(shape: [1, 3, 32, 32], low: 0, high: 1, using: &rng)
    let weights = StyleWeights(content: 3, style: 3e4, tv: 0.5)
    let targets = styleTargets(net, content: content, contentLayer: TextureNetwork.contentLayer, style: style, styleLayers: TextureNetwork.styleLayers, weights: weights)
    let objective = neuralStyleObjective(net, targets: targets, weights: weights)
    let x = Tensor.randomUniform(shape: [1, 3, 24, 24], low: 0.1, high: 0.9, using: &rng)
    let errors = directionalErrors(objective, at: x, seeds: 13..<17)
    #expect(errors.allSatisfy { $0 < 1e-2 }, "relative errors in four directions: \(errors)")
  }

  @Test func theMultiScaleObjectiveSumsItsBranchesAndItsGradientChecks() {
    // Three branches (3, 5, 9 px filters): the value is the sum of the branches' own objectives, and
    // the summed gradient passes directional differences. (Per pixel, one coordinate of the 5 px
    // branch was off by 2.3e-3 at h = 1e-2, 1.5e-3 at 1e-3 and 1e-5 at 3e-4: a zero-bias ReLU near
    // its kink, the error vanishing with h, where a wrong gradient's would stay.)
    var rng = SplitMix64(seed: 21)
    let branches = NeuralStyle.multiScaleBranches(seed: 22, sizes: [3, 5, 9], channels: 4)
    let texture = Tensor.randomUniform(shape: [1, 3, 12, 12], low: 0, high: 1, using: &rng)
    let x = Tensor.randomUniform(shape: [1, 3, 7, 7], low: 0.1, high: 0.9, using: &rng)
    let w = StyleWeights(content: 0, style: 100, tv: 0)
    let objective = NeuralStyle.multiScaleObjective(branches, texture: texture, weights: w)
    let separate = branches.map { b in
      neuralStyleObjective(b, targets: styleTargets(b, content: nil, contentLayer: nil, style: texture, styleLayers: ["relu"], weights: w), weights: w)(x).value
    }
    #expect(abs(objective(x).value - separate.reduce(0, +)) < 1e-5 * separate.reduce(0, +))
    #expect(directionalErrors(objective, at: x, seeds: 31..<35).allSatisfy { $0 < 1e-2 })
  }

  @Test func configErrorsNameTheField() throws {
    try NeuralStyle.validate(NeuralStyle.quick)
    try NeuralStyle.validate(NeuralStyle.full)
    func message(_ change: (inout NeuralStyle.Config) -> Void) -> String {
      var c = NeuralStyle.quick
      change(&c)
      do { try NeuralStyle.validate(c) } catch { return "\(error)" }
      return "no error"
    }
    #expect(message { $0.textureSide = 80 }.contains("textureSide 80"))  // two 80 px crops do not fit in 128 px
    #expect(message { $0.multiScaleSizes = [3, 6] }.contains("multiScaleSizes [3, 6]"))
    #expect(message { $0.styleRatios = [] }.contains("styleRatios"))
    #expect(message { $0.downscale = 0 }.contains("downscale 0"))
  }
}
