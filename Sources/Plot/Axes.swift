// One chart panel: its labels, limits, legend and marks.

/// Where the legend goes, inside the plot area.
public enum LegendPlacement: String, Sendable { case none, upperRight, upperLeft, lowerRight, lowerLeft }

public struct Axes: Sendable {
  public var title: String?
  public var xLabel: String?
  public var yLabel: String?
  /// Fixed limits; nil = from the data, padded.
  public var xLimits: ClosedRange<Double>?
  public var yLimits: ClosedRange<Double>?
  /// y grows downwards (image coordinates).
  public var yInverted = false
  /// One data unit is as long on x as on y.
  public var equalAspect = false
  public var legend: LegendPlacement = .upperRight
  public var grid = true
  /// Ticks, tick labels, grid and frame; off for image panels.
  public var decorations = true
  /// Tick positions with their own labels (e.g. class names), instead of numbers.
  public var xTicks: [(position: Double, label: String)]?
  public var yTicks: [(position: Double, label: String)]?
  public private(set) var marks: [Mark] = []

  public init() {}

  /// Adds a line through the points; the colour cycles through the palette if nil.
  public mutating func line(
    x: [Double], y: [Double], label: String? = nil, color: Color? = nil, width: Double = 1.75,
    style: LineStyle = .solid, marker: MarkerShape? = nil, markerSize: Double = 6
  ) {
    marks.append(
      .line(
        LineMark(
          x: x, y: y, label: label, color: color, width: width, style: style, marker: marker,
          markerSize: markerSize)))
  }

  /// Adds markers at the points.
  public mutating func scatter(
    x: [Double], y: [Double], label: String? = nil, color: Color? = nil, pointColors: [Color]? = nil,
    size: Double = 6, marker: MarkerShape = .circle
  ) {
    marks.append(
      .scatter(ScatterMark(x: x, y: y, label: label, color: color, pointColors: pointColors, size: size, marker: marker)))
  }

  /// Adds a rectangle (x1, y1)-(x2, y2) in data coordinates.
  public mutating func rect(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: Color? = nil, fill: Color? = nil,
    width: Double = 2, style: LineStyle = .solid, tag: String? = nil
  ) {
    marks.append(.rect(RectMark(x1: x1, y1: y1, x2: x2, y2: y2, stroke: stroke, fill: fill, width: width, style: style, tag: tag)))
  }

  /// Adds a raster covering [x0, x1] x [y0, y1] in data coordinates.
  public mutating func image(_ raster: Raster, x0: Double = 0, x1: Double? = nil, y0: Double = 0, y1: Double? = nil, smooth: Bool = false) {
    marks.append(.image(ImageMark(raster: raster, x0: x0, x1: x1 ?? Double(raster.width), y0: y0, y1: y1 ?? Double(raster.height), smooth: smooth)))
  }

  /// Adds text at a data position.
  public mutating func text(
    _ text: String, x: Double, y: Double, size: Double = 11, color: Color = .text,
    horizontal: HorizontalAnchor = .start, vertical: VerticalAnchor = .middle
  ) {
    marks.append(.text(TextMark(x: x, y: y, text: text, size: size, color: color, horizontal: horizontal, vertical: vertical)))
  }
}
