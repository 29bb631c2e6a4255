// Figure -> Scene: panel placement, data ranges, ticks, marks, legends.
//
// Text widths are estimated (0.6 em per character) so that layout needs no
// font machinery and the Scene is the same on every machine; the renderer
// draws the real glyphs at the positions chosen here.

import Foundation

enum Layout {
  static let titleSize = 15.0
  static let panelTitleSize = 13.0
  static let labelSize = 12.0
  static let tickSize = 10.5
  static let legendSize = 10.5

  static func scene(of figure: Figure) throws -> Scene {
    guard figure.width > 0, figure.height > 0, figure.width.isFinite, figure.height.isFinite else {
      throw PlotError("figure size must be positive, got \(figure.width)x\(figure.height)")
    }
    guard figure.rows > 0, figure.columns > 0, figure.axes.count == figure.rows * figure.columns else {
      throw PlotError("figure grid \(figure.rows)x\(figure.columns) does not match \(figure.axes.count) axes")
    }
    var items: [SceneItem] = []
    var top = 0.0
    if let title = figure.title {
      items.append(
        .text(
          title, at: Point(figure.width / 2, 10), style: TextStyle(size: titleSize, bold: true), horizontal: .middle,
          vertical: .top, rotation: 0))
      top = 10 + titleSize * 1.6
    }
    var panels = figure.axes
    for (shared, isX) in [(figure.sharedX, true), (figure.sharedY, false)] where shared {
      let ranges = panels.filter { !$0.marks.isEmpty }.map { dataRanges($0) }.map { isX ? $0.0 : $0.1 }
      guard let lo = ranges.map(\.0).min(), let hi = ranges.map(\.1).max(), hi > lo else { continue }
      for i in panels.indices {
        let scale = isX ? panels[i].xScale : panels[i].yScale
        let limits = scale == .log ? pow(10, lo)...pow(10, hi) : lo...hi
        if isX { panels[i].xLimits = panels[i].xLimits ?? limits } else { panels[i].yLimits = panels[i].yLimits ?? limits }
      }
    }
    let cellWidth = figure.width / Double(figure.columns)
    let cellHeight = (figure.height - top) / Double(figure.rows)
    for (index, axes) in panels.enumerated() {
      let cell = Rect(
        x: Double(index % figure.columns) * cellWidth, y: top + Double(index / figure.columns) * cellHeight,
        width: cellWidth, height: cellHeight)
      do {
        items += try panel(axes, in: cell)
      } catch let error as PlotError {
        throw PlotError("panel \(index)\(axes.title.map { " (\"\($0)\")" } ?? ""): \(error.message)")
      }
    }
    return Scene(width: figure.width, height: figure.height, items: items)
  }

  // MARK: - One panel

  static func panel(_ axes: Axes, in cell: Rect) throws -> [SceneItem] {
    try validate(axes)
    let tickRoom = axes.decorations ? (axes.yTicks.map { ticks in 12 + (ticks.map { estimatedWidth($0.label, size: tickSize) }.max() ?? 0) } ?? 44) : 4
    let left = cell.x + tickRoom + (axes.yLabel == nil ? 0 : 18)
    let right = cell.maxX - (axes.decorations ? 14 : 4) - (axes.colorbar == nil ? 0 : 78)
    let topEdge = cell.y + (axes.title == nil ? (axes.decorations ? 12 : 4) : 12 + panelTitleSize * 1.7)
    let bottom = cell.maxY - (axes.decorations ? 30 : 4) - (axes.xLabel == nil ? 0 : 18)
    guard right - left > 10, bottom - topEdge > 10 else {
      throw PlotError("panel is too small (\(Int(cell.width))x\(Int(cell.height)) px) for its labels")
    }
    var plot = Rect(x: left, y: topEdge, width: right - left, height: bottom - topEdge)

    var (xRange, yRange) = dataRanges(axes)
    if axes.equalAspect {
      // Grow the range that is short for its side, so one unit has one length.
      let scale = max((xRange.1 - xRange.0) / plot.width, (yRange.1 - yRange.0) / plot.height)
      let w = scale * plot.width, h = scale * plot.height
      let cx = (xRange.0 + xRange.1) / 2, cy = (yRange.0 + yRange.1) / 2
      xRange = (cx - w / 2, cx + w / 2)
      yRange = (cy - h / 2, cy + h / 2)
      plot = Rect(x: plot.x, y: plot.y, width: plot.width, height: plot.height)
    }
    let map = Mapping(plot: plot, x: xRange, y: yRange, yInverted: axes.yInverted, xLog: axes.xScale == .log, yLog: axes.yScale == .log)
    var items: [SceneItem] = []
    func autoTicks(_ range: (Double, Double), _ scale: AxisScale, target: Int) -> [(Double, String)] {
      if scale == .log { return Ticks.log(range.0, range.1) }
      let t = Ticks.linear(range.0, range.1, target: target)
      return t.values.map { ($0, Ticks.label($0, step: t.step)) }
    }
    let xTicks: [(Double, String)] =
      !axes.decorations ? [] : axes.xTicks ?? autoTicks(xRange, axes.xScale, target: max(2, Int(plot.width / 80)))
    let yTicks: [(Double, String)] =
      !axes.decorations ? [] : axes.yTicks ?? autoTicks(yRange, axes.yScale, target: max(2, Int(plot.height / 55)))

    if axes.grid && axes.decorations {
      for (v, _) in xTicks {
        let x = map.x(v)
        items.append(.polyline([Point(x, plot.y), Point(x, plot.maxY)], stroke: .gridLine, lineWidth: 1, dash: []))
      }
      for (v, _) in yTicks {
        let y = map.y(v)
        items.append(.polyline([Point(plot.x, y), Point(plot.maxX, y)], stroke: .gridLine, lineWidth: 1, dash: []))
      }
    }
    let tickStyle = TextStyle(size: tickSize, color: .axis)
    for (v, label) in xTicks {
      let x = map.x(v)
      items.append(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + 4)], stroke: .axis, lineWidth: 1, dash: []))
      items.append(
        .text(
          label, at: Point(x, plot.maxY + 6), style: tickStyle, horizontal: .middle,
          vertical: .top, rotation: 0))
    }
    for (v, label) in yTicks {
      let y = map.y(v)
      items.append(.polyline([Point(plot.x - 4, y), Point(plot.x, y)], stroke: .axis, lineWidth: 1, dash: []))
      items.append(
        .text(
          label, at: Point(plot.x - 6, y), style: tickStyle, horizontal: .end,
          vertical: .middle, rotation: 0))
    }

    items.append(.beginClip(plot))
    var cycle = 0
    var legend: [(label: String, color: Color, line: LineStyle?, marker: MarkerShape?)] = []
    for mark in axes.marks {
      switch mark {
      case .line(let line):
        let color = line.color ?? qualitativePalette[cycle % qualitativePalette.count]
        if line.color == nil { cycle += 1 }
        let points = zip(line.x, line.y).map { Point(map.x($0), map.y($1)) }
        items.append(.polyline(points, stroke: color, lineWidth: line.width, dash: line.style.pattern))
        if let marker = line.marker {
          for p in points { items.append(.marker(p, shape: marker, size: line.markerSize, fill: color, stroke: .white)) }
        }
        if let label = line.label { legend.append((label, color, line.style, line.marker)) }
      case .scatter(let scatter):
        let color = scatter.color ?? qualitativePalette[cycle % qualitativePalette.count]
        if scatter.color == nil && scatter.pointColors == nil { cycle += 1 }
        for (i, (x, y)) in zip(scatter.x, scatter.y).enumerated() {
          items.append(
            .marker(
              Point(map.x(x), map.y(y)), shape: scatter.marker, size: scatter.size,
              fill: scatter.pointColors?[i] ?? color, stroke: nil))
        }
        if let label = scatter.label { legend.append((label, color, nil, scatter.marker)) }
      case .rect(let r):
        let xa = map.x(r.x1), xb = map.x(r.x2), ya = map.y(r.y1), yb = map.y(r.y2)
        let rect = Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa), height: abs(yb - ya))
        items.append(.rect(rect, fill: r.fill, stroke: r.stroke, lineWidth: r.width, dash: r.style.pattern))
        if let tag = r.tag {
          let background = r.stroke ?? .axis
          // Dark text on a light tag, white on a dark one (Rec. 601 luma).
          let luma = 0.299 * background.red + 0.587 * background.green + 0.114 * background.blue
          let tagStyle = TextStyle(size: 10, color: luma > 0.6 ? .black : .white)
          let tagWidth = estimatedWidth(tag, size: 10) + 6
          items.append(
            .rect(Rect(x: rect.x, y: rect.y - 15, width: tagWidth, height: 15), fill: background, stroke: nil, lineWidth: 0, dash: []))
          items.append(.text(tag, at: Point(rect.x + 3, rect.y - 7.5), style: tagStyle, horizontal: .start, vertical: .middle, rotation: 0))
        }
      case .text(let t):
        items.append(
          .text(
            t.text, at: Point(map.x(t.x), map.y(t.y)), style: TextStyle(size: t.size, color: t.color),
            horizontal: t.horizontal, vertical: t.vertical, rotation: 0))
      case .bars(let b):
        let color = b.color ?? qualitativePalette[cycle % qualitativePalette.count]
        if b.color == nil { cycle += 1 }
        let base = axes.yScale == .log ? pow(10, yRange.0) : b.baseline
        for (x, h) in zip(b.x, b.heights) {
          let xa = map.x(x + b.offset - b.width / 2), xb = map.x(x + b.offset + b.width / 2)
          let ya = map.y(base), yb = map.y(h)
          items.append(.rect(Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa), height: abs(yb - ya)), fill: color, stroke: nil, lineWidth: 0, dash: []))
        }
        if let label = b.label { legend.append((label, color, nil, .square)) }
      case .errorBars(let e):
        let color = e.color ?? .axis
        for (x, (lo, hi)) in zip(e.x, zip(e.low, e.high)) {
          let px = map.x(x), ya = map.y(lo), yb = map.y(hi)
          items.append(.polyline([Point(px, ya), Point(px, yb)], stroke: color, lineWidth: 1.25, dash: []))
          for y in [ya, yb] {
            items.append(.polyline([Point(px - e.capWidth / 2, y), Point(px + e.capWidth / 2, y)], stroke: color, lineWidth: 1.25, dash: []))
          }
        }
        if let label = e.label { legend.append((label, color, .solid, nil)) }
      case .band(let b):
        let color = b.color ?? qualitativePalette[cycle % qualitativePalette.count]
        let upper = zip(b.x, b.high).map { Point(map.x($0), map.y($1)) }
        let lower = zip(b.x, b.low).map { Point(map.x($0), map.y($1)) }.reversed()
        items.append(.polygon(upper + lower, fill: color.withAlpha(b.opacity)))
        if let label = b.label { legend.append((label, color.withAlpha(b.opacity), nil, .square)) }
      case .arrow(let a):
        let p0 = Point(map.x(a.x0), map.y(a.y0)), p1 = Point(map.x(a.x1), map.y(a.y1))
        let angle = atan2(p1.y - p0.y, p1.x - p0.x)
        let back = Point(p1.x - a.headSize * cos(angle), p1.y - a.headSize * sin(angle))
        items.append(.polyline([p0, back], stroke: a.color, lineWidth: a.width, dash: []))
        let side = a.headSize * 0.45
        items.append(
          .polygon(
            [p1, Point(back.x + side * sin(angle), back.y - side * cos(angle)), Point(back.x - side * sin(angle), back.y + side * cos(angle))],
            fill: a.color))
      case .image(let m):
        let xa = map.x(m.x0), xb = map.x(m.x1), ya = map.y(m.y0), yb = map.y(m.y1)
        items.append(
          .image(Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa), height: abs(yb - ya)), raster: m.raster, smooth: m.smooth))
      }
    }
    items.append(.endClip)
    if axes.decorations { items.append(.rect(plot, fill: nil, stroke: .axis, lineWidth: 1, dash: [])) }

    if let title = axes.title {
      items.append(
        .text(
          title, at: Point(plot.x + plot.width / 2, cell.y + 10), style: TextStyle(size: panelTitleSize, bold: true),
          horizontal: .middle, vertical: .top, rotation: 0))
    }
    if let label = axes.xLabel {
      items.append(
        .text(
          label, at: Point(plot.x + plot.width / 2, cell.maxY - 8), style: TextStyle(size: labelSize),
          horizontal: .middle, vertical: .bottom, rotation: 0))
    }
    if let label = axes.yLabel {
      items.append(
        .text(
          label, at: Point(cell.x + 8, plot.y + plot.height / 2), style: TextStyle(size: labelSize),
          horizontal: .middle, vertical: .top, rotation: -90))
    }
    if axes.legend != .none && !legend.isEmpty {
      items += legendItems(legend, placement: axes.legend, plot: plot)
    }
    if let bar = axes.colorbar { items += colorbarItems(bar, plot: plot) }
    return items
  }

  // MARK: - Pieces

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

  static func colorbarItems(_ bar: Colorbar, plot: Rect) -> [SceneItem] {
    let strip = Rect(x: plot.maxX + 14, y: plot.y, width: 14, height: plot.height)
    let steps = 256
    let values = (0..<steps).map { 1 - Double($0) / Double(steps - 1) }  // top row = high end
    var items: [SceneItem] = [
      .image(strip, raster: Raster(values: values, width: 1, height: steps, colormap: bar.colormap, range: 0...1), smooth: true),
      .rect(strip, fill: nil, stroke: .axis, lineWidth: 1, dash: []),
    ]
    let (lo, hi) = (bar.range.lowerBound, bar.range.upperBound)
    let ticks = Ticks.linear(lo, hi, target: max(2, Int(plot.height / 55)))
    for v in ticks.values {
      let y = strip.maxY - (v - lo) / max(hi - lo, 1e-300) * strip.height
      items.append(.polyline([Point(strip.maxX, y), Point(strip.maxX + 4, y)], stroke: .axis, lineWidth: 1, dash: []))
      items.append(
        .text(Ticks.label(v, step: ticks.step), at: Point(strip.maxX + 6, y), style: TextStyle(size: tickSize, color: .axis), horizontal: .start, vertical: .middle, rotation: 0))
    }
    if let label = bar.label {
      items.append(
        .text(label, at: Point(strip.maxX + 62, strip.y + strip.height / 2), style: TextStyle(size: labelSize), horizontal: .middle, vertical: .bottom, rotation: -90))
    }
    return items
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

  static func estimatedWidth(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.6
  }

  static func legendItems(
    _ entries: [(label: String, color: Color, line: LineStyle?, marker: MarkerShape?)], placement: LegendPlacement,
    plot: Rect
  ) -> [SceneItem] {
    let rowHeight = legendSize * 1.55
    let swatch = 22.0
    let width = (entries.map { estimatedWidth($0.label, size: legendSize) }.max() ?? 0) + swatch + 20
    let height = Double(entries.count) * rowHeight + 8
    let x = placement == .upperLeft || placement == .lowerLeft ? plot.x + 8 : plot.maxX - 8 - width
    let y = placement == .upperLeft || placement == .upperRight ? plot.y + 8 : plot.maxY - 8 - height
    var items: [SceneItem] = [
      .rect(
        Rect(x: x, y: y, width: width, height: height), fill: Color.white.withAlpha(0.9), stroke: .lightGray, lineWidth: 1,
        dash: [])
    ]
    for (i, entry) in entries.enumerated() {
      let cy = y + 4 + (Double(i) + 0.5) * rowHeight
      if let line = entry.line {
        items.append(
          .polyline([Point(x + 6, cy), Point(x + 6 + swatch, cy)], stroke: entry.color, lineWidth: 2, dash: line.pattern))
      }
      if let marker = entry.marker {
        items.append(.marker(Point(x + 6 + swatch / 2, cy), shape: marker, size: 6, fill: entry.color, stroke: nil))
      }
      items.append(
        .text(
          entry.label, at: Point(x + 12 + swatch, cy), style: TextStyle(size: legendSize), horizontal: .start,
          vertical: .middle, rotation: 0))
    }
    return items
  }
}
