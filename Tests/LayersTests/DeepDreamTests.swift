// Tests of DeepDream's pieces (Layers/ImageOptimization/DeepDream.swift): the
// objective ½‖a‖² by hand and by centered differences through a conv net
// with an input normalization; the normalized, jittered step on hand-worked
// lines (the unroll must undo the roll, each image gets its own
// normalization); the octave sizes by hand (scipy nd.zoom's rounding); and
// the pyramid adding nothing when no step is taken.
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct DeepDreamTests {
  /// conv3 (3 -> 4) + BN + ReLU + max-pool + conv3 (4 -> 5) + ReLU, the scene trunk's pattern.
  static func smallNet(seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(name: "conv1", inChannels: 3, outChannels: 4, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn1", channels: 4),
      ReLU(name: "relu1"), MaxPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 4, outChannels: 5, kernelSize: 3, using: &rng), ReLU(name: "relu2"),
    ])
  }

  @Test func objectiveByHand() {
    // One ReLU; the net sees 2 (x − 0.5): x = (1, −2, 3) -> (1, −5, 5) -> a = (1, 0, 5).
    // L = ½ (1 + 25) = 13; dL/dx = 2 · a = (2, 0, 10).
    let net = Sequential([ReLU(name: "r")])
    let (value, gradient) = dreamObjective(net, layer: "r", inputScale: 2, inputOffset: -0.5)(Tensor(shape: [1, 1, 1, 3], scalars: [1, -2, 3]))
    #expect(value == 13)
    #expect(gradient.scalars == [2, 0, 10])
  }

  @Test func objectiveGradientMatchesFiniteDifferencesPerPixel() {
    // Coordinate-wise centered differences where no max-pool switch can flip (before pool1).
    var rng = SplitMix64(seed: 21)
    let x = Tensor.randomUniform(shape: [2, 3, 12, 11], low: 0, high: 1, using: &rng)
    let objective = dreamObjective(Self.smallNet(seed: 22), layer: "relu1", inputScale: 4, inputOffset: -0.5)
    let report = checkObjective(objective, at: x, samples: 24, step: 1e-2, using: &rng)
    #expect(report.worstRelativeError < 1e-2, "\(report)")
  }

  @Test(arguments: ["relu1", "pool1", "relu2"])
  func objectiveGradientPassesTheDotProductTest(layer: String) {
    // d/dh L(x + h t) at 0 = <∇L, t> for random directions t (JAX's check_vjp on the scalar L).
    // h = 1e-3: t moves every pixel at once, and at 1e-2 enough ReLU and max-pool
    // switches flip inside ±h t to bias the difference by ~10% (seen at relu2).
    var rng = SplitMix64(seed: 29)
    let x = Tensor.randomUniform(shape: [2, 3, 12, 11], low: 0, high: 1, using: &rng)
    let objective = dreamObjective(Self.smallNet(seed: 22), layer: layer, inputScale: 4, inputOffset: -0.5)
    for _ in 0..<3 {
      let check = checkVJP(
        { Tensor(shape: [1], scalars: [objective($0).value]) }, vjp: { c in c.scalars[0] * objective(x).gradient }, at: x, step: 1e-3,
        using: &rng)
      #expect(check.relativeError < 1e-2, "\(layer): numeric \(check.numeric), analytic \(check.analytic)")
    }
  }

  @Test func objectiveStopsAtTheLayer() {
    // The value is ½‖a‖² of that layer's output in a full forward pass.
    var rng = SplitMix64(seed: 23)
    let net = Self.smallNet(seed: 24)
    let x = Tensor.randomUniform(shape: [1, 3, 10, 10], low: 0, high: 1, using: &rng)
    var trace = Trace()
    _ = net.forward(x.map { ($0 - 0.5) * 4 }, mode: .test, trace: &trace)
    let a = trace.activation("relu1")!
    let value = dreamObjective(net, layer: "relu1", inputScale: 4, inputOffset: -0.5)(x).value
    #expect(abs(Double(value) - a.dot(a) / 2) <= 1e-5 * a.dot(a))
  }

  /// L = <w, x>, gradient w at every x: not shift-invariant, so a wrong unroll shows.
  static func linear(_ w: [Float], shape: [Int]) -> Objective {
    let wt = Tensor(shape: shape, scalars: w)
    return { x in (Float(x.dot(wt)), wt) }
  }

  @Test func stepUnrollsTheJitter() {
    // w = (1, 0, 2) seen through a roll by dx = 1: the step in the image's own
    // coordinates is roll⁻¹(w) = (w₁, w₂, w₀) = (0, 2, 1); mean|w| = 1, η = 0.3:
    // x = (0.1, 0.2, 0.3) + (0, 0.6, 0.3) = (0.1, 0.8, 0.6); clipped to [0, 0.7]: (0.1, 0.7, 0.6).
    let objective = Self.linear([1, 0, 2], shape: [1, 1, 1, 3])
    var x = Tensor(shape: [1, 1, 1, 3], scalars: [0.1, 0.2, 0.3])
    dreamStep(&x, objective: objective, stepSize: 0.3, jitter: Jitter(dy: 0, dx: 1), pixelRange: 0...0.7)
    for (a, b) in zip(x.scalars, [0.1, 0.7, 0.6] as [Float]) { #expect(abs(a - b) < 1e-6) }
  }

  @Test func eachImageIsNormalizedByItsOwnGradient() {
    // Image 1's gradient is 10 × image 0's: both move by η w / mean|w|, the same step.
    // w₀ = (1, 3), mean 2, η = 0.5: step (0.25, 0.75).
    let objective = Self.linear([1, 3, 10, 30], shape: [2, 1, 1, 2])
    var x = Tensor(shape: [2, 1, 1, 2], scalars: [0, 0, 0, 0])
    dreamStep(&x, objective: objective, stepSize: 0.5, jitter: Jitter(dy: 0, dx: 0), pixelRange: nil)
    for (a, b) in zip(x.scalars, [0.25, 0.75, 0.25, 0.75] as [Float]) { #expect(abs(a - b) < 1e-6) }
  }

  @Test func octaveSizesByHand() {
    // 100 / 1.4 = 71.4 -> 71, 71 / 1.4 = 50.7 -> 51, 51 / 1.4 = 36.4 -> 36;
    // 60 -> 42.9 -> 43, 43 -> 30.7 -> 31, 31 -> 22.1 -> 22 (nd.zoom rounds the output shape).
    let sizes = octaveSizes(height: 100, width: 60, octaves: 4, scale: 1.4)
    #expect(sizes.map(\.height) == [100, 71, 51, 36])
    #expect(sizes.map(\.width) == [60, 43, 31, 22])
  }

  @Test func noStepsGiveTheImageBack() {
    // The pyramid itself adds nothing: zero detail upscaled is zero.
    var rng = SplitMix64(seed: 25)
    let x = Tensor.randomUniform(shape: [1, 3, 30, 26], low: 0, high: 1, using: &rng)
    let objective = dreamObjective(Self.smallNet(seed: 26), layer: "relu2")
    let settings = DreamSettings(octaves: 3, octaveScale: 1.4, iterations: 0, stepSize: 0.01, jitter: 4)
    let (out, octaves) = deepDream(x, objective: objective, settings: settings, using: &rng)
    #expect(out.scalars == x.scalars)
    #expect(octaves.map(\.height) == [15, 21, 30])
    #expect(octaves.allSatisfy { $0.start == $0.base && $0.end == $0.start })
  }

  @Test func dreamingRaisesTheObjectiveAtEveryOctave() {
    var rng = SplitMix64(seed: 27)
    let x = Tensor.randomUniform(shape: [1, 3, 32, 32], low: 0.2, high: 0.8, using: &rng)
    let objective = dreamObjective(Self.smallNet(seed: 28), layer: "relu2", inputScale: 4, inputOffset: -0.5)
    let settings = DreamSettings(octaves: 2, octaveScale: 1.4, iterations: 5, stepSize: 0.01, jitter: 3)
    let (out, octaves) = deepDream(x, objective: objective, settings: settings, using: &rng)
    #expect(octaves.count == 2)
    for o in octaves { #expect(o.end > o.start, "\(o)") }
    #expect(octaves[1].start > octaves[1].base)  // the coarse octave's detail carries over
    #expect(out.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
  }
}
