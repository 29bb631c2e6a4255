import Foundation
import Testing

@testable import Detection

struct MinCutTests {
  @Test func maxFlowOfTheTextbookNetworkIs23WithTheKnownCut() {
    // Cormen et al., Introduction to Algorithms, figure 26.1: s=0, v1..v4 = 1..4, t=5.
    var g = FlowNetwork(nodes: 6)
    for (u, v, c) in [(0, 1, 16.0), (0, 2, 13), (2, 1, 4), (1, 3, 12), (3, 2, 9), (2, 4, 14), (4, 3, 7), (3, 5, 20), (4, 5, 4)] {
      g.addEdge(u, v, capacity: c)
    }
    #expect(abs(g.maxFlow(source: 0, sink: 5) - 23) < 1e-9)
    // The minimum cut {s, v1, v2, v4} | {v3, t} crosses v1->v3 (12), v4->v3 (7), v4->t (4).
    #expect(g.sourceSide(source: 0) == [true, true, true, false, true, false])
  }

  @Test func undirectedEdgesCarryFlowBothWaysAndDisconnectedGivesZero() {
    var chain = FlowNetwork(nodes: 3)
    chain.addEdge(1, 0, capacity: 2, reverseCapacity: 2)  // undirected 0-1
    chain.addEdge(1, 2, capacity: 5)
    #expect(abs(chain.maxFlow(source: 0, sink: 2) - 2) < 1e-12)
    var apart = FlowNetwork(nodes: 4)
    apart.addEdge(0, 1, capacity: 3)
    apart.addEdge(2, 3, capacity: 3)
    #expect(apart.maxFlow(source: 0, sink: 3) == 0)
    #expect(apart.sourceSide(source: 0) == [true, true, false, false])
  }
}

struct GraphCutSegmentationTests {
  /// A red square (rows and columns 8..<20) on a blue background with a darker blue stripe.
  static func scene() -> (rgb: [Float], truth: [Bool]) {
    let side = 28
    var rgb = [Float](repeating: 0, count: 3 * side * side)
    var truth = [Bool](repeating: false, count: side * side)
    for y in 0..<side {
      for x in 0..<side {
        let p = y * side + x
        let inside = (8..<20).contains(y) && (8..<20).contains(x)
        truth[p] = inside
        let stripe: Float = y % 7 == 0 ? 0.2 : 0
        (rgb[p], rgb[side * side + p], rgb[2 * side * side + p]) = inside ? (0.9, 0.1, 0.1) : (0.1, 0.2, 0.9 - stripe)
      }
    }
    return (rgb, truth)
  }

  @Test func aBlobOfSaliencyInsideTheObjectGrowsIntoTheWholeObject() {
    let (rgb, truth) = Self.scene()
    // Saliency: a peak at (11, 11), off centre and covering only part of the square.
    let saliency = (0..<(28 * 28)).map { p -> Float in
      let (dy, dx) = (Float(p / 28) - 11, Float(p % 28) - 11)
      let r2: Float = dy * dy + dx * dx
      return exp(-r2 / 8)
    }
    let cut = GraphCutSegmentation().segment(rgb: rgb, width: 28, height: 28, saliency: saliency)
    let otsu = GraphCutSegmentation.otsuMask(saliency)
    func iou(_ a: [Bool]) -> Double {
      Double(zip(a, truth).filter { $0 && $1 }.count) / Double(zip(a, truth).filter { $0 || $1 }.count)
    }
    #expect(iou(cut) == 1)  // the far corner (19, 19) is salient enough not to be a background seed
    #expect(iou(otsu) < 0.5)  // the blob alone misses most of the square
  }

  @Test func otsuSplitsTwoLevels() {
    let values: [Float] = Array(repeating: 0.1, count: 30) + Array(repeating: 0.9, count: 10)
    #expect(GraphCutSegmentation.otsuMask(values) == Array(repeating: false, count: 30) + Array(repeating: true, count: 10))
  }
}
