// HOG glyphs (Dalal and Triggs 2005, figure 6; skimage's `hog(...,
// visualize=True)`): each cell drawn as a star of line segments, one per
// orientation bin, along the edge direction (perpendicular to the bin's
// gradient angle), as bright as the bin's value. Rasterized directly (one
// Raster per panel), not as thousands of line marks.
// Conventions: bin b's angle is its centre, 180 (b + 0.5) / bins degrees,
// measured from +x towards +y with y pointing down (HOG.swift); values are
// divided by `scale` and clipped to [0, 1].
import Detection
import Foundation
import Plot

enum HOGGlyphs {
  /// A rows x columns x bins array of non-negative values drawn with `pixels` per cell.
  static func raster(_ values: [Float], rows: Int, columns: Int, bins: Int, pixels: Int, scale: Float) -> Raster {
    let (w, h) = (columns * pixels, rows * pixels)
    var canvas = [Double](repeating: 0, count: w * h)
    let half = 0.45 * Double(pixels)
    for r in 0..<rows {
      for c in 0..<columns {
        let (cx, cy) = ((Double(c) + 0.5) * Double(pixels), (Double(r) + 0.5) * Double(pixels))
        for b in 0..<bins {
          let v = Double(min(max(values[(r * columns + c) * bins + b] / scale, 0), 1))
          guard v > 0.02 else { continue }
          let theta = (Double(b) + 0.5) * Double.pi / Double(bins)
          // Edge direction: perpendicular to the gradient (cos, sin).
          let (ex, ey) = (-sin(theta), cos(theta))
          let steps = Int(4 * half)
          for s in 0...steps {
            let t = -half + 2 * half * Double(s) / Double(steps)
            let (x, y) = (cx + t * ex - 0.5, cy + t * ey - 0.5)
            let (x0, y0) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
            let (fx, fy) = (x - Double(x0), y - Double(y0))
            for (dx, dy, wgt) in [(0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)] {
              let (px, py) = (x0 + dx, y0 + dy)
              guard px >= 0, py >= 0, px < w, py < h else { continue }
              canvas[py * w + px] = max(canvas[py * w + px], v * min(1, 1.6 * wgt))
            }
          }
        }
      }
    }
    return Raster(values: canvas, width: w, height: h, colormap: .grey, range: 0...1)
  }

  /// The glyph of an image's cell histograms, scaled by their 99th percentile.
  static func raster(_ cells: HOGCells, pixels: Int) -> Raster {
    raster(cells.values, rows: cells.rows, columns: cells.columns, bins: cells.orientations, pixels: pixels, scale: percentile(cells.values, 0.99))
  }

  /// A block template as per-cell weights: each cell's entry summed over the blocks that hold it.
  static func cellWeights(_ filter: LinearFilter, blockSize: Int = 2, bins: Int = 9) -> (values: [Float], rows: Int, columns: Int) {
    let (rows, columns) = (filter.rows + blockSize - 1, filter.columns + blockSize - 1)
    var out = [Float](repeating: 0, count: rows * columns * bins)
    for br in 0..<filter.rows {
      for bc in 0..<filter.columns {
        for i in 0..<blockSize {
          for j in 0..<blockSize {
            for b in 0..<bins {
              out[((br + i) * columns + bc + j) * bins + b] += filter.weights[((br * filter.columns + bc) * blockSize * blockSize + i * blockSize + j) * bins + b]
            }
          }
        }
      }
    }
    return (out, rows, columns)
  }

  /// The positive (sign +1) or negative (sign -1) weights of a template as a glyph.
  static func template(_ filter: LinearFilter, sign: Float, pixels: Int, scale: Float? = nil) -> Raster {
    let cells = cellWeights(filter)
    let values = cells.values.map { max(sign * $0, 0) }
    return raster(values, rows: cells.rows, columns: cells.columns, bins: 9, pixels: pixels, scale: scale ?? percentile(values, 0.99))
  }

  static func percentile(_ values: [Float], _ q: Double) -> Float {
    let sorted = values.filter { $0 > 0 }.sorted()
    guard !sorted.isEmpty else { return 1 }
    return max(sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))], 1e-6)
  }
}
