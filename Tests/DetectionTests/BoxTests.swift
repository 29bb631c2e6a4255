import Testing

@testable import Detection

struct BoxTests {
  @Test func continuousIoUOfOffsetSquaresIsOneSeventh() {
    let a = Box(x1: 0, y1: 0, x2: 2, y2: 2)
    let b = Box(x1: 1, y1: 1, x2: 3, y2: 3)
    // overlap 1x1 = 1, union 4 + 4 - 1 = 7
    #expect(abs(a.intersectionOverUnion(with: b) - 1.0 / 7.0) < 1e-15)
  }

  @Test func inclusiveIoUOfOffsetSquaresIsTwoSevenths() {
    let a = Box(x1: 0, y1: 0, x2: 2, y2: 2)
    let b = Box(x1: 1, y1: 1, x2: 3, y2: 3)
    // 3x3 pixels each, overlap 2x2 = 4, union 9 + 9 - 4 = 14
    #expect(abs(a.intersectionOverUnion(with: b, convention: .inclusive) - 4.0 / 14.0) < 1e-15)
  }

  @Test func disjointAndTouchingBoxesHaveZeroIoU() {
    let a = Box(x1: 0, y1: 0, x2: 2, y2: 2)
    #expect(a.intersectionOverUnion(with: Box(x1: 2, y1: 0, x2: 4, y2: 2)) == 0)  // shares an edge
    #expect(a.intersectionOverUnion(with: Box(x1: 5, y1: 5, x2: 6, y2: 6)) == 0)
    // In the inclusive convention the shared column x = 2 is one pixel of overlap: 1x3 of 9+9-3.
    #expect(abs(a.intersectionOverUnion(with: Box(x1: 2, y1: 0, x2: 4, y2: 2), convention: .inclusive) - 3.0 / 15.0) < 1e-15)
  }

  @Test func cocoBoxBecomesContinuousCorners() {
    let b = COCOBox(x: 10, y: 20, width: 30, height: 40).box
    #expect(b == Box(x1: 10, y1: 20, x2: 40, y2: 60))
    #expect(b.area() == 1200)
    #expect(b.area(.inclusive) == 31 * 41)
  }
}
