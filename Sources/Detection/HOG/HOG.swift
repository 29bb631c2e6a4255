// Histograms of oriented gradients (Dalal and Triggs, "Histograms of Oriented
// Gradients for Human Detection", CVPR 2005): the cell histograms.
// HOGBlocks.swift normalizes them into the descriptor.
//
// Conventions (where scikit-image 0.26 `skimage.feature.hog` and OpenCV's
// `cv::HOGDescriptor` differ, and which one we follow):
// - Gradient: centred [-1, 0, 1] differences, not divided by 2, as both do.
//   At the image border skimage sets the gradient to 0 (first and last row
//   for d/dy, first and last column for d/dx); OpenCV pads by reflection
//   (BORDER_REFLECT_101) and computes a gradient there. We follow skimage.
// - Orientation: unsigned, atan2(dy, dx) folded into [0, 180) degrees with dy
//   pointing down the rows, in both (OpenCV's `signedGradient` is false by
//   default).
// - Bins: skimage's bin i is [20 i, 20 (i + 1)) (edges at multiples of 20, a
//   pixel votes into one bin); OpenCV's bins are centred on 20 (i + 0.5) and a
//   pixel splits its vote linearly between the two nearest centres
//   (wrapping at 180).
// - Spatial voting: skimage adds a pixel to the one cell it lies in (no
//   interpolation) and divides each cell by its pixel count; OpenCV splits a
//   pixel between the 4 nearest cell centres (bilinear) and weights pixels by
//   a Gaussian over the block (winSigma = (16 + 16) / 8 = 4 px).
// - Colour: both take, per pixel, the gradient of the channel with the
//   largest magnitude (skimage: the first such channel). OpenCV also applies
//   gamma correction (square root) by default (`gammaCorrection = true`);
//   skimage only with `transform_sqrt=True`. We never do.
// - Cells: only whole cells; the remainder rows and columns (height % 8,
//   width % 8) are ignored, as in skimage.
// Our `.nearest` voting is skimage's rule exactly (scripts/crosscheck_hog.py,
// pinned in Tests/DetectionTests/HOGTests.swift); `.bilinear` is Dalal and
// Triggs's trilinear voting (between bins and between the 4 nearest cells,
// the same bin centres as OpenCV) without the Gaussian block window.
// Block layout, stride and normalization: HOGBlocks.swift.
import Foundation

public struct HOGParameters: Sendable, Codable, Equatable {
  public enum Voting: String, Sendable, Codable, CaseIterable {
    /// One bin, one cell per pixel: skimage's rule.
    case nearest
    /// Linear between the two nearest bins and bilinear between the 4 nearest cells (Dalal-Triggs).
    case bilinear
  }
  public var orientations: Int
  public var cellSize: Int
  /// Cells per block side (blocks step by one cell).
  public var blockSize: Int
  /// L2-Hys clips normalized block values at this (Dalal-Triggs, skimage, OpenCV: 0.2).
  public var clip: Float
  public var voting: Voting

  public init(orientations: Int = 9, cellSize: Int = 8, blockSize: Int = 2, clip: Float = 0.2, voting: Voting = .nearest) {
    precondition(orientations >= 2 && cellSize >= 2 && blockSize >= 1, "HOGParameters: \(orientations) bins, \(cellSize) px cells, \(blockSize) cell blocks")
    (self.orientations, self.cellSize, self.blockSize, self.clip, self.voting) = (orientations, cellSize, blockSize, clip, voting)
  }

  /// Length of one block's feature vector.
  public var blockLength: Int { blockSize * blockSize * orientations }
}

/// The orientation histograms of an image's cells, (rows, columns, orientations) row-major.
public struct HOGCells: Sendable {
  public let rows: Int, columns: Int, orientations: Int
  public var values: [Float]

  public init(rows: Int, columns: Int, orientations: Int, values: [Float]) {
    precondition(values.count == rows * columns * orientations, "HOGCells: \(values.count) values for \(rows)x\(columns)x\(orientations)")
    (self.rows, self.columns, self.orientations, self.values) = (rows, columns, orientations, values)
  }
}

public enum HOG {
  /// Cell histograms of a channel-major image (`channels` planes of height x width).
  public static func cells(_ pixels: [Float], channels: Int, height: Int, width: Int, parameters p: HOGParameters = HOGParameters()) -> HOGCells {
    precondition(pixels.count == channels * height * width && channels >= 1, "HOG.cells: \(pixels.count) values for \(channels)x\(height)x\(width)")
    let (cs, nb) = (p.cellSize, p.orientations)
    let (rows, columns) = (height / cs, width / cs)
    var hist = [Float](repeating: 0, count: rows * columns * nb)
    guard rows > 0 && columns > 0 else { return HOGCells(rows: rows, columns: columns, orientations: nb, values: hist) }
    // Bin edges 180 k / nb for the nearest rule, centres 180 (k + 0.5) / nb for the bilinear one.
    let edges = (1..<nb).map { k -> (c: Float, s: Float) in
      let a = Double(k) * Double.pi / Double(nb)
      return (Float(cos(a)), Float(sin(a)))
    }
    let usedWidth = p.voting == .nearest ? columns * cs : width
    let usedHeight = p.voting == .nearest ? rows * cs : height
    // Up to 8 edges in one SIMD comparison (lanes beyond the edges never count).
    var ce = SIMD8<Float>(repeating: 0), se = SIMD8<Float>(repeating: 0), lanes = SIMD8<Int32>(repeating: 0)
    for (k, e) in edges.prefix(8).enumerated() { (ce[k], se[k], lanes[k]) = (e.c, e.s, 1) }
    let zero = SIMD8<Int32>(repeating: 0)
    var buffers = [Float](repeating: 0, count: 3 * usedWidth)
    pixels.withUnsafeBufferPointer { img in
      hist.withUnsafeMutableBufferPointer { h in
        buffers.withUnsafeMutableBufferPointer { buf in
          let (gx, gy, mag) = (buf.baseAddress!, buf.baseAddress! + usedWidth, buf.baseAddress! + 2 * usedWidth)
          for y in 0..<usedHeight {
            gradientRow(img.baseAddress!, channels: channels, height: height, width: width, y: y, count: usedWidth, gx: gx, gy: gy, mag: mag)
            if p.voting == .nearest {
              let rowBase = h.baseAddress! + (y / cs) * columns * nb
              // Fold into [0, 180), then count the edges the angle has passed: sin(theta - edge) >= 0.
              for x in 0..<usedWidth {
                var (dx, dy) = (gx[x], gy[x])
                if dy < 0 || (dy == 0 && dx < 0) { (dx, dy) = (-dx, -dy) }
                var b: Int
                if nb <= 9 {
                  let passed = (SIMD8(repeating: dy) * ce - SIMD8(repeating: dx) * se) .>= 0
                  b = Int(zero.replacing(with: lanes, where: passed).wrappedSum())
                } else {
                  b = 0
                  for e in edges where dy * e.c - dx * e.s >= 0 { b += 1 }
                }
                rowBase[(x / cs) * nb + b] += mag[x]
              }
            } else {
              bilinearVotes(h.baseAddress!, y: y, gx: gx, gy: gy, mag: mag, count: usedWidth, rows: rows, columns: columns, parameters: p)
            }
          }
        }
        // skimage averages over the cell's pixels.
        let scale = 1 / Float(cs * cs)
        for i in 0..<h.count { h[i] *= scale }
      }
    }
    return HOGCells(rows: rows, columns: columns, orientations: nb, values: hist)
  }

  /// Gradient of row y (x < count): per pixel the channel with the largest magnitude; 0 at the image border.
  static func gradientRow(
    _ img: UnsafePointer<Float>, channels: Int, height: Int, width: Int, y: Int, count: Int,
    gx: UnsafeMutablePointer<Float>, gy: UnsafeMutablePointer<Float>, mag: UnsafeMutablePointer<Float>
  ) {
    let plane = height * width
    let interiorY: Float = (y > 0 && y < height - 1) ? 1 : 0
    for c in 0..<channels {
      let row = img + c * plane + y * width
      let up = y > 0 ? row - width : row, down = y < height - 1 ? row + width : row
      // Interior columns branch-free; column 0 (and width - 1 when counted) have dx = 0.
      let interior = min(count, width - 1)
      @inline(__always) func take(_ x: Int, _ dx: Float) {
        let dy = (down[x] - up[x]) * interiorY
        let m = dx * dx + dy * dy
        if c == 0 || m > mag[x] { gx[x] = dx; gy[x] = dy; mag[x] = m }
      }
      take(0, 0)
      if interior > 1 { for x in 1..<interior { take(x, row[x + 1] - row[x - 1]) } }
      if count == width && width > 1 { take(width - 1, 0) }
    }
    for x in 0..<count { mag[x] = mag[x].squareRoot() }
  }

  /// Dalal-Triggs voting of one row: between the two nearest bin centres and the 4 nearest cell centres.
  static func bilinearVotes(
    _ h: UnsafeMutablePointer<Float>, y: Int, gx: UnsafeMutablePointer<Float>, gy: UnsafeMutablePointer<Float>, mag: UnsafeMutablePointer<Float>,
    count: Int, rows: Int, columns: Int, parameters p: HOGParameters
  ) {
    let (cs, nb) = (p.cellSize, p.orientations)
    let binWidth = Float.pi / Float(nb)
    // Cell centres sit at cs (c + 0.5) - 0.5 in pixel coordinates.
    let cy = (Float(y) + 0.5) / Float(cs) - 0.5
    let r0 = Int(cy.rounded(.down)), fy = cy - Float(r0)
    for x in 0..<count where mag[x] > 0 {
      var theta = atan2f(gy[x], gx[x])
      if theta < 0 { theta += .pi }
      if theta >= .pi { theta -= .pi }
      let b = theta / binWidth - 0.5
      let b0 = Int(b.rounded(.down)), fb = b - Float(b0)
      let (bin0, bin1) = ((b0 + nb) % nb, (b0 + 1) % nb)
      let cx = (Float(x) + 0.5) / Float(cs) - 0.5
      let c0 = Int(cx.rounded(.down)), fx = cx - Float(c0)
      for dr in 0..<2 {
        let r = r0 + dr, wy = dr == 0 ? 1 - fy : fy
        guard r >= 0 && r < rows && wy > 0 else { continue }
        for dc in 0..<2 {
          let c = c0 + dc, wx = dc == 0 ? 1 - fx : fx
          guard c >= 0 && c < columns && wx > 0 else { continue }
          let base = (r * columns + c) * nb
          let w = mag[x] * wy * wx
          h[base + bin0] += w * (1 - fb)
          h[base + bin1] += w * fb
        }
      }
    }
  }
}
