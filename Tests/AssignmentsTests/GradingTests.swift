// Grading in-process: the reference scores full marks on every assignment,
// and each seeded bug loses exactly the points of the tests meant to catch it
// (the others still pass). The bugs are whole alternative implementations,
// swapped into the Implementation table; this file is a solution region
// (`all`), so no student copy contains it.
// BEGIN SOLUTION all
// STUB:
import Detection
import Foundation
import Layers
import Tensor
import Testing

@testable import Assignments

func grade(_ id: String, _ implementation: Implementation = .library, seed: UInt64 = StudentCopy.gradingSeed) -> GradeReport {
  Grader.grade(AssignmentCatalog.assignment(id: id)!, runner: InProcessRunner(implementation), expected: .reference(seed: seed))
}

/// The ids of the tests that lost points.
func lost(_ report: GradeReport) -> [String] { report.tests.filter { $0.score < $0.maxScore }.map(\.id) }

struct GradingTests {
  @Test(arguments: ["layers", "detection", "visualization"])
  func theReferenceGetsFullMarks(_ id: String) {
    for seed in [StudentCopy.gradingSeed, StudentCopy.fixturesSeed, 7] {
      let report = grade(id, seed: seed)
      #expect(report.score == report.maxScore && report.maxScore > 0, "\(report.table)")
    }
  }

  @Test func catalogPointsAndRegionsAreConsistent() {
    #expect(AssignmentCatalog.all.map(\.maxScore) == [60, 45, 30])
    for a in AssignmentCatalog.all {
      #expect(Set(a.tests.map(\.id)).count == a.tests.count)
      for t in a.tests { #expect(a.regions.contains(t.region), "\(a.id)/\(t.id) grades a region no function has") }
      for r in a.regions { #expect(a.points(of: r) > 0, "\(a.id): region \(r) is worth nothing") }
    }
  }

  /// Padding off by one in conv backward: only conv-backward (15 points) is lost.
  @Test func convBackwardPaddingOffByOne() {
    var buggy = Implementation.library
    buggy.conv2dBackward = { dout, x, w, stride, padding in
      let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
      let (f, k, oh, ow) = (w.shape[0], w.shape[2], dout.shape[2], dout.shape[3])
      var dx = Tensor(zeros: x.shape), dw = Tensor(zeros: w.shape), db = Tensor(zeros: [f])
      for i in 0..<n { for o in 0..<f { for r in 0..<oh { for s in 0..<ow {
        let g = dout.scalars[((i * f + o) * oh + r) * ow + s]
        db.scalars[o] += g
        for ch in 0..<c { for ki in 0..<k { for kj in 0..<k {
          let yy = r * stride - (padding - 1) + ki, xx = s * stride - (padding - 1) + kj  // the bug
          guard yy >= 0 && yy < h && xx >= 0 && xx < wd else { continue }
          let xi = ((i * c + ch) * h + yy) * wd + xx, wi = ((o * c + ch) * k + ki) * k + kj
          dx.scalars[xi] += g * w.scalars[wi]
          dw.scalars[wi] += g * x.scalars[xi]
        } } }
      } } } }
      return (dx, dw, db)
    }
    let report = grade("layers", buggy)
    #expect(lost(report) == ["conv-backward"])
    #expect(report.score == 60 - 15)
    let output = report.tests.first { $0.id == "conv-backward" }!.output
    #expect(output.contains("rel_error") && output.contains("gradient check of `dx` against the forward"), "\(output)")
  }

  /// Textbook greedy NMS in torchvision's Float32 arithmetic, comparing IoU with `>` or (the bug) `>=`.
  static func textbookNMS(orEqual: Bool) -> @Sendable ([Float], [Float], Double) -> [Int] {
    { b, scores, t in
      let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
      func area(_ i: Int) -> Float { (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]) }
      var keep: [Int] = []
      for j in order {
        let suppressed = keep.contains { i in
          let w = max(0, min(b[4 * i + 2], b[4 * j + 2]) - max(b[4 * i], b[4 * j]))
          let h = max(0, min(b[4 * i + 3], b[4 * j + 3]) - max(b[4 * i + 1], b[4 * j + 1]))
          let iou = Double(w * h / (area(i) + area(j) - w * h))
          return orEqual ? iou >= t : iou > t
        }
        if !suppressed { keep.append(j) }
      }
      return keep
    }
  }

  @Test func nmsGreaterOrEqualInsteadOfGreater() {
    var textbook = Implementation.library
    textbook.nonMaxSuppression = Self.textbookNMS(orEqual: false)
    #expect(lost(grade("detection", textbook)).isEmpty)  // the quadratic loop agrees with the grid version
    var buggy = Implementation.library
    buggy.nonMaxSuppression = Self.textbookNMS(orEqual: true)
    let report = grade("detection", buggy)
    #expect(lost(report) == ["nms-boundary"])
    #expect(report.score == 45 - 4)
    #expect(report.tests.first { $0.id == "nms-boundary" }!.output == "case 1 of 2: `keep` is [0, 4], expected [0, 1, 4, 3]")
  }

  @Test func iouWithoutVOCsPlusOne() {
    var buggy = Implementation.library
    buggy.intersectionOverUnion = { a, b, _ in a.intersectionOverUnion(with: b, convention: .continuous) }
    let report = grade("detection", buggy)
    #expect(lost(report) == ["iou-inclusive"])
    #expect(report.score == 45 - 5)
  }

  @Test func maxPoolTiesToTheLastMaximumLoseOnlyTheBackwardTest() {
    var buggy = Implementation.library
    buggy.maxPoolBackward = { dout, x, size, stride in
      let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
      let (oh, ow) = (dout.shape[2], dout.shape[3])
      var dx = Tensor(zeros: x.shape)
      for p in 0..<(n * c) { for i in 0..<oh { for j in 0..<ow {
        var best = -1
        for di in 0..<size { for dj in 0..<size {
          let index = (p * h + i * stride + di) * w + j * stride + dj
          if best < 0 || x.scalars[index] >= x.scalars[best] { best = index }  // last maximum
        } }
        dx.scalars[best] += dout.scalars[(p * oh + i) * ow + j]
      } } }
      return dx
    }
    let report = grade("layers", buggy)
    #expect(lost(report) == ["maxpool-backward"])
    #expect(report.tests.first { $0.id == "maxpool-backward" }!.output.hasPrefix("case 3 of 3"))  // the case with ties
  }

  @Test func aNaiveSoftmaxOverflowsOnLargeLogits() {
    var buggy = Implementation.library
    buggy.softmaxCrossEntropy = { logits, labels in
      let (n, c) = (logits.shape[0], logits.shape[1])
      var grad = logits, loss: Float = 0
      for i in 0..<n {
        let e = (0..<c).map { expf(logits.scalars[i * c + $0]) }  // no max subtracted
        let s = e.reduce(0, +)
        for j in 0..<c { grad.scalars[i * c + j] = (e[j] / s - (j == labels[i] ? 1 : 0)) / Float(n) }
        loss -= logf(e[labels[i]] / s) / Float(n)
      }
      return (loss, grad)
    }
    let report = grade("layers", buggy)
    #expect(lost(report) == ["softmax-loss", "softmax-gradient"])
    #expect(report.tests.allSatisfy { $0.status == .passed || $0.output.hasPrefix("case 3 of 3") }, "\(report.table)")
  }

  @Test func aWrongShapeAndAMissingOutputAreReportedNotCrashes() {
    var buggy = Implementation.library
    buggy.saliencyMap = { g in Tensor(zeros: [g.shape[0], g.shape[2] * g.shape[3]]) }
    buggy.gram = { f in Tensor(shape: [f.shape[1], f.shape[1]], scalars: .init(repeating: .nan, count: f.shape[1] * f.shape[1])) }
    let report = grade("visualization", buggy)
    #expect(lost(report) == ["saliency-map", "gram-forward"])
    #expect(report.tests[0].output == "case 1 of 2: `map` has shape [2, 36], expected [2, 6, 6]")
    #expect(report.tests[2].output == "case 1 of 2: `gram`[0, 0] is nan, not a finite number")
  }
}
// END SOLUTION
