// The layout of YOLO v1's output (Redmon et al., "You Only Look Once:
// Unified, Real-Time Object Detection", CVPR 2016, §2): the image is divided
// into S x S cells; each cell predicts B boxes (x, y, sqrt w, sqrt h,
// confidence) and C class probabilities, one S x S x (5B + C) tensor.
// Conventions (ours, stated in the chapter):
//   - channels first, as every conv map of the house (NCHW): the S x S x
//     (5B + C) tensor is stored (5B + C, S, S); channel 5 b + f is field f
//     (0 x, 1 y, 2 sqrt w, 3 sqrt h, 4 confidence) of box b, channel 5 B + c
//     the score of class c; cell = row S + column (darknet's v1 layer
//     stores all class scores first, then confidences, then boxes: the same
//     numbers in another order);
//   - x, y: the box centre as an offset within its cell, in [0, 1];
//   - w, h relative to the image; the net predicts their square roots
//     (§2.2: "we predict the square root of the bounding box width and
//     height"), so a decoded width is (output)^2 times the image side;
//   - boxes in the continuous pixels of the image (Detection's Box).
import Detection

public struct YOLOGrid: Codable, Sendable, Equatable {
  /// Cells per side (S), boxes per cell (B), classes (C).
  public var cells: Int
  public var boxesPerCell: Int
  public var classes: Int
  /// The image side in pixels.
  public var imageSize: Double

  public init(cells: Int, boxesPerCell: Int, classes: Int, imageSize: Double) {
    (self.cells, self.boxesPerCell, self.classes, self.imageSize) = (cells, boxesPerCell, classes, imageSize)
  }

  /// 5 B + C.
  public var perCell: Int { 5 * boxesPerCell + classes }
  /// S S (5 B + C).
  public var outputs: Int { cells * cells * perCell }
  /// S S B: the boxes one image gets.
  public var boxesPerImage: Int { cells * cells * boxesPerCell }
  public var cellSize: Double { imageSize / Double(cells) }

  // snippet.layout
  /// Index, within one image's outputs, of box `b`'s field (0 x, 1 y, 2 sqrt w, 3 sqrt h, 4 confidence) in `cell`.
  public func boxIndex(cell: Int, box b: Int, field: Int) -> Int { (5 * b + field) * cells * cells + cell }
  /// Index of class `c`'s score in `cell`.
  public func classIndex(cell: Int, class c: Int) -> Int { (5 * boxesPerCell + c) * cells * cells + cell }
  // snippet.end

  /// The cell (row S + column) holding a point, and the point's offsets within it.
  public func cell(containing x: Double, _ y: Double) -> (cell: Int, dx: Double, dy: Double) {
    let s = cellSize
    let column = min(max(Int((x / s).rounded(.down)), 0), cells - 1)
    let row = min(max(Int((y / s).rounded(.down)), 0), cells - 1)
    return (row * cells + column, x / s - Double(column), y / s - Double(row))
  }

  /// The box that four outputs (x, y, sqrt w, sqrt h) of `cell` stand for, in pixels.
  public func decodeBox(cell: Int, _ x: Float, _ y: Float, _ sqrtW: Float, _ sqrtH: Float) -> Box {
    let (row, column) = (cell / cells, cell % cells)
    let cx = (Double(column) + Double(x)) * cellSize, cy = (Double(row) + Double(y)) * cellSize
    let w = Double(sqrtW * sqrtW) * imageSize, h = Double(sqrtH * sqrtH) * imageSize
    return Box(x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2)
  }
}
