// Independent tests of the library functions the assignments grade that are
// new with them: the naive backward passes (against centered differences of
// the naive forward and against the fast layers' backward), the saliency map,
// the class-visualization step and FGSM (by hand).
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct NaiveBackwardTests {
  @Test(arguments: [(1, 1), (2, 1), (1, 0), (2, 2)])
  func convBackwardPassesTheDotProductTestAndMatchesConv2D(stride: Int, padding: Int) {
    var rng = SplitMix64(seed: 41)
    let x = Tensor.randomNormal(shape: [2, 3, 7, 6], std: 1, using: &rng)
    let w = Tensor.randomNormal(shape: [4, 3, 3, 3], std: 0.5, using: &rng)
    let b = Tensor.randomNormal(shape: [4], std: 1, using: &rng)
    let y = Reference.conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
    let dout = Tensor.randomNormal(shape: y.shape, std: 1, using: &rng)
    let g = Reference.conv2dBackward(dout, input: x, weight: w, stride: stride, padding: padding)
    let dx = checkVJP(
      { Reference.conv2d($0, weight: w, bias: b, stride: stride, padding: padding) },
      vjp: { Reference.conv2dBackward($0, input: x, weight: w, stride: stride, padding: padding).dx }, at: x, using: &rng)
    let dw = checkVJP(
      { Reference.conv2d(x, weight: $0, bias: b, stride: stride, padding: padding) },
      vjp: { Reference.conv2dBackward($0, input: x, weight: w, stride: stride, padding: padding).dw }, at: w, using: &rng)
    #expect(dx.relativeError < 1e-3 && dw.relativeError < 1e-3, "dx \(dx), dw \(dw)")
    let plane = y.shape[2] * y.shape[3]
    let db1 = (0..<2).reduce(0.0) { sum, i in sum + (0..<plane).reduce(0.0) { $0 + Double(dout.scalars[(i * 4 + 1) * plane + $1]) } }
    #expect(abs(Double(g.db.scalars[1]) - db1) < 1e-4)  // db = Σ over images and positions
    // The fast layer's backward computes the same gradients another way (im2col).
    let layer = Conv2D(name: "c", weight: w, bias: b, stride: stride, padding: padding)
    let (_, cache) = layer.forward(x, mode: .train)
    let fastDx = layer.backward(dout, cache: cache, rule: .gradient)
    #expect(fastDx.maxAbsDifference(g.dx) < 1e-4)
    #expect(layer.weight.grad.maxAbsDifference(g.dw) < 1e-4 && layer.bias.grad.maxAbsDifference(g.db) < 1e-4)
  }

  @Test func maxPoolBackwardMatchesMaxPool2DIncludingOverlapsAndTies() {
    var rng = SplitMix64(seed: 42)
    for (size, stride, ties) in [(2, 2, false), (3, 2, false), (2, 2, true), (3, 1, true)] {
      var x = Tensor.randomNormal(shape: [2, 3, 7, 7], std: 1, using: &rng)
      if ties { x = x.map { $0.rounded() } }
      let layer = MaxPool2D(name: "m", size: size, stride: stride)
      let (y, cache) = layer.forward(x, mode: .train)
      let dout = Tensor.randomNormal(shape: y.shape, std: 1, using: &rng)
      #expect(layer.backward(dout, cache: cache, rule: .gradient).maxAbsDifference(Reference.maxPoolBackward(dout, input: x, size: size, stride: stride)) < 1e-6)
    }
    // By hand: one 2x2 window [1, 3; 3, 2], the first 3 (row-major) takes the gradient.
    let dx = Reference.maxPoolBackward(Tensor(shape: [1, 1, 1, 1], scalars: [5]), input: Tensor(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 2]), size: 2, stride: 2)
    #expect(dx.scalars == [0, 5, 0, 0])
  }
}

struct VisualizationFunctionTests {
  @Test func saliencyIsTheLargestAbsoluteGradientOverChannels() {
    // 2 channels of a 1x3 image: |(-3, 1, 0)| vs |(2, -4, 0)| -> (3, 4, 0).
    let g = Tensor(shape: [1, 2, 1, 3], scalars: [-3, 1, 0, 2, -4, 0])
    let map = saliencyMap(gradient: g)
    #expect(map.shape == [1, 1, 3])
    #expect(map.scalars == [3, 4, 0])
  }

  @Test func classVisualizationTakesANormalizedRegularizedStep() {
    // x = (1, 0), g = (0, 3), λ = 0.5: d = g - 2λx = (-1, 3), |d| = √10; x' = x + η d / √10.
    let x = Tensor(shape: [2], scalars: [1, 0])
    let next = classVisualizationStep(image: x, scoreGradient: Tensor(shape: [2], scalars: [0, 3]), l2Regularization: 0.5, learningRate: 2)
    let s = 2 / Float(10).squareRoot()
    #expect(abs(next.scalars[0] - (1 - s)) < 1e-6 && abs(next.scalars[1] - 3 * s) < 1e-6)
    // A zero direction leaves the image as it is.
    #expect(classVisualizationStep(image: Tensor(zeros: [3]), scoreGradient: Tensor(zeros: [3]), l2Regularization: 1, learningRate: 1).scalars == [0, 0, 0])
  }

  @Test func fgsmStepsBySignAndClamps() {
    let x = Tensor(shape: [4], scalars: [0.5, 0.95, 0.02, 0.3])
    let g = Tensor(shape: [4], scalars: [2, 0.1, -7, 0])
    #expect(fastGradientSign(image: x, lossGradient: g, epsilon: 0.1).scalars.map { ($0 * 1000).rounded() / 1000 } == [0.6, 1.05, -0.08, 0.3])
    #expect(fastGradientSign(image: x, lossGradient: g, epsilon: 0.1, range: 0...1).scalars.map { ($0 * 1000).rounded() / 1000 } == [0.6, 1, 0, 0.3])
  }

  @Test func gramCacheFromFeaturesMatchesTheForwardCache() {
    var rng = SplitMix64(seed: 43)
    let f = Tensor.randomNormal(shape: [1, 3, 4, 5], std: 1, using: &rng)
    let dG = Tensor.randomNormal(shape: [3, 3], std: 1, using: &rng)
    #expect(gramBackward(dG, cache: gramForward(f).cache) == gramBackward(dG, cache: GramCache(features: f)))
  }
}
