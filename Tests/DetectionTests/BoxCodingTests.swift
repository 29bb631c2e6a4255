import Foundation
import Testing

@testable import Detection

struct BoxCodingTests {
  @Test func theHeaderExampleByHand() {
    // Anchor (0, 0, 10, 20): centre (5, 10), 10 x 20. Box (2, 4, 12, 14): centre (7, 9), 10 x 10.
    let t = BoxCoder().encode(Box(x1: 2, y1: 4, x2: 12, y2: 14), relativeTo: Box(x1: 0, y1: 0, x2: 10, y2: 20))
    #expect(zip(t, [0.2, -0.05, 0, log(0.5)]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(t)")
    let weighted = BoxCoder(weights: (10, 10, 5, 5)).encode(Box(x1: 2, y1: 4, x2: 12, y2: 14), relativeTo: Box(x1: 0, y1: 0, x2: 10, y2: 20))
    #expect(zip(weighted, [2, -0.5, 0, 5 * log(0.5)]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(weighted)")
  }

  @Test func decodingInvertsEncoding() {
    let coder = BoxCoder(weights: (10, 10, 5, 5))
    let anchor = Box(x1: 3, y1: -2, x2: 17.5, y2: 30)
    for box in [Box(x1: 0, y1: 0, x2: 4, y2: 9), Box(x1: 10, y1: 11, x2: 40, y2: 13.5)] {
      let back = coder.decode(coder.encode(box, relativeTo: anchor), relativeTo: anchor)
      #expect(abs(back.x1 - box.x1) < 1e-9 && abs(back.y1 - box.y1) < 1e-9 && abs(back.x2 - box.x2) < 1e-9 && abs(back.y2 - box.y2) < 1e-9)
    }
  }

  @Test func decodingClipsTheLogScale() {
    // t_w = 20 would be e^20 anchors wide; it is clipped to 1000/16 = 62.5 anchor widths.
    let box = BoxCoder().decode([0, 0, 20, 0], relativeTo: Box(x1: 0, y1: 0, x2: 2, y2: 2))
    #expect(abs(box.width() - 125) < 1e-9 && abs(box.height() - 2) < 1e-12)
  }
}
