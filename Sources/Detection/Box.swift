// Axis-aligned boxes and the two pixel conventions detection code uses.
//
// Continuous (torchvision, COCO, this project's default): a box is the region
// x1 <= x < x2, y1 <= y < y2 in continuous image coordinates, so its area is
// (x2 - x1) * (y2 - y1). IoU([0,0,2,2], [1,1,3,3]) = 1/7.
//
// Inclusive (PASCAL VOC devkit, py-faster-rcnn): x1..x2 name the first and the
// last pixel column covered, so the width is x2 - x1 + 1. The same numbers
// [0,0,2,2] and [1,1,3,3] then cover 3x3 pixels each, overlap in 2x2, and
// IoU = 4/14 = 2/7. A COCO box [x, y, w, h] becomes (x, y, x+w-1, y+h-1) in
// this convention, which covers the same pixels.

/// How box corners map to pixels. See the file header.
public enum BoxConvention: String, Sendable, Codable, CaseIterable {
  /// area = (x2 - x1) * (y2 - y1)
  case continuous
  /// area = (x2 - x1 + 1) * (y2 - y1 + 1) (VOC's "+1")
  case inclusive

  /// The amount added to a difference of coordinates to get a side length.
  @inlinable public var offset: Double { self == .inclusive ? 1 : 0 }
}

/// A box given by two corners, (x1, y1) top-left and (x2, y2) bottom-right.
public struct Box: Sendable, Equatable, Hashable, Codable {
  public var x1: Double
  public var y1: Double
  public var x2: Double
  public var y2: Double

  public init(x1: Double, y1: Double, x2: Double, y2: Double) {
    (self.x1, self.y1, self.x2, self.y2) = (x1, y1, x2, y2)
  }

  /// The continuous box of a COCO `[x, y, width, height]`.
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.init(x1: x, y1: y, x2: x + width, y2: y + height)
  }

  public func width(_ convention: BoxConvention = .continuous) -> Double {
    x2 - x1 + convention.offset
  }

  public func height(_ convention: BoxConvention = .continuous) -> Double {
    y2 - y1 + convention.offset
  }

  /// The area; zero for an empty or inverted box.
  public func area(_ convention: BoxConvention = .continuous) -> Double {
    max(width(convention), 0) * max(height(convention), 0)
  }

  public var centerX: Double { (x1 + x2) / 2 }
  public var centerY: Double { (y1 + y2) / 2 }
}
