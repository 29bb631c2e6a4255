// The hog-detector chapter's helpers, on cases worked out by hand: block
// templates drawn per cell, the predicted box, part initialization from the
// root's positive energy, the bounded negative cache.
import Detection
import Foundation
import Testing

@testable import Experiments

struct HOGDetectorTests {
  @Test func blockWeightsSumIntoTheCellsTheyShare() {
    // A 1 x 2 block template: cells (0,0),(0,1),(1,0),(1,1) from block 0 and (0,1),(0,2),(1,1),(1,2) from block 1.
    var w = [Float](repeating: 0, count: 2 * 36)
    w[1 * 9 + 4] = 2  // block 0, cell (0, 1), bin 4
    w[36 + 0 * 9 + 4] = 3  // block 1, cell (0, 0) = grid cell (0, 1), bin 4
    w[36 + 3 * 9 + 8] = -1  // block 1, cell (1, 1) = grid cell (1, 2), bin 8
    let cells = HOGGlyphs.cellWeights(LinearFilter(rows: 1, columns: 2, length: 36, weights: w))
    #expect(cells.rows == 2 && cells.columns == 3)
    #expect(cells.values[(0 * 3 + 1) * 9 + 4] == 5)
    #expect(cells.values[(1 * 3 + 2) * 9 + 8] == -1)
    #expect(cells.values.filter { $0 != 0 }.count == 2)
  }

  @Test func predictedBoxShrinksTheWindowByTheInset() {
    let box = HOGDetector.predictedBox(Box(x1: 10, y1: 20, x2: 42, y2: 84), inset: [0.25, 0.125, 0.125, 0.0625])
    #expect(box == Box(x1: 18, y1: 28, x2: 38, y2: 80))
  }

  @Test func partsStartWhereTheRootHasMostPositiveEnergy() {
    // A 3 x 7 block root whose only positive weights are in block (5, 1): upsampled, its 2 x 2 copy
    // sits at part-level blocks (10...11, 2...3), so the first 3 x 3 part covers them (anchor row 9 or 10, column 1 or 2).
    var config = HOGDetector.quick
    config.dpm.parts = 1
    var w = [Float](repeating: -0.1, count: 7 * 3 * 36)
    for k in 0..<36 { w[(5 * 3 + 1) * 36 + k] = 1 }
    let model = HOGDetector.initialParts(.init(filter: LinearFilter(rows: 7, columns: 3, length: 36, weights: w), bias: 0), config: config)
    let part = model.parts[0]
    #expect((9...10).contains(part.anchorRow) && (1...2).contains(part.anchorColumn))
    #expect(part.filter.weights.filter { $0 == 1 }.count == 4 * 36)  // all four upsampled copies inside
    #expect(model.partLevelOffset == config.perOctave)
  }

  @Test func theCacheKeepsTheHardestNegativesWhenFull() {
    let model = HOGDetector.RootModel(filter: LinearFilter(rows: 1, columns: 1, length: 1, weights: [1]), bias: 0)
    func negative(_ i: Int, _ v: Float) -> HOGDetector.Negative {
      .init(ref: .init(scene: i, mirrored: false, level: 0, row: 0, column: 0), features: [v])
    }
    let merged = HOGDetector.mergeCache([negative(0, 0.5), negative(1, -2)], [negative(2, 3), negative(0, 9)], model: model, size: 2)
    // negative(0, 9) repeats window 0 and is dropped; of 0.5, -2 and 3 the two highest stay, in cache order.
    #expect(merged.map(\.ref.scene) == [0, 2])
  }
}
