import Testing

@testable import Gemm
import Tensor

/// Packing against its definition, value for value: strip s of a panel
/// holds, for each k, rows s*H ..< s*H+H side by side, rows past the edge 0.
/// Covers every branch of packStrips: contiguous strips (full and cut),
/// strips transposed 8 x 8 at a time (heights below 8 and multiples of 8,
/// counts with and without a tail) and the element-by-element fallback.
struct PackStripsTests {
  static func expected(_ x: [Float], rowStride: Int, columnStride: Int, rows: Int, height: Int, columns: Int, count: Int, stripHeight: Int) -> [Float] {
    var out: [Float] = []
    var top = 0
    while top < height {
      for kk in 0..<count {
        for r in 0..<stripHeight {
          let row = rows + top + r
          out.append(top + r < height ? x[row * rowStride + (columns + kk) * columnStride] : 0)
        }
      }
      top += stripHeight
    }
    return out
  }

  @Test func packedStripsMatchTheirDefinition() {
    var rng = SplitMix64(seed: 7)
    let (totalRows, totalColumns) = (70, 60)
    let matrix = (0..<(totalRows * totalColumns)).map { _ in Float(rng.nextUniform() - 0.5) }
    // Row-major (each row contiguous along k: the transposing path), column-major
    // (contiguous strips) and a row-major view with a shorter leading dimension.
    for (rowStride, columnStride) in [(totalColumns, 1), (1, totalRows), (totalColumns - 7, 1)] {
      for stripHeight in [6, 8, 16, 32, 12] {
        for (height, count) in [(stripHeight, 8), (stripHeight, 13), (2 * stripHeight, 40), (stripHeight + 3, 9), (5, 1)] {
          let (rows, columns) = (3, 2)
          let want = Self.expected(
            matrix, rowStride: rowStride, columnStride: columnStride, rows: rows, height: height, columns: columns, count: count,
            stripHeight: stripHeight)
          let capacity = want.count + 8
          let packed = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
          defer { packed.deallocate() }
          packed.initialize(repeating: .nan, count: capacity)
          matrix.withUnsafeBufferPointer { m in
            packStrips(
              SIMD16<Float>.self, MatrixOperand(m.baseAddress!, rowStride: rowStride, columnStride: columnStride), rows: rows, height: height,
              columns: columns, count: count, stripHeight: stripHeight, into: packed)
          }
          let got = Array(UnsafeBufferPointer(start: packed, count: want.count))
          #expect(
            got.map(\.bitPattern) == want.map(\.bitPattern),
            "strides (\(rowStride), \(columnStride)), strip height \(stripHeight), \(height) rows x \(count)")
        }
      }
    }
  }
}
