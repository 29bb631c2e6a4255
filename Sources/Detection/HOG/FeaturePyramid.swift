// A HOG feature pyramid and dense filter responses (Dalal and Triggs 2005,
// section 7 "dense multiscale scan"; Felzenszwalb et al., PAMI 2010,
// section 3: "a filter's response at every position of a level is its
// cross-correlation with the level's feature map").
//
// Level k resizes the image by scale(k) = first * 2^(k / perOctave)
// (bilinear, Tensor.resizedBilinear) and computes its block feature map
// once; every window of that level is then a sub-grid of it, and the
// scores of a linear template at every window are one correlation of the
// template with the map. Level k + perOctave has twice the resolution of
// level k, which is where a DPM's parts are scored.
// Coordinates: block (r, c) of a level starts at pixel (c, r) * cellSize of
// the resized image, i.e. at (c * cellSize / sx, r * cellSize / sy) in the
// original, with sx = resized width / width (and sy alike).
import Foundation
import Tensor

public struct FeaturePyramid: Sendable {
  public struct Level: Sendable {
    public var scale: Double
    /// Resized width / original width and height / height (rounding makes them differ from `scale`).
    public var scaleX: Double, scaleY: Double
    public var features: HOGFeatureMap
  }
  public var levels: [Level]
  public let parameters: HOGParameters

  /// The scales of a pyramid of `count` levels from `first`, `perOctave` levels per octave.
  public static func scales(first: Double, perOctave: Int, count: Int) -> [Double] {
    (0..<count).map { first * pow(2, Double($0) / Double(perOctave)) }
  }

  /// The pyramid of a (1, C, H, W) image at `scales`. Levels of `reusing` at the same scale are taken
  /// from it; when `only` is given, the other levels stay empty (0 x 0 maps: no window fits).
  public init(image: Tensor, scales: [Double], parameters: HOGParameters = HOGParameters(), reusing: FeaturePyramid? = nil, only: Set<Int>? = nil) {
    precondition(image.rank == 4 && image.shape[0] == 1, "FeaturePyramid: expected a (1, C, H, W) image, got \(image.shape)")
    let (c, h, w) = (image.shape[1], image.shape[2], image.shape[3])
    self.parameters = parameters
    levels = scales.enumerated().map { k, s in
      let (nh, nw) = (max(1, Int((Double(h) * s).rounded())), max(1, Int((Double(w) * s).rounded())))
      let level = Level(scale: s, scaleX: Double(nw) / Double(w), scaleY: Double(nh) / Double(h), features: HOGFeatureMap(rows: 0, columns: 0, length: parameters.blockLength))
      if let old = reusing, k < old.levels.count, old.levels[k].scale == s, old.parameters == parameters { return old.levels[k] }
      guard only?.contains(k) ?? true else { return level }
      let resized = (nh == h && nw == w) ? image : image.resizedBilinear(height: nh, width: nw)
      var computed = level
      computed.features = HOG.features(resized.scalars, channels: c, height: nh, width: nw, parameters: parameters)
      return computed
    }
  }

  /// The box, in original pixels, of a window of `width` x `height` cells whose top-left block is (row, column) at `level`.
  public func windowBox(level: Int, row: Int, column: Int, widthCells: Int, heightCells: Int) -> Box {
    let l = levels[level], cs = Double(parameters.cellSize)
    return Box(
      x1: Double(column) * cs / l.scaleX, y1: Double(row) * cs / l.scaleY,
      x2: Double(column + widthCells) * cs / l.scaleX, y2: Double(row + heightCells) * cs / l.scaleY)
  }
}

/// A linear filter over a block feature map: `rows` x `columns` blocks of `length` weights, row-major.
public struct LinearFilter: Sendable, Codable {
  public var rows: Int, columns: Int, length: Int
  public var weights: [Float]

  public init(rows: Int, columns: Int, length: Int, weights: [Float]) {
    precondition(weights.count == rows * columns * length, "LinearFilter: \(weights.count) weights for \(rows)x\(columns)x\(length)")
    (self.rows, self.columns, self.length, self.weights) = (rows, columns, length, weights)
  }

  /// The response at every position where the filter fits: (map.rows - rows + 1) x (map.columns - columns + 1).
  /// A window's row of blocks is contiguous in the map, so each response is `rows` dot products of columns * length.
  public func responses(_ map: HOGFeatureMap) -> (values: [Float], rows: Int, columns: Int) {
    precondition(map.length == length, "LinearFilter.responses: map blocks of \(map.length), filter of \(length)")
    let (outRows, outColumns) = (map.rows - rows + 1, map.columns - columns + 1)
    guard outRows > 0 && outColumns > 0 else { return ([], max(outRows, 0), max(outColumns, 0)) }
    var out = [Float](repeating: 0, count: outRows * outColumns)
    // snippet.responses
    let span = columns * length
    map.values.withUnsafeBufferPointer { m in
      weights.withUnsafeBufferPointer { w in
        out.withUnsafeMutableBufferPointer { o in
          for r in 0..<outRows {
            for c in 0..<outColumns {
              var s: Float = 0
              for i in 0..<rows {
                s += dot(w.baseAddress! + i * span, m.baseAddress! + ((r + i) * map.columns + c) * length, span)
              }
              o[r * outColumns + c] = s
            }
          }
          // snippet.end
        }
      }
    }
    return (out, outRows, outColumns)
  }
}
