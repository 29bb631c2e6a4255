import Testing

@testable import Detection

struct EdgeBoxesTests {
  /// A bright 20 x 20 square at (22, 18) on a dark 64 x 64 background.
  static func square() -> PlanarImage {
    let n = 64 * 64
    var v = [Float](repeating: 0.1, count: 3 * n)
    for y in 18..<38 { for x in 22..<42 { for c in 0..<3 { v[c * n + y * 64 + x] = 0.9 } } }
    return PlanarImage(width: 64, height: 64, channels: 3, values: v)
  }

  @Test func theSquaresEdgesFormFewGroupsWithAffinities() {
    let groups = EdgeGroups(Self.square())
    // Four sides, each split where the chain turns (corners): a handful of groups, not one per pixel.
    #expect(groups.count >= 4 && groups.count <= 16, "\(groups.count) groups")
    #expect(groups.affinities.contains { !$0.isEmpty })
    // Edge pixels lie on the square's outline only.
    for y in 0..<64 {
      for x in 0..<64 where groups.magnitude[y * 64 + x] > 0 {
        let nearOutline = (x >= 20 && x <= 43 && (abs(y - 18) <= 1 || abs(y - 37) <= 1 || abs(y - 17) <= 1 || abs(y - 38) <= 1))
          || (y >= 16 && y <= 39 && (abs(x - 22) <= 1 || abs(x - 41) <= 1 || abs(x - 21) <= 1 || abs(x - 42) <= 1))
        #expect(nearOutline, "edge at (\(x), \(y))")
      }
    }
  }

  @Test func theBestBoxesHoldTheSquare() {
    let ranked = EdgeBoxes(minBoxArea: 100).proposals(Self.square())
    #expect(!ranked.isEmpty)
    let target = Box(x1: 22, y1: 18, x2: 42, y2: 38)
    // The best box holds the square's edges (x 21...42, y 17...38) wholly: it contains the square. The
    // candidate grid is alpha = 0.65 apart and there is no refinement step, so it is not tight.
    let best = ranked[0].box
    #expect(best.x1 <= 21 && best.y1 <= 17 && best.x2 >= 43 && best.y2 >= 39, "\(best)")
    #expect(best.intersectionOverUnion(with: target) >= 0.4, "\(best)")
    // Scores are sorted, and no two kept boxes overlap by more than beta.
    #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
    for i in ranked.indices.prefix(40) {
      for j in ranked.indices.prefix(40) where j > i { #expect(ranked[i].box.intersectionOverUnion(with: ranked[j].box) <= 0.75 + 1e-6) }
    }
  }

  @Test func candidatesCoverScalesAndAspectRatios() {
    let boxes = EdgeBoxes(minBoxArea: 100).candidates(width: 64, height: 64)
    #expect(boxes.allSatisfy { $0.0 >= 0 && $0.1 >= 0 && $0.2 <= 64 && $0.3 <= 64 && $0.2 > $0.0 && $0.3 > $0.1 })
    let aspects = boxes.map { Double($0.2 - $0.0) / Double($0.3 - $0.1) }
    #expect(aspects.min()! < 0.4 && aspects.max()! > 2.5)
    #expect(boxes.contains { $0.2 - $0.0 == $0.3 - $0.1 })  // square boxes too
    #expect(boxes.contains { $0 == (0, 0, 64, 64) })
  }
}
