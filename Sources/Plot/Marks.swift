// The marks an Axes can hold. Each is plain data in data coordinates; Layout
// maps them to Scene items.

/// How a line is dashed.
public enum LineStyle: String, Sendable, Equatable {
  case solid, dashed, dotted, dashDot

  /// Dash pattern in pixels (for a 1.5 px line).
  var pattern: [Double] {
    switch self {
    case .solid: []
    case .dashed: [6, 4]
    case .dotted: [1.5, 3]
    case .dashDot: [7, 3, 1.5, 3]
    }
  }
}

/// A polyline through (x[i], y[i]), optionally with a marker at each point.
public struct LineMark: Sendable, Equatable {
  public var x: [Double]
  public var y: [Double]
  public var label: String?
  public var color: Color?
  public var width: Double = 1.75
  public var style: LineStyle = .solid
  public var marker: MarkerShape?
  public var markerSize: Double = 6
}

/// Markers at (x[i], y[i]), one colour for all or one per point.
public struct ScatterMark: Sendable, Equatable {
  public var x: [Double]
  public var y: [Double]
  public var label: String?
  public var color: Color?
  public var pointColors: [Color]?
  public var size: Double = 6
  public var marker: MarkerShape = .circle
}

/// An axis-aligned rectangle in data coordinates, with an optional tag.
public struct RectMark: Sendable, Equatable {
  public var x1, y1, x2, y2: Double
  public var stroke: Color?
  public var fill: Color?
  public var width: Double = 2
  public var style: LineStyle = .solid
  /// A short caption drawn on a filled tag at the top-left corner.
  public var tag: String?
}

/// Text at a data position.
public struct TextMark: Sendable, Equatable {
  public var x, y: Double
  public var text: String
  public var size: Double = 11
  public var color: Color = .text
  public var horizontal: HorizontalAnchor = .start
  public var vertical: VerticalAnchor = .middle
}

/// A raster drawn over the data rectangle [x0, x1] x [y0, y1].
public struct ImageMark: Sendable, Equatable {
  public var raster: Raster
  public var x0, x1, y0, y1: Double
  /// Bilinear smoothing when scaled; nearest neighbour (crisp pixels) otherwise.
  public var smooth: Bool = false
}

/// Bars from `baseline` to `heights[i]`, centred at `x[i] + offset`.
public struct BarMark: Sendable, Equatable {
  public var x: [Double]
  public var heights: [Double]
  public var width: Double
  public var offset: Double = 0
  public var baseline: Double = 0
  public var label: String?
  public var color: Color?
}

/// Vertical error bars from `low[i]` to `high[i]` at `x[i]`, with caps.
public struct ErrorBarMark: Sendable, Equatable {
  public var x: [Double]
  public var low: [Double]
  public var high: [Double]
  public var color: Color?
  public var capWidth: Double = 6
  public var label: String?
}

/// A filled band between `low` and `high` along `x` (confidence bands).
public struct BandMark: Sendable, Equatable {
  public var x: [Double]
  public var low: [Double]
  public var high: [Double]
  public var color: Color?
  public var opacity: Double = 0.25
  public var label: String?
}

/// An arrow from (x0, y0) to (x1, y1) in data coordinates.
public struct ArrowMark: Sendable, Equatable {
  public var x0, y0, x1, y1: Double
  public var color: Color = .black
  public var width: Double = 1.5
  public var headSize: Double = 9
}

public enum Mark: Sendable, Equatable {
  case line(LineMark)
  case bars(BarMark)
  case errorBars(ErrorBarMark)
  case band(BandMark)
  case arrow(ArrowMark)
  case image(ImageMark)
  case scatter(ScatterMark)
  case rect(RectMark)
  case text(TextMark)
}
