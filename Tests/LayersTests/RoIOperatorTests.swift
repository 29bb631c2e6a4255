// RoIPool and RoIAlign: torchvision's roi_pool / roi_align (CPU, float32)
// pinned on the cases of scripts/crosscheck_roi.py (RoIFixtures.swift:
// regions inside, partly and entirely outside, smaller than a bin,
// degenerate, inverted, on half-integer corners), in every convention;
// cases worked out by hand; gradient checks; the same bits on 1 and 2 threads.
import Foundation
import Testing

@testable import Layers
@testable import Tensor

@Suite struct RoIOperatorTests {
  static let features = Tensor(shape: RoIFixtures.shape, scalars: RoIFixtures.features)
  static let rois = RegionOfInterest.rows(RoIFixtures.rois)
  static let upstream = Tensor(shape: [rois.count, RoIFixtures.shape[1], RoIFixtures.output.0, RoIFixtures.output.1], scalars: RoIFixtures.upstream)

  @Test(arguments: [(Float(0.5), RoIFixtures.poolScaleHalfOutput, RoIFixtures.poolScaleHalfGradient),
                    (Float(1), RoIFixtures.poolScaleOneOutput, RoIFixtures.poolScaleOneGradient)])
  func roiPoolEqualsTorchvision(scale: Float, output: [Float], gradient: [Float]) {
    let pool = RoIPool(outputHeight: 3, outputWidth: 2, spatialScale: scale)
    let (y, cache) = pool.forward(Self.features, rois: Self.rois)
    #expect(y.scalars == output)  // a max selects an input value: exact
    #expect(maxDifference(pool.backward(Self.upstream, cache: cache).scalars, gradient) < 1e-6)
  }

  @Test(arguments: [(0, false, RoIFixtures.alignRatio0UnalignedOutput, RoIFixtures.alignRatio0UnalignedGradient),
                    (0, true, RoIFixtures.alignRatio0AlignedOutput, RoIFixtures.alignRatio0AlignedGradient),
                    (2, false, RoIFixtures.alignRatio2UnalignedOutput, RoIFixtures.alignRatio2UnalignedGradient),
                    (2, true, RoIFixtures.alignRatio2AlignedOutput, RoIFixtures.alignRatio2AlignedGradient)])
  func roiAlignEqualsTorchvision(ratio: Int, aligned: Bool, output: [Float], gradient: [Float]) {
    let align = RoIAlign(outputHeight: 3, outputWidth: 2, spatialScale: 0.5, samplingRatio: ratio, aligned: aligned)
    let (y, cache) = align.forward(Self.features, rois: Self.rois)
    #expect(maxDifference(y.scalars, output) < 1e-6)
    #expect(maxDifference(align.backward(Self.upstream, cache: cache).scalars, gradient) < 1e-6)
  }

  @Test func roiPoolByHand() {
    // 4 x 4 map 0...15; region (0,0)-(3,3) reads 4 x 4 cells ("+1"), 2 x 2 bins: each bin's bottom-right value.
    let x = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
    let pool = RoIPool(outputHeight: 2, outputWidth: 2, spatialScale: 1)
    let (y, cache) = pool.forward(x, rois: [RegionOfInterest(x1: 0, y1: 0, x2: 3, y2: 3)])
    #expect(y.scalars == [5, 7, 13, 15] && cache.argmax == [5, 7, 13, 15])
    // 2.5 rounds away from zero to 3 (nearest) but floors to 2 (outward); x2 = 3.2 rounds to 3, ceil(2.2) = 3.
    let near = RoIPool(outputHeight: 1, outputWidth: 1, spatialScale: 1).snapped(RegionOfInterest(x1: 2.5, y1: -0.5, x2: 3.2, y2: 1.5))
    #expect(near == (3, -1, 3, 2))
    let out = RoIPool(outputHeight: 1, outputWidth: 1, spatialScale: 1, rounding: .outward).snapped(RegionOfInterest(x1: 2.5, y1: -0.5, x2: 3.2, y2: 1.5))
    #expect(out == (2, -1, 3, 1))
    // A bin entirely outside the map is empty: output 0, no gradient.
    let (z, c2) = pool.forward(x, rois: [RegionOfInterest(x1: 10, y1: 10, x2: 12, y2: 12)])
    #expect(z.scalars == [0, 0, 0, 0] && c2.argmax == [-1, -1, -1, -1])
    #expect(pool.backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 1, 1, 1]), cache: c2).scalars.allSatisfy { $0 == 0 })
  }

  @Test func roiAlignByHand() {
    // 2 x 2 map [[0, 1], [2, 3]]; the continuous box (0,0)-(2,2), aligned, one bin, one sample:
    // the sample sits at (0.5, 0.5) between the four cell centres, weights 1/4 each.
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 2, 3])
    let roi = [RegionOfInterest(x1: 0, y1: 0, x2: 2, y2: 2)]
    let aligned = RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 1, samplingRatio: 1, aligned: true)
    let (y, cache) = aligned.forward(x, rois: roi)
    #expect(y.scalars == [1.5])
    #expect(aligned.backward(Tensor(shape: [1, 1, 1, 1], scalars: [2]), cache: cache).scalars == [0.5, 0.5, 0.5, 0.5])
    // Not aligned, the same sample is at (1, 1): the last cell, clamped.
    #expect(RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 1, samplingRatio: 1, aligned: false).forward(x, rois: roi).output.scalars == [3])
    // Adaptive sampling: a 2-cell region over 1 bin takes ceil(2 / 1) = 2 samples per side.
    #expect(aligned.samplingRatio == 1 && RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 1).samples(for: roi, height: 2, width: 2).perBin == [4])
    // An inverted region, aligned, with adaptive sampling: ceil(-1 / 1) = -1 samples, so none, and 0 out.
    let inverted = [RegionOfInterest(x1: 2, y1: 2, x2: 1, y2: 1)]
    #expect(RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 1).forward(x, rois: inverted).output.scalars == [0])
    // With a fixed ratio it still samples once, at 1.5 + 0.5 * (-1) = 1 on both axes: the last cell (as torchvision).
    #expect(aligned.forward(x, rois: inverted).output.scalars == [3])
  }

  @Test func gradientChecks() {
    var rng = SplitMix64(seed: 3)
    // Distinct values 0.1 apart keep max pooling away from ties for a step of 1e-3.
    var order = Array(0..<(2 * 3 * 9 * 10))
    for i in order.indices.reversed() { order.swapAt(i, rng.nextInt(below: i + 1)) }
    let x = Tensor(shape: [2, 3, 9, 10], scalars: order.map { Float($0) * 0.1 })
    let rois = [RegionOfInterest(batchIndex: 0, x1: 1.3, y1: 2.2, x2: 14.9, y2: 12.1), RegionOfInterest(batchIndex: 1, x1: -4, y1: 3, x2: 8.6, y2: 25),
                RegionOfInterest(batchIndex: 1, x1: 6.1, y1: 6.4, x2: 7.0, y2: 7.3)]
    let pool = RoIPoolLayer(RoIPool(outputHeight: 3, outputWidth: 3, spatialScale: 0.5), rois: rois)
    #expect(checkLayer(pool, input: x, samples: 40, step: 1e-3, using: &rng).worstRelativeError < 1e-2)
    for aligned in [false, true] {
      for ratio in [0, 2] {
        let layer = RoIAlignLayer(RoIAlign(outputHeight: 3, outputWidth: 3, spatialScale: 0.5, samplingRatio: ratio, aligned: aligned), rois: rois)
        let smooth = Tensor.randomNormal(shape: [2, 3, 9, 10], std: 1, using: &rng)
        #expect(checkLayer(layer, input: smooth, samples: 40, using: &rng).worstRelativeError < 1e-2)
        let check = checkVJP({ layer.forward($0, mode: .test).output }, vjp: { layer.backward($0, cache: layer.forward(smooth, mode: .test).cache, rule: .gradient) }, at: smooth, using: &rng)
        #expect(check.relativeError < 1e-3)
      }
    }
  }

  @Test func regionBlocksCoverEveryRegionOnceInOrder() {
    let rois = (0..<40).map { (i: Int) -> RegionOfInterest in
      let (w, h) = (Float(2 + i % 9), Float(3 + i % 5))
      return RegionOfInterest(x1: 0, y1: 0, x2: w, y2: h)
    }
    let s = RoIAlign(outputHeight: 2, outputWidth: 2, spatialScale: 1).samples(for: rois, height: 12, width: 12)
    for size in [1, 37, 500, 1 << 20] {
      let blocks = s.regionBlocks(samplesPerBlock: size)
      let covered: [Int] = blocks.flatMap { Array($0) }
      #expect(covered == Array(0..<40))
      #expect(blocks.allSatisfy { !$0.isEmpty })
    }
    #expect(s.regionBlocks(samplesPerBlock: 1).count == 40 && s.regionBlocks(samplesPerBlock: 1 << 20).count == 1)
  }

  @Test func backwardHasTheSameBitsOnOneAndTwoThreads() {
    var rng = SplitMix64(seed: 11)
    let x = Tensor.randomNormal(shape: [2, 16, 20, 20], std: 1, using: &rng)
    let rois = (0..<128).map { i -> RegionOfInterest in
      let (x1, y1) = (Float(rng.uniform(-10, 70)), Float(rng.uniform(-10, 70)))
      return RegionOfInterest(batchIndex: i % 2, x1: x1, y1: y1, x2: x1 + Float(rng.uniform(1, 40)), y2: y1 + Float(rng.uniform(1, 40)))
    }
    let align = RoIAlign(spatialScale: 0.25, samplingRatio: 0, aligned: true), pool = RoIPool(spatialScale: 0.25)
    let dout = Tensor.randomNormal(shape: [128, 16, 7, 7], std: 1, using: &rng)
    func run(_ threads: Int) -> [[Float]] {
      Parallel.$threadOverride.withValue(threads) {
        let (ya, ca) = align.forward(x, rois: rois), (yp, cp) = pool.forward(x, rois: rois)
        return [ya.scalars, align.backward(dout, cache: ca).scalars, yp.scalars, pool.backward(dout, cache: cp).scalars]
      }
    }
    // The work is large enough to be split (Parallel.chunks: channels x cost >= 2^16): 16 x 128 regions x 49 bins.
    #expect(16 * 128 * 49 >= 1 << 16 && 16 * align.samples(for: rois, height: 20, width: 20).positions.count / 4 >= 1 << 16)
    #expect(run(1) == run(2))
  }
}
