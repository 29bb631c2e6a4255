// A box with a class label: what a data set's ground truth and a
// localization net's answer are made of. The geometry is the one Box type
// (Box.swift, IntersectionOverUnion.swift); the label is a class index.

public struct LabeledBox: Sendable, Codable, Equatable {
  public var label: Int
  public var box: Box

  public init(label: Int, box: Box) {
    (self.label, self.box) = (label, box)
  }

  public init(label: Int, x1: Double, y1: Double, x2: Double, y2: Double) {
    self.init(label: label, box: Box(x1: x1, y1: y1, x2: x2, y2: y2))
  }
}
