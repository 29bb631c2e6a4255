// R-CNN's pieces (Models/RCNN) against references worked out independently:
// the warp against a naive per-pixel bilinear sampler written from the
// definition (and by hand on a ramp), ridge regression against its 1-D
// closed form and its normal equations, and the detector's decoding and
// per-class NMS on hand-made scores.
import Detection
import Foundation
import Models
import Tensor
import Testing

@Suite struct RCNNTests {
  /// Bilinear sample of a channel plane at continuous pixel-centre coordinates, `fill` outside.
  static func naiveSample(_ plane: [Float], h: Int, w: Int, x: Double, y: Double, fill: Float) -> Float {
    let (x0, y0) = (Int(floor(x)), Int(floor(y)))
    var total: Double = 0
    for (yy, wy) in [(y0, 1 - (y - Double(y0))), (y0 + 1, y - Double(y0))] {
      for (xx, wx) in [(x0, 1 - (x - Double(x0))), (x0 + 1, x - Double(x0))] {
        let v = (xx >= 0 && xx < w && yy >= 0 && yy < h) ? plane[yy * w + xx] : fill
        total += wy * wx * Double(v)
      }
    }
    return Float(total)
  }

  @Test func warpMatchesANaiveReferenceWithContextPadding() {
    var rng = SplitMix64(seed: 5)
    let (c, h, w, s) = (3, 20, 24, 12)
    let image = Tensor(shape: [2, c, h, w], scalars: (0..<(2 * c * h * w)).map { _ in Float(rng.nextUniform()) })
    // Inside, crossing the left and top edges, and thin.
    let boxes = [Box(x1: 3.2, y1: 4.7, x2: 15.9, y2: 18.1), Box(x1: -2, y1: -1.5, x2: 9, y2: 7), Box(x1: 10, y1: 2, x2: 12.5, y2: 19)]
    let padding = 2.0
    for box in boxes {
      let warped = ProposalWarp.warp(image, regions: [(1, box)], size: s, padding: padding, fill: 0.25)
      // The inner box must map to [padding, s - padding]: the sampled region is the box
      // grown by padding * (box side) / (s - 2 padding) on each side.
      let gx = padding * box.width() / (Double(s) - 2 * padding), gy = padding * box.height() / (Double(s) - 2 * padding)
      let (rx1, ry1) = (box.x1 - gx, box.y1 - gy)
      let (rw, rh) = (box.width() + 2 * gx, box.height() + 2 * gy)
      var worst: Float = 0
      for k in 0..<c {
        let plane = Array(image.scalars[((c + k) * h * w)..<((c + k + 1) * h * w)])
        for v in 0..<s {
          for u in 0..<s {
            let x = rx1 + (Double(u) + 0.5) * rw / Double(s) - 0.5
            let y = ry1 + (Double(v) + 0.5) * rh / Double(s) - 0.5
            let expected = Self.naiveSample(plane, h: h, w: w, x: x, y: y, fill: 0.25)
            worst = max(worst, abs(warped.scalars[(k * s + v) * s + u] - expected))
          }
        }
      }
      #expect(worst < 1e-5, "box \(box): worst difference \(worst)")
    }
  }

  @Test func warpByHandOnARamp() {
    // One 4 x 4 channel with value x + 4 y; the whole image to 2 x 2 samples at
    // pixel-centre coordinates 0.5 and 2.5: the means of 2 x 2 blocks.
    let image = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
    let warped = ProposalWarp.warp(image, regions: [(0, Box(x1: 0, y1: 0, x2: 4, y2: 4))], size: 2, padding: 0)
    #expect(warped.scalars == [2.5, 4.5, 10.5, 12.5])
    // The whole image to 4 x 4 is the identity.
    #expect(ProposalWarp.warp(image, regions: [(0, Box(x1: 0, y1: 0, x2: 4, y2: 4))], size: 4, padding: 0).scalars == image.scalars)
    // Context padding 1 at size 4: the 2 px box (1, 1)-(3, 3) grows to (0, 0)-(4, 4), the identity again.
    #expect(ProposalWarp.contextBox(Box(x1: 1, y1: 1, x2: 3, y2: 3), size: 4, padding: 1) == Box(x1: 0, y1: 0, x2: 4, y2: 4))
  }

  @Test func ridgeInOneDimensionIsItsClosedForm() {
    let x: [Float] = [1, 2, 4, 7, 8], y: [Float] = [3, 2, 9, 13, 20]
    let lambda = 3.0
    let fit = RidgeRegression.fit(Tensor(shape: [5, 1], scalars: x), Tensor(shape: [5, 1], scalars: y), lambda: lambda)
    // w = Σ (x - x̄)(y - ȳ) / (Σ (x - x̄)² + λ), b = ȳ - w x̄, from the data directly.
    let xm = x.map(Double.init).reduce(0, +) / 5, ym = y.map(Double.init).reduce(0, +) / 5
    let sxy = zip(x, y).map { (Double($0) - xm) * (Double($1) - ym) }.reduce(0, +)
    let sxx = x.map { (Double($0) - xm) * (Double($0) - xm) }.reduce(0, +)
    let w = sxy / (sxx + lambda)
    #expect(abs(fit.weights[0][0] - w) < 1e-5)
    #expect(abs(fit.bias[0] - (ym - w * xm)) < 1e-4)
  }

  @Test func ridgeSatisfiesItsNormalEquations() {
    var rng = SplitMix64(seed: 9)
    let (n, d, m) = (40, 6, 3)
    let x = (0..<(n * d)).map { _ in Float(rng.nextUniform() * 2 - 1) }
    let y = (0..<(n * m)).map { _ in Float(rng.nextUniform()) }
    let lambda = 0.7
    let fit = RidgeRegression.fit(Tensor(shape: [n, d], scalars: x), Tensor(shape: [n, m], scalars: y), lambda: lambda)
    // Gradient of Σ (y - xw - b)² + λ|w|² is zero in w and b.
    for j in 0..<m {
      var gb = 0.0
      var gw = [Double](repeating: 0, count: d)
      for i in 0..<n {
        var r = Double(y[i * m + j]) - fit.bias[j]
        for k in 0..<d { r -= Double(x[i * d + k]) * fit.weights[k][j] }
        gb += r
        for k in 0..<d { gw[k] += r * Double(x[i * d + k]) }
      }
      #expect(abs(gb) < 1e-4)
      for k in 0..<d { #expect(abs(-gw[k] + lambda * fit.weights[k][j]) < 1e-4) }
    }
  }

  @Test func detectionsDecodeBoxesAndSuppressPerClass() {
    let net = RCNNNetwork(seed: 1)
    let detector = RCNNDetector(network: net, config: .quick)
    // Two overlapping proposals (IoU 0.6) and one apart; class 2 scores high on the first two.
    let boxes = [Box(x1: 10, y1: 10, x2: 30, y2: 30), Box(x1: 12, y1: 10, x2: 32, y2: 30), Box(x1: 60, y1: 60, x2: 80, y2: 90)]
    var svm = [Float](repeating: -2, count: 30)
    svm[0 * 10 + 2] = 1.5
    svm[1 * 10 + 2] = 0.5
    svm[2 * 10 + 7] = 0.8
    var softmax = [Float](repeating: 0.01, count: 30)
    softmax[1 * 10 + 2] = 0.9
    var deltas = [Float](repeating: 0, count: 120)
    deltas[0 * 40 + 2 * 4 + 0] = 0.5  // tx = 0.5: half the width to the right
    deltas[0 * 40 + 2 * 4 + 3] = Float(log(2.0))  // th: twice as tall
    let scores = RCNNDetector.ProposalScores(boxes: boxes, svm: svm, softmax: softmax, deltas: deltas)
    let plain = detector.detections(scores, side: 128, classifier: .svm, boxRegression: false)
    #expect(plain.first == ScoredDetection(label: 2, box: boxes[0], score: 1.5))
    // Proposal 1 (same class, IoU 0.67 with proposal 0) is suppressed; proposal 2's class 7 is kept.
    #expect(!plain.contains { $0.label == 2 && $0.box == boxes[1] })
    #expect(plain.contains { $0.label == 7 && $0.box == boxes[2] && $0.score == Double(Float(0.8)) })
    let moved = detector.detections(scores, side: 128, classifier: .svm, boxRegression: true)
    // Centre (20, 20) + (10, 0), size 20 x 40: (20, 0)-(40, 40).
    let top = moved.first!
    #expect(top.label == 2 && abs(top.box.x1 - 20) < 1e-9 && abs(top.box.y1 - 0) < 1e-9 && abs(top.box.x2 - 40) < 1e-9 && abs(top.box.y2 - 40) < 1e-5)
    // Softmax scores rank proposal 1 first for class 2.
    let soft = detector.detections(scores, side: 128, classifier: .softmax, boxRegression: false)
    #expect(soft.first?.box == boxes[1] && soft.first?.label == 2)
  }
}
