// The roi-pooling chapter's quantization measure on cases worked out by hand:
// a uniform window is its own read box; RoIPool's "+1" reads one extra
// cell; RoIAlign (aligned) reads a cell-aligned RoI exactly, and without the
// half-pixel shift its read centre moves by half a cell.
import Foundation
import Layers
import Testing

@testable import Experiments

@Suite struct RoIPoolingMeasuresTests {
  typealias E = RoIPooling

  @Test func aUniformWindowIsItsOwnBox() {
    var m = E.Moments()
    for c in 2...4 { m.add(cell: c, weight: 1) }
    // mean 3.5; E[x^2] = (2.5^2 + 3.5^2 + 4.5^2) / 3 + 1/12 = 13; variance 0.75; half-width sqrt(3 * 0.75) = 1.5.
    #expect(abs(m.interval.0 - 2) < 1e-12 && abs(m.interval.1 - 5) < 1e-12)
  }

  /// The RoI (8, 8)-(24, 24) px = cells [2, 6) at stride 4, one bin.
  static let roi = RegionOfInterest(x1: 8, y1: 8, x2: 24, y2: 24)
  static let cells = (x1: 2.0, y1: 2.0, x2: 6.0, y2: 6.0)

  @Test func poolingReadsOneCellMore() {
    let pool = RoIPool(outputHeight: 1, outputWidth: 1, spatialScale: 0.25)
    let s = E.score(bins: E.readRegions(pool, Self.roi, height: 16, width: 16), roi: Self.cells, h: 1, w: 1)
    // Cells 2...6 (round(2), round(6) + 1): [2, 7)^2 against [2, 6)^2, IoU 16 / 25, centre +0.5.
    #expect(abs(s.roiIoU - 0.64) < 1e-12 && abs(s.binIoU - 0.64) < 1e-12 && abs(s.centreOffset - 0.5) < 1e-12)
  }

  @Test func alignedSamplesReadTheRoIExactly() {
    // Four samples per side at u = 2, 3, 4, 5 (aligned: x / 4 - 0.5 + i + 0.5): each on one cell centre.
    let align = RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 0.25, samplingRatio: 0, aligned: true)
    let s = E.score(bins: E.readRegions(align, Self.roi, height: 16, width: 16), roi: Self.cells, h: 1, w: 1)
    #expect(abs(s.roiIoU - 1) < 1e-6 && abs(s.centreOffset) < 1e-6)
  }

  @Test func unalignedSamplesShiftByHalfACell() {
    // Samples at u = 2.5 ... 5.5 split between neighbours: weights 1/2, 1, 1, 1, 1/2 on cells 2...6, mean 4.5.
    let align = RoIAlign(outputHeight: 1, outputWidth: 1, spatialScale: 0.25, samplingRatio: 0, aligned: false)
    let s = E.score(bins: E.readRegions(align, Self.roi, height: 16, width: 16), roi: Self.cells, h: 1, w: 1)
    #expect(abs(s.centreOffset - 0.5) < 1e-6 && s.roiIoU < 1)
  }
}
