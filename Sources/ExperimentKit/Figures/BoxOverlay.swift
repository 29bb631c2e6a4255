// Boxes drawn over an image panel: ground truth, predictions, windows.
// A labelled box can carry its class's short name as a tag.
import Datasets
import Detection
import Plot

extension Axes {
  /// Outlines `box` (pixel coordinates of the panel).
  public mutating func box(_ box: Box, stroke: Color, width: Double = 1.5, style: LineStyle = .solid, tag: String? = nil) {
    rect(x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, stroke: stroke, width: width, style: style, tag: tag)
  }

  /// Outlines a labelled box; with `named`, tags it with its Fashion-MNIST class.
  public mutating func box(_ object: LabeledBox, stroke: Color, width: Double = 1.5, style: LineStyle = .solid, named: Bool) {
    box(object.box, stroke: stroke, width: width, style: style, tag: named ? FashionMNIST.shortClassNames[object.label] : nil)
  }
}
