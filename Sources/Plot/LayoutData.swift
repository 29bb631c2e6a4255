// Data ranges, validation and the data -> pixel mapping of a panel.
import Foundation

extension Layout {

  /// Data -> pixels. Ranges are in axis space (log10 of the data on a log axis).
  struct Mapping {
    var plot: Rect
    var x: (Double, Double)
    var y: (Double, Double)
    var yInverted: Bool
    var xLog = false
    var yLog = false
    func x(_ v: Double) -> Double { plot.x + ((xLog ? log10(v) : v) - x.0) / (x.1 - x.0) * plot.width }
    func y(_ v: Double) -> Double {
      let t = ((yLog ? log10(v) : v) - y.0) / (y.1 - y.0)
      return yInverted ? plot.y + t * plot.height : plot.maxY - t * plot.height
    }
  }

  static func validate(_ axes: Axes) throws {
    func check(_ x: [Double], _ y: [Double], _ what: String) throws {
      guard !x.isEmpty else { throw PlotError("\(what) is empty") }
      guard x.count == y.count else { throw PlotError("\(what) has \(x.count) x values but \(y.count) y values") }
      if let i = x.firstIndex(where: { !$0.isFinite }) { throw PlotError("\(what): x[\(i)] is \(x[i])") }
      if let i = y.firstIndex(where: { !$0.isFinite }) { throw PlotError("\(what): y[\(i)] is \(y[i])") }
    }
    for (n, mark) in axes.marks.enumerated() {
      switch mark {
      case .line(let l): try check(l.x, l.y, "line \(n)\(l.label.map { " (\"\($0)\")" } ?? "")")
      case .scatter(let s):
        try check(s.x, s.y, "scatter \(n)\(s.label.map { " (\"\($0)\")" } ?? "")")
        if let colors = s.pointColors, colors.count != s.x.count {
          throw PlotError("scatter \(n): \(colors.count) colours for \(s.x.count) points")
        }
      case .rect(let r): try check([r.x1, r.x2], [r.y1, r.y2], "rect \(n)")
      case .text(let t): try check([t.x], [t.y], "text \(n)")
      case .image(let m):
        try check([m.x0, m.x1], [m.y0, m.y1], "image \(n)")
        if m.raster.width == 0 || m.raster.height == 0 { throw PlotError("image \(n) is empty") }
      case .bars(let b):
        try check(b.x, b.heights, "bars \(n)\(b.label.map { " (\"\($0)\")" } ?? "")")
        guard b.width > 0 && b.width.isFinite else { throw PlotError("bars \(n): width \(b.width) must be positive") }
      case .errorBars(let e):
        try check(e.x, e.low, "error bars \(n)")
        try check(e.x, e.high, "error bars \(n)")
      case .band(let b):
        try check(b.x, b.low, "band \(n)")
        try check(b.x, b.high, "band \(n)")
      case .arrow(let a): try check([a.x0, a.x1], [a.y0, a.y1], "arrow \(n)")
      }
    }
    for (scale, name, values) in [(axes.xScale, "x", markValues(axes).x), (axes.yScale, "y", markValues(axes).y)] where scale == .log {
      if let bad = values.first(where: { !($0 > 0) }) {
        throw PlotError("log \(name) axis: every value must be positive, got \(bad)")
      }
    }
    for (limits, name) in [(axes.xLimits, "x"), (axes.yLimits, "y")] {
      if let l = limits, !(l.upperBound > l.lowerBound && l.lowerBound.isFinite && l.upperBound.isFinite) {
        throw PlotError("\(name) limits \(l) are empty or not finite")
      }
    }
  }

  /// Every x and y a panel's marks reach, in data space.
  static func markValues(_ axes: Axes) -> (x: [Double], y: [Double]) {
    var xs: [Double] = []
    var ys: [Double] = []
    for mark in axes.marks {
      switch mark {
      case .line(let l): xs += l.x; ys += l.y
      case .scatter(let s): xs += s.x; ys += s.y
      case .rect(let r): xs += [r.x1, r.x2]; ys += [r.y1, r.y2]
      case .text(let t): xs.append(t.x); ys.append(t.y)
      case .image(let m): xs += [m.x0, m.x1]; ys += [m.y0, m.y1]
      case .bars(let b):
        xs += b.x.flatMap { [$0 + b.offset - b.width / 2, $0 + b.offset + b.width / 2] }
        ys += b.heights + (axes.yScale == .log ? [] : [b.baseline])
      case .errorBars(let e): xs += e.x; ys += e.low + e.high
      case .band(let b): xs += b.x; ys += b.low + b.high
      case .arrow(let a): xs += [a.x0, a.x1]; ys += [a.y0, a.y1]
      }
    }
    return (xs, ys)
  }

  /// The ranges of a panel in axis space (log10 on a log axis), padded.
  static func dataRanges(_ axes: Axes) -> ((Double, Double), (Double, Double)) {
    var (xs, ys) = markValues(axes)
    if axes.xScale == .log { xs = xs.filter { $0 > 0 }.map(log10) }
    if axes.yScale == .log { ys = ys.filter { $0 > 0 }.map(log10) }
    func padded(_ values: [Double], _ fixed: ClosedRange<Double>?, _ scale: AxisScale) -> (Double, Double) {
      if let fixed {
        return scale == .log ? (log10(fixed.lowerBound), log10(fixed.upperBound)) : (fixed.lowerBound, fixed.upperBound)
      }
      guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
      if hi == lo { return (lo - 0.5, hi + 0.5) }
      let onlyImages = axes.marks.allSatisfy { if case .image = $0 { return true } else { return false } }
      let pad = onlyImages ? 0 : (hi - lo) * 0.04
      return (lo - pad, hi + pad)
    }
    return (padded(xs, axes.xLimits, axes.xScale), padded(ys, axes.yLimits, axes.yScale))
  }

}
