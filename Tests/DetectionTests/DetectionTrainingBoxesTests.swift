import Foundation
import Tensor
import Testing

@testable import Detection

/// Box tools of detection training, each on a case worked out by hand.
@Suite struct DetectionTrainingBoxesTests {
  @Test func iouMatrixOfTheHeaderExample() {
    let m = iouMatrix([Box(x1: 0, y1: 0, x2: 2, y2: 2)], [Box(x1: 1, y1: 1, x2: 3, y2: 3), Box(x1: 0, y1: 0, x2: 2, y2: 2), Box(x1: 5, y1: 5, x2: 6, y2: 6)])
    #expect(m.count == 1 && m[0].count == 3)
    #expect(abs(m[0][0] - 1.0 / 7) < 1e-12 && m[0][1] == 1 && m[0][2] == 0)
  }

  @Test func bestMatchTakesTheFirstOfEqualOverlaps() {
    // (0,0,2,2) overlaps (1,0,3,2) and (-1,0,1,2) by 2 / 6 each.
    let m = bestMatches([Box(x1: 0, y1: 0, x2: 2, y2: 2)], [Box(x1: 1, y1: 0, x2: 3, y2: 2), Box(x1: -1, y1: 0, x2: 1, y2: 2)])
    #expect(m[0].index == 0 && abs(m[0].iou - 1.0 / 3) < 1e-12)
    #expect(bestMatches([Box(x1: 0, y1: 0, x2: 1, y2: 1)], [])[0].index == -1)
  }

  @Test func clippingKeepsCornersInsideTheImage() {
    #expect(Box(x1: -3, y1: 2, x2: 12, y2: 7).clipped(width: 10, height: 8) == Box(x1: 0, y1: 2, x2: 10, y2: 7))
    #expect(Box(x1: 11, y1: -5, x2: 14, y2: -1).clipped(width: 10, height: 8) == Box(x1: 10, y1: 0, x2: 10, y2: 0))
    #expect(indicesOfBoxes([Box(x1: 0, y1: 0, x2: 1, y2: 5), Box(x1: 0, y1: 0, x2: 2, y2: 2)], atLeast: 2) == [1])
  }

  @Test func normalizationFitsPopulationMomentsByHand() {
    let n = BoxTargetNormalization.fitted(to: [[1, 2, 3, 4], [3, 4, 5, 6]])
    #expect(n.means == [2, 3, 4, 5] && n.stds == [1, 1, 1, 1])
    #expect(n.normalize([1, 2, 3, 4]) == [-1, -1, -1, -1])
    #expect(n.denormalize([-1, -1, -1, -1]) == [1, 2, 3, 4])
    // A constant coordinate keeps std 1 instead of dividing by zero.
    #expect(BoxTargetNormalization.fitted(to: [[1, 0, 0, 0], [1, 2, 0, 0]]).stds == [1, 1, 1, 1])
  }

  @Test func fastRCNNNormalizationEqualsTorchvisionWeights() {
    // means 0, stds (0.1, 0.1, 0.2, 0.2) is BoxCoder weights (10, 10, 5, 5).
    let anchor = Box(x1: 3, y1: 4, x2: 20, y2: 15), box = Box(x1: 5, y1: 1, x2: 25, y2: 14)
    let a = BoxTargetNormalization.fastRCNN.normalize(BoxCoder().encode(box, relativeTo: anchor))
    let b = BoxCoder(weights: (10, 10, 5, 5)).encode(box, relativeTo: anchor)
    for i in 0..<4 { #expect(abs(a[i] - b[i]) < 1e-12) }
  }

  /// Ground truth (0,0,10,10) of class 3 and eight proposals whose IoUs are worked out in the comments.
  static let truth = [LabeledBox(label: 3, x1: 0, y1: 0, x2: 10, y2: 10)]
  static let proposals = [
    Box(x1: 0, y1: 0, x2: 10, y2: 10),  // 1: foreground
    Box(x1: 1, y1: 0, x2: 11, y2: 10),  // 90 / 110: foreground
    Box(x1: 0, y1: 0, x2: 10, y2: 5),  // 50 / 100 = 0.5: foreground (>=)
    Box(x1: 5, y1: 0, x2: 15, y2: 10),  // 50 / 150: background
    Box(x1: 0, y1: 0, x2: 10, y2: 1),  // 10 / 100 = 0.1: background (>=)
    Box(x1: 0, y1: 0, x2: 10, y2: 0.5),  // 0.05: not used
    Box(x1: 20, y1: 20, x2: 30, y2: 30),  // 0: not used
    Box(x1: 0, y1: 0, x2: 10, y2: 4.9),  // 0.49: background
  ]

  @Test func samplingSplitsForegroundAndBackgroundByIoU() {
    var rng = SplitMix64(seed: 7)
    let sampler = RegionSampler(regionsPerImage: 8, foregroundFraction: 0.5, includeGroundTruth: false)
    let regions = sampler.sample(proposals: Self.proposals, truth: Self.truth, using: &rng)
    // Four foreground slots but three candidates; five left for three background candidates.
    #expect(regions.count == 6)
    let fg = regions.prefix(3), bg = regions.suffix(3)
    #expect(Set(fg.map(\.box)) == Set(Self.proposals[0...2]))
    #expect(Set(bg.map(\.box)) == Set([Self.proposals[3], Self.proposals[4], Self.proposals[7]]))
    #expect(fg.allSatisfy { $0.label == 4 && $0.target != nil } && bg.allSatisfy { $0.label == 0 && $0.target == nil })
    let shifted = regions.first { $0.box == Self.proposals[1] }!
    // Centre 6 -> 5 over width 10: t_x = -0.1; same size and height.
    #expect(abs(shifted.target![0] + 0.1) < 1e-12 && shifted.target![1] == 0 && shifted.target![2] == 0 && shifted.target![3] == 0)
  }

  @Test func aQuarterOfTheBatchIsForegroundAndTheSeedDecides() {
    let sampler = RegionSampler(regionsPerImage: 4, includeGroundTruth: false)
    var picks = Set<Box>()
    for seed in 0..<20 as Range<UInt64> {
      var rng = SplitMix64(seed: seed), again = SplitMix64(seed: seed)
      let regions = sampler.sample(proposals: Self.proposals, truth: Self.truth, using: &rng)
      #expect(regions == sampler.sample(proposals: Self.proposals, truth: Self.truth, using: &again))
      #expect(regions.count == 4 && regions.filter { $0.label > 0 }.count == 1)  // round(0.25 * 4) = 1
      picks.insert(regions[0].box)
    }
    #expect(picks.count == 3)  // each of the three foreground proposals is drawn by some seed
  }

  @Test func groundTruthJoinsTheCandidates() {
    var rng = SplitMix64(seed: 1)
    let regions = RegionSampler(regionsPerImage: 16, foregroundFraction: 1).sample(proposals: [], truth: Self.truth, using: &rng)
    #expect(regions.count == 1 && regions[0].iou == 1 && regions[0].target == [0, 0, 0, 0])
  }

  @Test func perClassNMSKeepsOverlapsOfDifferentClasses() {
    let boxes = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10)]
    #expect(perClassNonMaxSuppression(boxes, scores: [0.9, 0.8, 0.7], classes: [0, 0, 1], iouThreshold: 0.5) == [0, 2])
    // Order is by score across classes.
    #expect(perClassNonMaxSuppression(boxes, scores: [0.5, 0.8, 0.7], classes: [0, 0, 1], iouThreshold: 0.5) == [1, 2])
    #expect(perClassNonMaxSuppression(boxes, scores: [0.9, 0.8, 0.7], classes: [0, 0, 1], iouThreshold: 0.9) == [0, 1, 2])
  }
}
