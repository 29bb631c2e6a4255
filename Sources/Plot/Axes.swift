// One chart panel: its labels, limits, legend and marks.

/// How data values map to positions along an axis.
public enum AxisScale: String, Sendable { case linear, log }

/// A colour scale drawn beside the plot area.
public struct Colorbar: Sendable, Equatable {
  public var colormap: Colormap
  public var range: ClosedRange<Double>
  public var label: String?
  public init(colormap: Colormap, range: ClosedRange<Double>, label: String? = nil) {
    (self.colormap, self.range, self.label) = (colormap, range, label)
  }
}

/// A legend entry with no mark of its own (box colours, truth vs prediction).
public struct LegendKey: Sendable, Equatable {
  public var label: String
  public var color: Color
  public var line: LineStyle?
  public var marker: MarkerShape?
  public init(_ label: String, color: Color, line: LineStyle? = .solid, marker: MarkerShape? = nil) {
    (self.label, self.color, self.line, self.marker) = (label, color, line, marker)
  }
}

/// Where the legend goes: a corner of the plot area; `best` is the corner (or
/// top or bottom middle) covering the least data; `outside` is right of the plot.
public enum LegendPlacement: String, Sendable { case none, best, upperRight, upperLeft, lowerRight, lowerLeft, outside }

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
  public var legend: LegendPlacement = .best
  public var grid = true
  /// Ticks, tick labels, grid and frame; off for image panels.
  public var decorations = true
  /// Tick positions with their own labels (e.g. class names), instead of numbers.
  public var xTicks: [(position: Double, label: String)]?
  public var yTicks: [(position: Double, label: String)]?
  public var xScale: AxisScale = .linear
  public var yScale: AxisScale = .linear
  public var colorbar: Colorbar?
  public private(set) var marks: [Mark] = []
  /// Legend entries after those of the marks.
  public private(set) var legendKeys: [LegendKey] = []

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

  /// Adds a legend entry that no mark makes: a line swatch (`line`), a marker, or both.
  public mutating func legendKey(_ label: String, color: Color, line: LineStyle? = .solid, marker: MarkerShape? = nil) {
    legendKeys.append(LegendKey(label, color: color, line: line, marker: marker))
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

  /// Adds bars of `heights` at `x` (categories are usually 0, 1, 2, ...).
  public mutating func bars(
    x: [Double], heights: [Double], width: Double = 0.8, offset: Double = 0, baseline: Double = 0,
    label: String? = nil, color: Color? = nil
  ) {
    marks.append(.bars(BarMark(x: x, heights: heights, width: width, offset: offset, baseline: baseline, label: label, color: color)))
  }

  /// Side-by-side bars: one series per group member, at categories 0..<n.
  public mutating func groupedBars(_ series: [(label: String, heights: [Double])], width: Double = 0.8) {
    let each = width / Double(max(series.count, 1))
    for (k, s) in series.enumerated() {
      bars(
        x: s.heights.indices.map(Double.init), heights: s.heights, width: each,
        offset: -width / 2 + each * (Double(k) + 0.5), label: s.label)
    }
  }

  /// A histogram of `values` in `bins` equal bins over `range` (default: the data's).
  public mutating func histogram(
    _ values: [Double], bins: Int, range: ClosedRange<Double>? = nil, label: String? = nil, color: Color? = nil
  ) {
    let finite = values.filter(\.isFinite)
    let lo = range?.lowerBound ?? finite.min() ?? 0
    let hi = range?.upperBound ?? finite.max() ?? 1
    let span = hi > lo ? hi - lo : 1
    var counts = [Double](repeating: 0, count: max(bins, 1))
    for v in finite where v >= lo && v <= hi {
      counts[min(Int((v - lo) / span * Double(counts.count)), counts.count - 1)] += 1
    }
    let w = span / Double(counts.count)
    bars(x: counts.indices.map { lo + (Double($0) + 0.5) * w }, heights: counts, width: w, label: label, color: color)
  }

  /// Error bars from `low` to `high` at `x`.
  public mutating func errorBars(x: [Double], low: [Double], high: [Double], color: Color? = nil, label: String? = nil) {
    marks.append(.errorBars(ErrorBarMark(x: x, low: low, high: high, color: color, label: label)))
  }

  /// A shaded band between `low` and `high` along `x`.
  public mutating func band(x: [Double], low: [Double], high: [Double], color: Color? = nil, opacity: Double = 0.25, label: String? = nil) {
    marks.append(.band(BandMark(x: x, low: low, high: high, color: color, opacity: opacity, label: label)))
  }

  /// An arrow from (x0, y0) to (x1, y1).
  public mutating func arrow(x0: Double, y0: Double, x1: Double, y1: Double, color: Color = .black, width: Double = 1.5) {
    marks.append(.arrow(ArrowMark(x0: x0, y0: y0, x1: x1, y1: y1, color: color, width: width)))
  }

  /// Keypoints joined by skeleton edges (pairs of point indices), as in pose figures.
  public mutating func skeleton(x: [Double], y: [Double], edges: [(Int, Int)], color: Color? = nil, label: String? = nil) {
    for (a, b) in edges where a < x.count && b < x.count {
      line(x: [x[a], x[b]], y: [y[a], y[b]], color: color ?? qualitativePalette[0], width: 2.5)
    }
    scatter(x: x, y: y, label: label, color: color ?? qualitativePalette[0], size: 7)
  }

  /// A rows x columns grid of lines over [x0, x1] x [y0, y1] (YOLO's S x S
  /// cells over an image, RoI pooling bins over a feature map).
  public mutating func cellGrid(
    columns: Int, rows: Int, x0: Double, x1: Double, y0: Double, y1: Double, color: Color = .white, width: Double = 1
  ) {
    for c in 0...max(columns, 1) {
      let x = x0 + (x1 - x0) * Double(c) / Double(max(columns, 1))
      line(x: [x, x], y: [y0, y1], color: color, width: width)
    }
    for r in 0...max(rows, 1) {
      let y = y0 + (y1 - y0) * Double(r) / Double(max(rows, 1))
      line(x: [x0, x1], y: [y, y], color: color, width: width)
    }
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
