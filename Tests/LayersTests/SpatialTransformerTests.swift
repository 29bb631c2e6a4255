// The spatial transformer's grid generator and sampler: PyTorch's
// affine_grid / grid_sample (bilinear, zeros padding) pinned for both
// align_corners settings (fixtures printed by
// scripts/crosscheck_spatial_transformer.py, torch 2.13, float64), gradient
// checks of both backward passes, and cases worked out by hand.
import Foundation
import Testing

@testable import Layers
@testable import Tensor

enum TorchSpatialTransformer {
  static let (n, c, h, w, ho, wo) = (2, 2, 4, 5, 3, 4)
  static let input = Tensor(shape: [n, c, h, w], scalars: (0..<(n * c * h * w)).map { Float((7 * $0) % 11) / 10 - 0.5 })
  static let theta = Tensor(shape: [2, 2, 3], scalars: [0.8, -0.35, 0.1, 0.3, 0.9, -0.15, 1.3, 0.2, 0.45, -0.25, 1.1, 0.6])
  static let upstream = Tensor(shape: [n, c, ho, wo], scalars: (0..<(n * c * ho * wo)).map { Float((5 * $0) % 7) / 7 - 0.4 })
  // align_corners=False
  static let unalignedGrid: [Float] = [-0.2666667, -0.975, 0.1333333, -0.825, 0.5333333, -0.675, 0.9333333, -0.525, -0.5, -0.375, -0.1, -0.225, 0.3, -0.075, 0.7, 0.075, -0.7333333, 0.225, -0.3333333, 0.375, 0.06666667, 0.525, 0.4666667, 0.675, -0.6583333, 0.05416667, -0.008333333, -0.07083333, 0.6416667, -0.1958333, 1.291667, -0.3208333, -0.525, 0.7875, 0.125, 0.6625, 0.775, 0.5375, 1.425, 0.4125, -0.3916667, 1.520833, 0.2583333, 1.395833, 0.9083333, 1.270833, 1.558333, 1.145833]
  static let unalignedOutput: [Float] = [0.03666667, 0.02833333, 0.2866667, 0.1266667, 0.175, 0.09625, -0.23, 0.255, -0.1675, -0.3333333, 0.2433333, -0.06916667, -0.1283333, -0.2266667, 0.09666667, -0.07333333, 0.15, -0.19, 0.00625, 0.05125, -0.2475, 0.2833333, -0.05666667, -0.2133333, 0.18, 0.1711285, -0.12, 0, -0.01734375, -0.01625, 0.04, 0, 0, 0, 0, 0, -0.12, 0.2570833, 0.1725868, 0, 0.023125, -0.1839063, -0.26, 0, 0, 0, 0, 0]
  static let unalignedInputGradient: [Float] = [0.02857143, -0.06095238, 0.1047619, 0.1052381, -0.08619048, 0.09880952, 0.3004762, 0.1035714, -0.08785714, -0.1807143, 0.2488095, 0.0697619, -0.09642857, -0.05714286, -0.1835714, 0, 0.005952381, -0.1166667, 0.3002381, 0.0647619, 0.001785714, 0.06821429, -0.03333333, -0.2590476, 0.001904762, 0.0005952381, -0.04595238, -0.1089286, 0.1978571, 0.1192857, -0.09047619, -0.2713095, 0.09821429, 0.175, 0.08428571, 0, -0.08333333, 0.127381, 0.04904762, 0.004047619, 0, 0, 0, 0, 0, -0.06504464, -0.02955853, 0.2872222, 0.06050595, 0.09235119, -0.1010268, -0.05198909, 0.1982093, 0.02529762, 0.02260417, -0.115625, -0.254375, 0.1782589, 0.08205357, 0.01540179, 0, 0, 0, 0, 0, 0.07949901, 0.04397817, 0.01795139, -0.09075893, -0.1385268, 0.1234772, 0.06792659, -0.003725198, -0.02790179, -0.1762054, 0.04955357, 0.1090179, -0.06482143, -0.04383929, -0.215625]
  static let unalignedThetaGradient: [Float] = [-0.7766964, -0.8640476, 1.523929, -0.4316667, 0.2012698, -0.8885714, 0.4029315, 0.1349603, -0.2320833, 0.1746726, 0.306746, -0.3794048]
  // align_corners=True
  static let alignedGrid: [Float] = [-0.35, -1.35, 0.1833333, -1.15, 0.7166667, -0.95, 1.25, -0.75, -0.7, -0.45, -0.1666667, -0.25, 0.3666667, -0.05, 0.9, 0.15, -1.05, 0.45, -0.5166667, 0.65, 0.01666667, 0.85, 0.55, 1.05, -1.05, -0.25, -0.1833333, -0.4166667, 0.6833333, -0.5833333, 1.55, -0.75, -0.85, 0.85, 0.01666667, 0.6833333, 0.8833333, 0.5166667, 1.75, 0.35, -0.65, 1.95, 0.2166667, 1.783333, 1.083333, 1.616667, 1.95, 1.45]
  static let alignedOutput: [Float] = [0.038, 0.04391667, 0.2949167, 0.0875, 0.085, 0.1125, -0.2083333, 0.305, -0.0585, -0.3916667, 0.3416667, -0.037, -0.1045, -0.1885833, 0.04166667, -0.0625, 0.225, -0.1416667, -0.0445, 0.0655, -0.3285, 0.3716667, 0.04166667, -0.21275, 0.2025, 0.2183333, -0.1216667, 0, -0.16175, -0.2716667, 0.04833333, 0, 0, 0, 0.00625, 0, -0.0675, -0.03125, -0.01833333, 0, 0.135, -0.06658333, -0.2516667, 0, 0, 0, -0.0125, 0]
  static let alignedInputGradient: [Float] = [0.032, -0.085, 0.0972619, 0.1042857, -0.06890476, 0.1508571, 0.2762857, 0.08247619, -0.06897619, -0.1352857, 0.2338571, 0.02164286, -0.05459524, -0.09554762, -0.232, 0.04995238, 0.01311905, -0.1926429, 0.3739286, 0.04228571, 0.002, 0.06, -0.03166667, -0.2421429, -0.06211905, 0.009428571, -0.06085714, -0.07990476, 0.1851905, 0.08364286, -0.09185714, -0.2137143, 0.0987381, 0.1696905, 0.09942857, -0.02433333, -0.1836667, 0.2354524, 0.03190476, 0.002642857, 0, 0.02095238, 0.03619048, 0.04071429, 0.02357143, -0.2025, 0.1466667, 0.2533333, 0.06785714, 0.03928571, -0.09192857, -0.027, 0.1443095, 0.009809524, 0.01588095, -0.217, -0.093, 0.1595, 0.007333333, -0.001119048, 0, 0.001309524, 0.002261905, -0.06107143, -0.03535714, 0.2475, 0.009166667, 0.01583333, -0.1017857, -0.05892857, 0.06235714, 0.01157143, -0.05247619, -0.06947619, -0.2223333, 0.093, 0.03985714, -0.058, -0.02766667, -0.0557619]
  static let alignedThetaGradient: [Float] = [-1.032905, -1.661571, 0.5001429, -0.3105238, 0.1627143, -0.7184286, 0.2432857, 0.003285714, 0.225, -0.5352857, 0.01042857, 0.771]
}

func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
  return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

struct SpatialTransformerTests {
  typealias T = TorchSpatialTransformer

  @Test(arguments: [false, true])
  func matchesTorch(alignCorners: Bool) {
    let grid = AffineGrid(height: T.ho, width: T.wo, alignCorners: alignCorners)
    let sampler = BilinearSampler(alignCorners: alignCorners)
    let points = grid(T.theta)
    let out = sampler(T.input, grid: points)
    let (dx, dgrid) = sampler.backward(T.upstream, input: T.input, grid: points)
    let dtheta = grid.backward(dgrid)
    #expect(points.shape == [T.n, T.ho, T.wo, 2] && out.shape == [T.n, T.c, T.ho, T.wo])
    #expect(maxDifference(points.scalars, alignCorners ? T.alignedGrid : T.unalignedGrid) < 1e-5)
    #expect(maxDifference(out.scalars, alignCorners ? T.alignedOutput : T.unalignedOutput) < 1e-5)
    #expect(maxDifference(dx.scalars, alignCorners ? T.alignedInputGradient : T.unalignedInputGradient) < 1e-5)
    #expect(maxDifference(dtheta.scalars, alignCorners ? T.alignedThetaGradient : T.unalignedThetaGradient) < 1e-4)
  }

  @Test(arguments: [false, true])
  func identityCopiesAndAWholePixelShiftMoves(alignCorners: Bool) {
    let x = T.input
    let grid = AffineGrid(height: T.h, width: T.w, alignCorners: alignCorners)
    let sampler = BilinearSampler(alignCorners: alignCorners)
    let identity = Tensor(shape: [2, 2, 3], scalars: [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0])
    #expect(maxDifference(sampler(x, grid: grid(identity)).scalars, x.scalars) < 1e-6)
    // Reading one pixel to the right: x shifts left and a column of zeros enters.
    let step: Float = alignCorners ? 2 / Float(T.w - 1) : 2 / Float(T.w)
    let shift = Tensor(shape: [2, 2, 3], scalars: [1, 0, step, 0, 1, 0, 1, 0, step, 0, 1, 0])
    let out = sampler(x, grid: grid(shift))
    for plane in 0..<(T.n * T.c) {
      for i in 0..<T.h {
        for j in 0..<T.w {
          let expected: Float = j + 1 < T.w ? x.scalars[(plane * T.h + i) * T.w + j + 1] : 0
          #expect(abs(out.scalars[(plane * T.h + i) * T.w + j] - expected) < 1e-5)
        }
      }
    }
  }

  @Test func halfwayBetweenFourPixelsIsTheirMean() {
    // Without align_corners the point (0, 0) of a 2x2 image lies on the shared
    // corner of its four pixels: the output is their mean, and the gradient
    // to the input is 1/4 each.
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 10])
    let sampler = BilinearSampler(alignCorners: false)
    let point = Tensor(shape: [1, 1, 1, 2], scalars: [0, 0])
    #expect(sampler(x, grid: point).scalars == [4])
    let (dx, dgrid) = sampler.backward(Tensor(shape: [1, 1, 1, 1], scalars: [1]), input: x, grid: point)
    #expect(dx.scalars == [0.25, 0.25, 0.25, 0.25])
    // d/dix = ((2 - 1) + (10 - 3)) / 2 = 4, d/diy = ((3 - 1) + (10 - 2)) / 2 = 5 per
    // pixel, times W/2 = H/2 = 1 per normalized unit.
    #expect(dgrid.scalars == [4, 5])
  }

  @Test(arguments: [false, true])
  func gradientsPassTheDotProductTest(alignCorners: Bool) {
    var rng = SplitMix64(seed: 11)
    let grid = AffineGrid(height: 5, width: 6, alignCorners: alignCorners)
    let sampler = BilinearSampler(alignCorners: alignCorners)
    let x = Tensor.randomNormal(shape: [2, 3, 6, 7], std: 1, using: &rng)
    let theta = Tensor(shape: [2, 2, 3], scalars: [0.9, -0.4, 0.12, 0.35, 0.8, -0.2, 1.2, 0.3, -0.3, -0.2, 0.95, 0.27])  // no point exactly on a pixel row or column
    let points = grid(theta)
    // The grid generator (linear in θ: exact up to float sums).
    let g = checkVJP({ grid($0) }, vjp: { grid.backward($0) }, at: theta, using: &rng)
    #expect(g.relativeError < 1e-4, "\(g)")
    // The sampler, to the input (linear in the input) and to the grid (a small step: the sampler has kinks at integer pixel coordinates).
    let toInput = checkVJP({ sampler($0, grid: points) }, vjp: { sampler.backward($0, input: x, grid: points).input }, at: x, using: &rng)
    #expect(toInput.relativeError < 1e-4, "\(toInput)")
    let toGrid = checkVJP({ sampler(x, grid: $0) }, vjp: { sampler.backward($0, input: x, grid: points).grid }, at: points, step: 1e-3, using: &rng)
    #expect(toGrid.relativeError < 1e-2, "\(toGrid)")
    // Composed: θ -> grid -> sample.
    let toTheta = checkVJP({ sampler(x, grid: grid($0)) }, vjp: { grid.backward(sampler.backward($0, input: x, grid: points).grid) }, at: theta, step: 1e-3, using: &rng)
    #expect(toTheta.relativeError < 1e-2, "\(toTheta)")
  }

  @Test func transformerLayerChecksAgainstCentredDifferences() {
    var rng = SplitMix64(seed: 12)
    let localization = Sequential([
      Flatten(name: "flat"), Linear(name: "loc", inputs: 2 * 6 * 6, outputs: 6, using: &rng),
    ])
    let st = SpatialTransformer(name: "st", localization: localization, outputHeight: 5, outputWidth: 5)
    st.initializeToIdentity()
    let loc = localization.layers[1] as! Linear
    loc.weight.value = Tensor.randomNormal(shape: loc.weight.value.shape, std: 0.05, using: &rng)
    let x = Tensor.randomNormal(shape: [3, 2, 6, 6], std: 1, using: &rng)
    let r = checkLayer(st, input: x, samples: 12, step: 1e-3, using: &rng)
    #expect(r.worstRelativeError < 2e-2, "\(r)")
    // Identity start: θ is the identity for every input.
    st.initializeToIdentity()
    #expect(st.theta(x).scalars == (0..<3).flatMap { _ in [1, 0, 0, 0, 1, 0] as [Float] })
  }
}
