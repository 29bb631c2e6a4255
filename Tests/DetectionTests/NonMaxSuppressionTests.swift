import Foundation
import Tensor
import Testing

@testable import Detection

struct NonMaxSuppressionTests {
  @Test func overlappingSecondBoxIsSuppressed() {
    // second overlaps the first at IoU 60/100 = 0.6; the third is disjoint
    let boxes = [
      Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 0, y1: 0, x2: 10, y2: 6), Box(x1: 20, y1: 20, x2: 30, y2: 30),
    ]
    #expect(nonMaxSuppression(boxes, scores: [0.9, 0.8, 0.7], iouThreshold: 0.5) == [0, 2])
  }

  @Test func suppressionNeedsIoUStrictlyAboveTheThreshold() {
    // IoU exactly 50/100 = 0.5 (representable in Float32): kept at 0.5, suppressed below
    let boxes = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 0, y1: 0, x2: 10, y2: 5)]
    #expect(nonMaxSuppression(boxes, scores: [0.9, 0.8], iouThreshold: 0.5) == [0, 1])
    #expect(nonMaxSuppression(boxes, scores: [0.9, 0.8], iouThreshold: 0.49) == [0])
  }

  @Test func orderIsByScoreAndTiesKeepTheLowerIndex() {
    let boxes = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 1, x2: 11, y2: 11), Box(x1: 50, y1: 50, x2: 60, y2: 60)]
    #expect(nonMaxSuppression(boxes, scores: [0.5, 0.5, 0.9], iouThreshold: 0.3) == [2, 0])
    #expect(nonMaxSuppression([], scores: [], iouThreshold: 0.5) == [])
  }

  /// The textbook quadratic loop, written independently of the library.
  func naiveNMS(_ b: [Float], _ s: [Float], _ threshold: Double) -> [Int] {
    let order = s.indices.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
    var suppressed = Set<Int>()
    var keep: [Int] = []
    for (p, i) in order.enumerated() where !suppressed.contains(i) {
      keep.append(i)
      let ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1])
      for j in order[(p + 1)...] {
        let w = max(0, min(b[4 * i + 2], b[4 * j + 2]) - max(b[4 * i], b[4 * j]))
        let h = max(0, min(b[4 * i + 3], b[4 * j + 3]) - max(b[4 * i + 1], b[4 * j + 1]))
        let aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1])
        if Double(w * h / (ai + aj - w * h)) > threshold { suppressed.insert(j) }
      }
    }
    return keep
  }

  @Test(arguments: [(0, 0.5), (1, 0.3), (2, 0.7), (3, 0.0)])
  func gridAcceleratedNMSKeepsExactlyWhatTheQuadraticLoopKeeps(seed: UInt64, threshold: Double) {
    var rng = SplitMix64(seed: seed)
    let n = 1500
    var flat: [Float] = []
    var scores: [Float] = []
    for _ in 0..<n {
      let x = Float(rng.uniform(0, 500)), y = Float(rng.uniform(0, 500))
      let w = Float(rng.uniform(2, 80)), h = Float(rng.uniform(2, 80))
      flat += [x, y, x + w, y + h]
      scores.append(Float(Int(rng.uniform(0, 50))) / 50)  // many ties
    }
    let fast = nonMaxSuppression(flatBoxes: flat, scores: scores, iouThreshold: threshold)
    #expect(fast == naiveNMS(flat, scores, threshold))
    #expect(fast.count > 10 && fast.count < n)
  }

  @Test(arguments: [0.05, 0.2, 0.45, 0.5, 0.55, 0.9])
  func windowSearchIsExactForMixedSizesAndNestedBoxes(threshold: Double) {
    var rng = SplitMix64(seed: 17)
    var flat: [Float] = []
    var scores: [Float] = []
    for k in 0..<1200 {
      // log-uniform sides from 1 to 300 px, some elongated, some nested in the previous box
      let w = Float(exp(rng.uniform(0, log(300)))), h = Float(exp(rng.uniform(0, log(300)))) * (k % 7 == 0 ? 0.1 : 1)
      if k % 5 == 4, flat.count >= 4 {
        let (px, py) = (flat[flat.count - 4], flat[flat.count - 3])
        let (pw, ph) = (flat[flat.count - 2] - px, flat[flat.count - 1] - py)
        flat += [px, py, px + pw, py + ph * Float(threshold)]  // IoU with the previous box = threshold, up to rounding
      } else {
        let x = Float(rng.uniform(0, 600)), y = Float(rng.uniform(0, 600))
        flat += [x, y, x + w, y + h]
      }
      scores.append(Float(Int(rng.uniform(0, 20))) / 20)
    }
    #expect(nonMaxSuppression(flatBoxes: flat, scores: scores, iouThreshold: threshold) == naiveNMS(flat, scores, threshold))
  }
}
