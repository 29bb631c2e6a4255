import Testing

@testable import Detection

struct SelectiveSearchTests {
  /// Four flat quadrants of different colours on a 16 x 16 image.
  static func quadrants() -> PlanarImage {
    let n = 256
    var v = [Float](repeating: 0, count: 3 * n)
    let colours: [[Float]] = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.9], [0.9, 0.9, 0.2]]
    for y in 0..<16 { for x in 0..<16 {
      let q = (y < 8 ? 0 : 2) + (x < 8 ? 0 : 1)
      for c in 0..<3 { v[c * n + y * 16 + x] = colours[q][c] }
    } }
    return PlanarImage(width: 16, height: 16, channels: 3, values: v)
  }

  @Test func groupingMakesTwoNMinusOneRegionsEndingWithTheImage() {
    let image = Self.quadrants()
    let hsv = ColorSpace.hsv.convert(image)
    let seg = GraphSegmentation(k: 50, sigma: 0, minSize: 10).segment(hsv)
    #expect(seg.count == 4)
    let regions = HierarchicalGrouping.group(
      RegionFeatures.initialRegions(seg, image: hsv, textureBins: RegionFeatures.textureBinMap(hsv)),
      imageSize: 256, similarity: [.color, .texture, .size, .fill])
    #expect(regions.count == 7)
    #expect(regions.last!.box == Box(x1: 0, y1: 0, x2: 16, y2: 16))
    #expect(regions.last!.size == 256)
    // The segments' boxes are the quadrants.
    #expect(Set(regions.prefix(4).map(\.box)) == [
      Box(x1: 0, y1: 0, x2: 8, y2: 8), Box(x1: 8, y1: 0, x2: 16, y2: 8), Box(x1: 0, y1: 8, x2: 8, y2: 16), Box(x1: 8, y1: 8, x2: 16, y2: 16)])
    // Histograms stay L1-normalized through merges.
    #expect(abs(regions.last!.color.reduce(0, +) - 1) < 1e-5)
    #expect(abs(regions.last!.texture.reduce(0, +) - 1) < 1e-5)
  }

  @Test func rankingDeduplicatesAndIsSeeded() {
    let a = Box(x1: 0, y1: 0, x2: 1, y2: 1), b = Box(x1: 0, y1: 0, x2: 2, y2: 2), c = Box(x1: 0, y1: 0, x2: 3, y2: 3)
    let ranked = SelectiveSearch.rank([[a, b, c], [a, c]], seed: 7)
    #expect(ranked.count == 3)
    #expect(Set(ranked) == [a, b, c])
    #expect(ranked == SelectiveSearch.rank([[a, b, c], [a, c]], seed: 7))
    // Position 1 (the last created) times a number in [0, 1) ranks below position 3's value only
    // by chance; over many seeds the whole-image box c comes first more often than the segment a.
    var firstC = 0, firstA = 0
    for s in 0..<200 {
      let r = SelectiveSearch.rank([[a, b, c]], seed: UInt64(s))
      if r[0] == c { firstC += 1 }
      if r[0] == a { firstA += 1 }
    }
    #expect(firstC > firstA)
  }

  @Test func strategiesCountAsInThePaper() {
    #expect(SelectiveSearch(.single).strategies.count == 1)
    #expect(SelectiveSearch(.fast).strategies.count == 8)
    #expect(SelectiveSearch(.quality).strategies.count == 80)
  }

  @Test func heapPopsInSortedOrder() {
    var heap = PairHeap()
    var rng = SplitMix64Like(state: 3)
    var entries: [(Double, Int32, Int32)] = []
    for i in 0..<200 {
      let s = Double(rng.next() % 7)
      entries.append((s, Int32(i % 13), Int32(13 + i)))
      heap.push(s, Int32(i % 13), Int32(13 + i))
    }
    let expected = entries.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : ($0.1 != $1.1 ? $0.1 < $1.1 : $0.2 < $1.2) }
    var popped: [(Double, Int32, Int32)] = []
    while let e = heap.pop() { popped.append((e.s, e.a, e.b)) }
    #expect(popped.map(\.0) == expected.map(\.0))
    #expect(popped.map(\.1) == expected.map(\.1))
    #expect(popped.map(\.2) == expected.map(\.2))
  }

  @Test func averageRecallEqualsTheIntegralOfRecall() {
    let best = [0.3, 0.55, 0.72, 0.9, 1.0, 0.5]
    // 2 * integral over [0.5, 1] of recall(t), by the midpoint rule on 100k steps.
    let steps = 100_000
    var integral = 0.0
    for i in 0..<steps {
      let t = 0.5 + (Double(i) + 0.5) * 0.5 / Double(steps)
      integral += ProposalRecall.recall(best, threshold: t) * 0.5 / Double(steps)
    }
    #expect(abs(ProposalRecall.averageRecall(best) - 2 * integral) < 1e-4)
    // By hand: (0.05 + 0.22 + 0.4 + 0.5) * 2 / 6 = 0.39.
    #expect(abs(ProposalRecall.averageRecall(best) - 0.39) < 1e-12)
    #expect(ProposalRecall.recall(best, threshold: 0.5) == 5.0 / 6)
    // MABO: class 0 = {0.3, 0.55} -> 0.425, class 1 = {0.72, 0.9, 1.0, 0.5} -> 0.78; mean 0.6025.
    #expect(abs(ProposalRecall.meanAverageBestOverlap(best, labels: [0, 0, 1, 1, 1, 1]) - 0.6025) < 1e-12)
  }

  @Test func bestOverlapsGrowWithTheBudget() {
    let truth = [[Box(x1: 0, y1: 0, x2: 10, y2: 10)]]
    let proposals = [[Box(x1: 20, y1: 20, x2: 30, y2: 30), Box(x1: 0, y1: 0, x2: 10, y2: 5), Box(x1: 0, y1: 0, x2: 10, y2: 10)]]
    let best = ProposalRecall.bestOverlaps(proposals: proposals, groundTruth: truth, budgets: [1, 2, 3, 10])
    #expect(best == [[0], [0.5], [1], [1]])
  }
}

/// A tiny LCG for the heap test (the test needs no particular generator).
struct SplitMix64Like {
  var state: UInt64
  mutating func next() -> UInt64 {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return state >> 33
  }
}
