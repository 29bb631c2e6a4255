import Foundation
import Testing

@testable import Detection
import Tensor

/// RadixOrder against its definition: a comparison sort of (key, index) pairs.
struct RadixOrderTests {
  static func reference(_ keys: [UInt64]) -> [Int32] {
    keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { Int32($0) }
  }

  @Test func byHand() {
    #expect(RadixOrder.ascending([]) == [])
    #expect(RadixOrder.ascending([7]) == [0])
    // Ties keep index order; 0x100 > 0xFF needs the second byte's pass.
    #expect(RadixOrder.ascending([5, 0x100, 5, 0xFF, 0, 5]) == [4, 0, 2, 5, 3, 1])
    // Keys that differ only in the top byte (every lower pass is skipped).
    #expect(RadixOrder.ascending([3 << 56, 1 << 56, 2 << 56, 1 << 56]) == [1, 3, 2, 0])
  }

  @Test func equalsTheComparisonSortOnRandomAndTiedKeys() {
    var rng = SplitMix64(seed: 18)
    for trial in 0..<40 {
      let n = 1 + Int(rng.next() % 3_000)
      let keys: [UInt64] = (0..<n).map { _ in
        switch trial % 4 {
        case 0: rng.next()  // all bits vary
        case 1: rng.next() % 7  // heavy ties
        case 2: (rng.next() % 5) << 40 | (rng.next() % 3)  // two varying bytes far apart
        default: Double(rng.next() % 1_000).squareRoot().bitPattern  // edge-like weights, many zeros and ties
        }
      }
      #expect(RadixOrder.ascending(keys) == Self.reference(keys), "trial \(trial), \(n) keys")
    }
  }

  @Test func edgeOrderOfARealGraphEqualsTheStableSort() {
    let image = GraphSegmentationTests.synthetic(width: 40, height: 30)
    let graph = GraphSegmentation.graph(image, sigma: 0.5)
    // The graph's edges are in sorted order: weights ascending, so re-sorting them is the identity.
    #expect(zip(graph.cost, graph.cost.dropFirst()).allSatisfy { $0 <= $1 })
    var rng = SplitMix64(seed: 3)
    let shuffled = graph.cost.shuffled(using: &rng)
    let order = GraphSegmentation.sortedOrder(shuffled)
    #expect(order.map { Int32($0) } == Self.reference(shuffled.map(\.bitPattern)))
  }
}
