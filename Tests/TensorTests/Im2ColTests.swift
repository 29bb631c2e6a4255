import Testing

@testable import Tensor

/// im2col and col2im (including the one-run path for stride-1 "same"
/// convolutions) against their definitions, element by element.
struct Im2ColTests {
  static let geometries = [
    ConvGeometry(batch: 2, channels: 3, height: 7, width: 7, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),  // one-run path
    ConvGeometry(batch: 1, channels: 2, height: 6, width: 9, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: 2),  // one-run path, 2 wrapped columns
    ConvGeometry(batch: 2, channels: 2, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),  // row loops
    ConvGeometry(batch: 1, channels: 2, height: 9, width: 8, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1),  // strided
    ConvGeometry(batch: 1, channels: 1, height: 2, width: 3, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: 2),  // kernel larger than the map
  ]

  /// The input index a column entry reads, or nil for padding.
  static func source(_ g: ConvGeometry, row: Int, column: Int) -> Int? {
    let c = row / (g.kernelHeight * g.kernelWidth), ki = row / g.kernelWidth % g.kernelHeight, kj = row % g.kernelWidth
    let n = column / (g.outHeight * g.outWidth), i = column / g.outWidth % g.outHeight, j = column % g.outWidth
    let y = i * g.stride - g.padding + ki, x = j * g.stride - g.padding + kj
    guard y >= 0 && y < g.height && x >= 0 && x < g.width else { return nil }
    return ((n * g.channels + c) * g.height + y) * g.width + x
  }

  @Test func im2colAndCol2imMatchTheirDefinitions() {
    for g in Self.geometries {
      let count = g.batch * g.channels * g.height * g.width
      let x = (0..<count).map { Float($0 % 13) - 5.5 }
      var col = [Float](repeating: .nan, count: g.rows * g.columns)
      x.withUnsafeBufferPointer { px in col.withUnsafeMutableBufferPointer { im2col(px.baseAddress!, g, into: $0.baseAddress!) } }
      var expectedBack = [Float](repeating: 0, count: count)
      var scratch = (0..<(g.rows * g.columns)).map { Float($0 % 7) + 0.25 }
      for r in 0..<g.rows {
        for q in 0..<g.columns {
          let s = Self.source(g, row: r, column: q)
          #expect(col[r * g.columns + q] == (s.map { x[$0] } ?? 0), "\(g) row \(r) column \(q)")
          if let s { expectedBack[s] += scratch[r * g.columns + q] }
        }
      }
      var back = [Float](repeating: 0, count: count)
      scratch.withUnsafeMutableBufferPointer { pc in back.withUnsafeMutableBufferPointer { col2im(pc.baseAddress!, g, into: $0.baseAddress!) } }
      #expect(back == expectedBack, "\(g)")
    }
  }
}
