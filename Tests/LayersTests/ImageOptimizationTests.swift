// Tests of the image-optimization pieces: Gaussian blur (values by hand and
// pinned from scipy, adjoint by the dot-product identity), jitter as an exact
// roll, Yosinski's regularizers on hand-worked images, the normalized step,
// `minimize`'s projection hook, gradients through jitter and blur, and the
// Gram style loss against PyTorch (scripts/crosscheck_style.py).
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct GaussianBlurTests {
  @Test func weightsByHand() {
    // σ = 0.5: radius round(4σ) = 2, raw weights exp(-2k²) = 1, e^-2, e^-8.
    let blur = GaussianBlur(sigma: 0.5)
    let raw = [exp(-8.0), exp(-2.0), 1, exp(-2.0), exp(-8.0)]
    let total = raw.reduce(0, +)
    #expect(blur.radius == 2)
    for (w, r) in zip(blur.weights, raw) { #expect(abs(Double(w) - r / total) < 1e-7) }
  }

  @Test func reflectedBorderByHand() {
    // A unit impulse at the first pixel of a 1 x 7 line: the reflected copy
    // at index -1 adds w₁, index -2 (= pixel 1, zero) adds nothing.
    let blur = GaussianBlur(sigma: 0.5)
    var line = Tensor(zeros: [1, 1, 1, 7])
    line.scalars[0] = 1
    let out = blur(line)
    #expect(abs(out.scalars[0] - (blur.weights[2] + blur.weights[1])) < 1e-7)
    #expect(abs(out.scalars[1] - (blur.weights[1] + blur.weights[0])) < 1e-7)  // w₁ from pixel 0; w₂ from the reflected pixel 0 at -1
    #expect(out.scalars[4] == 0)
  }

  @Test func keepsConstantImages() {
    let blur = GaussianBlur(sigma: 1.0)  // radius 4 > the 3-pixel side: reflection wraps twice
    let out = blur(Tensor(shape: [1, 2, 3, 5], repeating: 0.7))
    #expect(out.scalars.allSatisfy { abs($0 - 0.7) < 1e-6 })
  }

  /// Pinned from scipy.ndimage.gaussian_filter1d (scripts/crosscheck_blur.py, scipy 1.17.1).
  @Test(arguments: [(0.5, [0.9638918, -0.1377914, -0.5180065, -0.2897757]), (1.0, [0.7525561, -0.0823596, -0.0164974, -0.2073401])])
  func blurMatchesScipy(sigma: Double, expected: [Float]) {
    let (h, w) = (5, 6)
    var x = Tensor(zeros: [1, 1, h, w])
    for i in 0..<h { for j in 0..<w { x.scalars[i * w + j] = Float(cos(0.8 * Double(i * i) + 0.45 * Double(j)) + 0.1 * Double(j)) } }
    let out = GaussianBlur(sigma: sigma)(x)
    for (index, value) in zip([0, 5, 13, 29], expected) { #expect(abs(out.scalars[index] - value) < 1e-5, "index \(index)") }
  }

  @Test(arguments: [0.5, 1.0, 2.0])
  func adjointIdentity(sigma: Double) {
    var rng = SplitMix64(seed: 11)
    let blur = GaussianBlur(sigma: sigma)
    let x = Tensor.randomNormal(shape: [2, 3, 7, 5], std: 1, using: &rng)
    let y = Tensor.randomNormal(shape: [2, 3, 7, 5], std: 1, using: &rng)
    let lhs = blur(x).dot(y), rhs = x.dot(blur.adjoint(y))
    #expect(abs(lhs - rhs) <= 1e-5 * max(abs(lhs), 1), "<Bx,y> = \(lhs), <x,Bᵀy> = \(rhs)")
  }

  @Test func reflectedBlurIsSymmetric() {
    // Half-sample reflection with a symmetric kernel gives a symmetric matrix
    // (B₀₁ = w₁ + w₂ = B₁₀ at the border, and so on): the adjoint, computed by
    // scattering, equals the blur itself.
    var rng = SplitMix64(seed: 12)
    let blur = GaussianBlur(sigma: 1.0)
    let y = Tensor.randomNormal(shape: [1, 1, 6, 6], std: 1, using: &rng)
    #expect(blur(y).maxAbsDifference(blur.adjoint(y)) < 1e-5)
  }
}

struct JitterTests {
  @Test func rollsLikeTorchRoll() {
    // torch.roll(x, shifts=(1, -2), dims=(2, 3)) on x = arange(12).reshape(1, 1, 3, 4), by hand.
    let x = Tensor(shape: [1, 1, 3, 4], scalars: (0..<12).map(Float.init))
    let out = Jitter(dy: 1, dx: -2)(x)
    #expect(out.scalars == [10, 11, 8, 9, 2, 3, 0, 1, 6, 7, 4, 5])
  }

  @Test func inverseAndAdjointAreExact() {
    var rng = SplitMix64(seed: 13)
    let x = Tensor.randomNormal(shape: [2, 3, 7, 9], std: 1, using: &rng)
    let y = Tensor.randomNormal(shape: [2, 3, 7, 9], std: 1, using: &rng)
    for _ in 0..<10 {
      let j = Jitter.random(maximum: 10, using: &rng)
      #expect(j.inverse(j(x)).scalars == x.scalars)
      #expect(j(x).dot(y) == x.dot(j.inverse(y)) || abs(j(x).dot(y) - x.dot(j.inverse(y))) < 1e-9)
    }
  }

  @Test func randomShiftsCoverTheRange() {
    var rng = SplitMix64(seed: 14)
    let shifts = (0..<500).map { _ in Jitter.random(maximum: 2, using: &rng) }
    #expect(Set(shifts.map(\.dy)) == [-2, -1, 0, 1, 2])
    #expect(Set(shifts.map(\.dx)) == [-2, -1, 0, 1, 2])
  }

  @Test func gradientThroughJitteredNetwork() {
    // d/dx <c, net(roll(x))> = roll⁻¹(netᵀ c): the class-visualization objective's chain.
    // A conv + max-pool net (pooling is position-dependent, so a wrong roll
    // direction shows); random inputs with distinct values keep pools tie-free.
    var rng = SplitMix64(seed: 15)
    let net = Sequential([
      Conv2D(name: "conv", inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, using: &rng), MaxPool2D(name: "pool"),
      Flatten(name: "flatten"), Linear(name: "fc", inputs: 4 * 4 * 4, outputs: 3, using: &rng),
    ])
    let shift = Jitter(dy: 2, dx: -3)
    let x = Tensor.randomNormal(shape: [2, 1, 8, 8], std: 1, using: &rng)
    var trace = Trace()
    _ = net.forward(shift(x), mode: .test, trace: &trace)
    let r = checkVJP({ net.forward(shift($0), mode: .test) }, vjp: { shift.inverse(trace.backward(seeds: [net.outputName: $0])) }, at: x, step: 1e-3, using: &rng)
    #expect(r.relativeError < 1e-2, "\(r)")
  }
}

struct YosinskiRegularizerTests {
  @Test func table1IsThePapers() {
    let t = YosinskiRegularization.table1
    #expect(t.map(\.decay) == [0, 0.3, 0.0001, 0])
    #expect(t.map(\.blurWidth) == [0.5, 0, 1.0, 0.5])
    #expect(t.map(\.blurEvery) == [4, 0, 4, 4])
    #expect(t.map(\.normPercentile) == [50, 20, 0, 0])
    #expect(t.map(\.contributionPercentile) == [0, 0, 0, 90])
  }

  @Test func decayScales() {
    var x = Tensor(shape: [1, 1, 1, 3], scalars: [1, -2, 4])
    YosinskiRegularization(decay: 0.25).apply(&x, ascent: Tensor(zeros: x.shape), step: 0)
    #expect(x.scalars == [0.75, -1.5, 3])
  }

  @Test func normClipByHand() {
    // Two channels, 4 pixels; squared norms 2, 0.02, 8, 0.5. The 50th
    // percentile is the value at rank 2 of the sorted list (0.02, 0.5, 2, 8): 2.
    // Pixels below it (norms 0.02 and 0.5) go to zero in both channels.
    var x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 0.1, 2, -0.5, 1, 0.1, -2, 0.5])
    YosinskiRegularization(normPercentile: 50).apply(&x, ascent: Tensor(zeros: x.shape), step: 0)
    #expect(x.scalars == [1, 0, 2, 0, 1, 0, -2, 0])
  }

  @Test func contributionClipByHand() {
    // One channel: contributions |x g| = 0.5, 6, 0.1, 2, 3; 40th percentile
    // = rank 2 of (0.1, 0.5, 2, 3, 6) = 2: pixels with 0.5 and 0.1 go.
    var x = Tensor(shape: [1, 1, 1, 5], scalars: [1, 2, -1, 4, 3])
    let g = Tensor(shape: [1, 1, 1, 5], scalars: [0.5, 3, 0.1, -0.5, 1])
    YosinskiRegularization(contributionPercentile: 40).apply(&x, ascent: g, step: 0)
    #expect(x.scalars == [0, 2, 0, 4, 3])
  }

  @Test func blursOnlyEveryKSteps() {
    var rng = SplitMix64(seed: 16)
    let x0 = Tensor.randomNormal(shape: [1, 1, 6, 6], std: 1, using: &rng)
    let r = YosinskiRegularization(blurWidth: 0.5, blurEvery: 4)
    var x = x0
    r.apply(&x, ascent: x0, step: 0)
    #expect(x.scalars == x0.scalars)
    r.apply(&x, ascent: x0, step: 3)
    #expect(x.maxAbsDifference(GaussianBlur(sigma: 0.5)(x0)) == 0)
  }
}

struct ImageOptimizerTests {
  @Test func normalizedStepHasFixedLengthPerImage() {
    let p = Parameter(name: "x", Tensor(zeros: [2, 1, 2, 2]))
    p.grad = Tensor(shape: [2, 1, 2, 2], scalars: [3, 0, 4, 0, 0.01, 0, 0, 0])
    var step = NormalizedGradientStep(learningRate: 0.5)
    step.step([p])
    #expect(p.value.scalars == [-0.3, 0, -0.4, 0, -0.5, 0, 0, 0])
  }

  @Test func minimizeProjectsAfterEveryStep() {
    // Minimize (x - 3)² from 0 with plain SGD, clamped to [0, 1] after each step: ends at 1.
    var seen: [Int] = []
    var sgd = SGD(learningRate: 0.1)
    let x = minimize({ x in (Float((x.scalars[0] - 3) * (x.scalars[0] - 3)), Tensor([2 * (x.scalars[0] - 3)])) },
      from: Tensor([0]), steps: 40, optimizer: &sgd,
      project: { step, x, _ in seen.append(step); x = x.map { min(max($0, 0), 1) } })
    #expect(x.scalars == [1])
    #expect(seen == Array(0..<40))
  }
}

struct StyleLossCrossCheckTests {
  /// Pinned from PyTorch 2.13 (scripts/crosscheck_style.py): ((F Fᵀ / (C·H·W) - A)²).sum().
  @Test func styleLossMatchesPyTorch() {
    let (c, h, w) = (3, 4, 5)
    var f = Tensor(zeros: [1, c, h, w])
    for k in 0..<c {
      for i in 0..<h {
        for j in 0..<w { f.scalars[(k * h + i) * w + j] = Float(sin(1.3 * Double(k) + 0.7 * Double(i) + 0.31 * Double(j) + 0.1) + 0.05 * Double(k)) }
      }
    }
    var a = Tensor(zeros: [c, c])
    for i in 0..<c { for j in 0..<c { a.scalars[i * c + j] = Float(0.02 * Double(i + 1) * cos(0.9 * Double(i) - 0.4 * Double(j))) } }
    let (value, gradient) = styleLoss(features: f, targetGram: a)
    #expect(abs(value - 0.0912960172) < 1e-6)
    let expected: [(Int, Float)] = [(0, -0.00151594752), (7, 0.0175628811), (19, -0.00386856124), (23, 0.00784448255), (41, -0.00147114124), (59, 0.00121508725)]
    for (i, v) in expected { #expect(abs(gradient.scalars[i] - v) < 1e-6, "grad[\(i)] = \(gradient.scalars[i]), torch \(v)") }
    #expect(abs(gradient.sum() - 0.0824118853) < 1e-5)
    #expect(abs(gradient.scalars.map { Double(abs($0)) }.reduce(0, +) - 0.549421608) < 1e-5)
  }

}

struct AlphaNormTests {
  @Test func byHand() {
    // u = (x - 0.5) / 0.5 = 1, -2, 0: Σ u⁶ = 1 + 64 = 65; gradient 6u⁵ / 0.5 = 12, -384, 0.
    let (value, gradient) = alphaNorm(Tensor([1, -0.5, 0.5]))
    #expect(value == 65)
    #expect(gradient.scalars == [12, -384, 0])
  }

  @Test func gradientCheck() {
    var rng = SplitMix64(seed: 18)
    // Away from the centre, where u⁵ is too small for float32 differences.
    let x = Tensor.randomUniform(shape: [1, 1, 4, 4], low: 0.3, high: 0.7, using: &rng).map { $0 < 0.5 ? $0 - 0.5 : $0 + 0.3 }
    let r = checkObjective({ alphaNorm($0) }, at: x, step: 1e-3, using: &rng)
    #expect(r.worstRelativeError < 1e-2, "\(r)")
  }
}
