import Foundation
import Testing

@testable import Detection
import Tensor

struct AnchorTests {
  @Test func pyFasterRCNNsNineBaseAnchors() {
    // By hand: window [0, 15], centre 7.5, area 256. Ratio 0.5: w = round(sqrt 512 = 22.6) = 23,
    // h = round(11.5) = 12 (half to even); ratio 1: 16 x 16; ratio 2: w = round(sqrt 128 = 11.3) = 11, h = 22.
    // Scale 8 of 23 x 12: 184 x 96 -> [7.5 - 91.5, 7.5 - 47.5, 7.5 + 91.5, 7.5 + 47.5] = [-84, -40, 99, 55], etc.
    let expected: [[Double]] = [
      [-84, -40, 99, 55], [-176, -88, 191, 103], [-360, -184, 375, 199],
      [-56, -56, 71, 71], [-120, -120, 135, 135], [-248, -248, 263, 263],
      [-36, -80, 51, 95], [-80, -168, 95, 183], [-168, -344, 183, 359],
    ]
    #expect(AnchorGenerator.pyFasterRCNN.inclusiveBaseAnchors() == expected)
    #expect(AnchorGenerator.pyFasterRCNN.count == 9)
    // Continuous: [x1, x2 + 1), centred on pixel 8 of the 16 px window.
    let first = AnchorGenerator.pyFasterRCNN.baseAnchors()[0]
    #expect(first == Box(x1: -84, y1: -40, x2: 100, y2: 56) && first.centerX == 8 && first.centerY == 8)
  }

  @Test func smallBaseRoundsAsNumpy() {
    // Base 4: ratio 0.5 -> w = round(sqrt 32 = 5.66) = 6, h = 3; ratio 2 -> w = round(sqrt 8 = 2.83) = 3, h = 6.
    // Centre 1.5: 6 x 3 is [1.5 - 2.5, 1.5 - 1, 1.5 + 2.5, 1.5 + 1].
    let g = AnchorGenerator(baseSize: 4, scales: [1], ratios: [0.5, 1, 2])
    #expect(g.inclusiveBaseAnchors() == [[-1, 0.5, 4, 2.5], [0, 0, 3, 3], [0.5, -1, 2.5, 4]])
  }

  @Test func shiftsAreLocationMajorAndTranslationInvariant() {
    // Base 4, scale 2, ratio 1: [1.5 - 3.5, ..., 1.5 + 3.5] = [-2, -2, 5, 5], continuous [-2, -2, 6, 6] (centre 2).
    let g = AnchorGenerator(baseSize: 4, scales: [2], ratios: [1])
    let all = g.anchors(height: 2, width: 3, stride: 4, offset: 7)
    #expect(all.count == 6)
    // Cell (i 1, j 2) is index 1 * 3 + 2 = 5, moved by (7 + 8, 7 + 4): centre (17, 13) = (4 j + 9, 4 i + 9).
    #expect(all[5] == Box(x1: 13, y1: 9, x2: 21, y2: 17))
    #expect(all[0] == Box(x1: 5, y1: 5, x2: 13, y2: 13))
    // A = 9 anchors at each of 2 x 2 locations, the same shapes everywhere.
    let nine = AnchorGenerator(baseSize: 4, scales: [5, 8, 12]).anchors(height: 2, width: 2, stride: 4)
    for a in 0..<9 {
      #expect(nine[27 + a].width() == nine[a].width() && nine[27 + a].x1 == nine[a].x1 + 4 && nine[27 + a].y1 == nine[a].y1 + 4)
    }
  }
}

struct AnchorTargetTests {
  // A 20 x 20 image, two ground truths: g0 = (0, 0, 10, 10), g1 = (14, 12, 20, 20).
  let truth = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 14, y1: 12, x2: 20, y2: 20)]
  let anchors = [
    Box(x1: 0, y1: 0, x2: 10, y2: 10),  // IoU 1 with g0: positive
    Box(x1: 0, y1: 0, x2: 10, y2: 12),  // 100 / 120 = 0.83 with g0: positive
    Box(x1: 5, y1: 0, x2: 15, y2: 10),  // 50 / 150 = 0.33 with g0: ignored
    Box(x1: 10, y1: 10, x2: 20, y2: 20),  // 48 / 100 = 0.48 with g1, g1's best anchor: positive
    Box(x1: 15, y1: 15, x2: 25, y2: 25),  // crosses the border: ignored
    Box(x1: -1, y1: 0, x2: 9, y2: 10),  // 0.82 with g0 but crosses the border: ignored
    Box(x1: 0, y1: 12, x2: 8, y2: 20),  // overlaps nothing: negative
  ]

  @Test func labelsByHand() {
    let a = AnchorTargeter().assign(anchors: anchors, truth: truth, width: 20, height: 20)
    #expect(a.labels == [1, 1, -1, 1, -1, -1, 0])
    #expect(a.matched == [0, 0, 0, 1, -1, -1, 0])
    #expect(abs(a.maxIoU[1] - 100.0 / 120) < 1e-12 && abs(a.maxIoU[2] - 1.0 / 3) < 1e-12 && abs(a.maxIoU[3] - 0.48) < 1e-12)
    // Without g1, anchor 3 overlaps nothing and is negative.
    #expect(AnchorTargeter().assign(anchors: anchors, truth: [truth[0]], width: 20, height: 20).labels == [1, 1, -1, 0, -1, -1, 0])
  }

  @Test func targetsOfPositives() {
    var rng = SplitMix64(seed: 1)
    let t = AnchorTargeter().targets(anchors: anchors, truth: truth, width: 20, height: 20, using: &rng)
    #expect(t.labels == [1, 1, -1, 1, -1, -1, 0] && t.positivesBeforeSampling == 3 && t.negativesBeforeSampling == 1)
    // Anchor 3: centre (15, 15), 10 x 10; g1: centre (17, 16), 6 x 8 -> (0.2, 0.1, log 0.6, log 0.8).
    let d = t.deltas[3]!
    #expect(zip(d, [0.2, 0.1, log(0.6), log(0.8)]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(d)")
    #expect(t.deltas[0]! == [0, 0, 0, 0] && t.deltas[2] == nil && t.deltas[6] == nil)
  }

  @Test func samplingCapsPositivesAtHalf() {
    // Batch of 2: one positive of the three (a seeded draw), then one negative.
    let sampler = AnchorTargeter(batchSize: 2)
    var kept: Set<Int> = []
    for seed in 0..<20 as Range<UInt64> {
      var rng = SplitMix64(seed: seed)
      let t = sampler.targets(anchors: anchors, truth: truth, width: 20, height: 20, using: &rng)
      #expect(t.positives.count == 1 && t.negatives == [6])
      #expect([0, 1, 3].contains(t.positives[0]))
      #expect(t.deltas.compactMap { $0 }.count == 1)
      kept.insert(t.positives[0])
      var again = SplitMix64(seed: seed)
      #expect(sampler.targets(anchors: anchors, truth: truth, width: 20, height: 20, using: &again) == t)
    }
    #expect(kept.count > 1)
  }
}
