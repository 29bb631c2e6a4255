// HOG blocks (Dalal and Triggs 2005, section 6.4): overlapping blocks of
// blockSize x blockSize cells, one cell apart, each normalized by L2-Hys.
//
// Conventions:
// - Stride: one cell (8 px), as skimage always does and as OpenCV's default
//   `blockStride = (8, 8)`.
// - L2-Hys: v / sqrt(|v|^2 + eps^2), clipped at 0.2, renormalized the same
//   way, eps = 1e-5 (skimage). OpenCV uses v / (|v| + 0.1 * 36) before the
//   clip and v / (|v| + 1e-3) after it, which differs for weak blocks.
// - Layout: (block row, block column, cell row in block, cell column in
//   block, orientation), row-major, so `values` is skimage's
//   `hog(..., feature_vector=True)`. OpenCV orders its descriptor's blocks
//   column by column (x outer) and its cells within a block likewise.
// A window of cells (r, c) ..< (r + h, c + w) is the block sub-grid
// (r, c) ..< (r + h - 1, c + w - 1): dense windows read their features from
// the one block map of the level, nothing is recomputed per window.
import Foundation
import Tensor

/// The normalized blocks of an image: (rows, columns, length) row-major.
public struct HOGFeatureMap: Sendable {
  public let rows: Int, columns: Int, length: Int
  public var values: [Float]

  public init(rows: Int, columns: Int, length: Int, values: [Float]) {
    precondition(values.count == rows * columns * length, "HOGFeatureMap: \(values.count) values for \(rows)x\(columns)x\(length)")
    (self.rows, self.columns, self.length, self.values) = (rows, columns, length, values)
  }

  public init(rows: Int, columns: Int, length: Int) {
    self.init(rows: rows, columns: columns, length: length, values: [Float](repeating: 0, count: max(rows, 0) * max(columns, 0) * length))
  }

  /// The blocks of the window whose top-left block is (row, column): `height` x `width` blocks, concatenated row by row.
  public func window(row: Int, column: Int, height: Int, width: Int) -> [Float] {
    precondition(row >= 0 && column >= 0 && row + height <= rows && column + width <= columns, "HOGFeatureMap.window: (\(row), \(column)) + \(height)x\(width) outside \(rows)x\(columns)")
    var out = [Float]()
    out.reserveCapacity(height * width * length)
    for r in row..<(row + height) {
      let start = (r * columns + column) * length
      out += values[start..<(start + width * length)]
    }
    return out
  }
}

extension HOG {
  /// The L2-Hys normalized blocks of `cells`.
  public static func blocks(_ cells: HOGCells, parameters p: HOGParameters = HOGParameters()) -> HOGFeatureMap {
    let b = p.blockSize, nb = cells.orientations
    let (rows, columns) = (cells.rows - b + 1, cells.columns - b + 1)
    guard rows > 0 && columns > 0 else { return HOGFeatureMap(rows: max(rows, 0), columns: max(columns, 0), length: p.blockLength) }
    let length = b * b * nb
    var out = [Float](repeating: 0, count: rows * columns * length)
    let eps2: Float = 1e-10
    cells.values.withUnsafeBufferPointer { h in
      out.withUnsafeMutableBufferPointer { o in
        let (ph, po) = (SendableConstPointer(h.baseAddress!), SendablePointer(o.baseAddress!))
        Parallel.chunks(rows, cost: columns * length * 4) { range in
          for r in range {
            for c in 0..<columns {
              let v = po.base + (r * columns + c) * length
              for i in 0..<b {
                (v + i * b * nb).update(from: ph.base + ((r + i) * cells.columns + c) * nb, count: b * nb)
              }
              var sum: Float = 0
              for k in 0..<length { sum += v[k] * v[k] }
              var scale = 1 / (sum + eps2).squareRoot()
              sum = 0
              for k in 0..<length {
                let x = min(v[k] * scale, p.clip)
                v[k] = x
                sum += x * x
              }
              scale = 1 / (sum + eps2).squareRoot()
              for k in 0..<length { v[k] *= scale }
            }
          }
        }
      }
    }
    return HOGFeatureMap(rows: rows, columns: columns, length: length, values: out)
  }

  /// The block feature map of an image (cells, then blocks).
  public static func features(_ pixels: [Float], channels: Int, height: Int, width: Int, parameters p: HOGParameters = HOGParameters()) -> HOGFeatureMap {
    blocks(cells(pixels, channels: channels, height: height, width: width, parameters: p), parameters: p)
  }

  /// skimage's `hog(image, orientations, pixels_per_cell, cells_per_block, block_norm="L2-Hys")` feature vector.
  public static func descriptor(_ pixels: [Float], channels: Int, height: Int, width: Int, parameters p: HOGParameters = HOGParameters()) -> [Float] {
    features(pixels, channels: channels, height: height, width: width, parameters: p).values
  }
}
