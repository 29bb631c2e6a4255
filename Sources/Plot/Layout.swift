// Figure -> Scene: panel placement, margins sized from measured text, ticks,
// titles, legends, colour bars.
//
// Text is measured by Pango (TextMetrics) at layout time, so margins fit the
// tick labels actually drawn, long titles are shrunk or wrapped (TextFit),
// crowded category labels on x are shrunk and then turned vertical, and
// number ticks are thinned until their labels stand apart. The Scene thus
// depends on the installed fonts (DejaVu Sans, WenQuanYi Micro Hei), which
// setup pins; `Scene.textProblems()` checks the result.

import Foundation

enum Layout {
  /// The book's text column in CSS px (46rem at 17 px): a figure wider than
  /// this is shown scaled down to it, so its text is drawn larger by
  /// width / columnWidth, and every size below is the size as displayed.
  static let columnWidth = 782.0
  /// Drawn px per displayed px for the figure being laid out (>= 1).
  @TaskLocal static var textScale = 1.0
  static var titleSize: Double { 15 * textScale }
  static var panelTitleSize: Double { 13 * textScale }
  static var labelSize: Double { 12 * textScale }
  static var tickSize: Double { 11 * textScale }
  static var legendSize: Double { 11 * textScale }
  /// The smallest size text is shrunk to before it wraps, thins or turns (as displayed).
  static var smallestSize: Double { 11 * textScale }

  static func scene(of figure: Figure) throws -> Scene {
    try $textScale.withValue(max(1, figure.width / columnWidth)) { try unscaledScene(of: figure) }
  }

  private static func unscaledScene(of figure: Figure) throws -> Scene {
    guard figure.width > 0, figure.height > 0, figure.width.isFinite, figure.height.isFinite else {
      throw PlotError("figure size must be positive, got \(figure.width)x\(figure.height)")
    }
    guard figure.rows > 0, figure.columns > 0, figure.axes.count == figure.rows * figure.columns else {
      throw PlotError("figure grid \(figure.rows)x\(figure.columns) does not match \(figure.axes.count) axes")
    }
    var items: [SceneItem] = []
    var top = 0.0
    if let title = figure.title {
      let fitted = TextFit.fit(title, size: titleSize, bold: true, maxWidth: figure.width - 16, minSize: 11 * textScale)
      let lineHeight = TextFit.lineHeight(fitted.size, bold: true)
      for (k, line) in fitted.lines.enumerated() {
        items.append(
          .text(
            line, at: Point(figure.width / 2, 8 + Double(k) * lineHeight), style: TextStyle(size: fitted.size, bold: true),
            horizontal: .middle, vertical: .top, rotation: 0))
      }
      top = 8 + Double(fitted.lines.count) * lineHeight + 6
    }
    if !figure.legend.isEmpty {
      let row = figureLegendItems(figure.legend, width: figure.width, top: top + 2)
      items += row.items
      top = row.bottom + 6
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
    let barRoom = figure.colorbar.map { colorbarRoom($0, plotHeight: figure.height - top) + 6 } ?? 0
    let cellWidth = (figure.width - barRoom) / Double(figure.columns)
    let cellHeight = (figure.height - top) / Double(figure.rows)
    func cell(_ index: Int) -> Rect {
      Rect(
        x: Double(index % figure.columns) * cellWidth, y: top + Double(index / figure.columns) * cellHeight,
        width: cellWidth, height: cellHeight)
    }
    // Panels of a row share their title's height (a wrapped title must not push its plot down alone).
    var rowLines = [Int](repeating: 0, count: figure.rows)
    for (index, axes) in panels.enumerated() where axes.title != nil {
      let lines = (try? panel(axes, in: cell(index)).titleLines) ?? 0
      rowLines[index / figure.columns] = max(rowLines[index / figure.columns], lines)
    }
    for (index, axes) in panels.enumerated() {
      do {
        items += try panel(axes, in: cell(index), titleLines: rowLines[index / figure.columns]).items
      } catch let error as PlotError {
        throw PlotError("panel \(index)\(axes.title.map { " (\"\($0)\")" } ?? ""): \(error.message)")
      }
    }
    if let bar = figure.colorbar {
      // The strip spans the panels' height, inset as a panel's plot area is.
      items += colorbarItems(bar, plot: Rect(x: figure.width - barRoom - 8, y: top + 12, width: 0, height: figure.height - top - 24))
    }
    return Scene(width: figure.width, height: figure.height, items: items)
  }

  // MARK: - One panel

  /// One panel's items, and how many lines its title took; `titleLines` is
  /// the height (in lines) its title block must have at least.
  static func panel(_ axes: Axes, in cell: Rect, titleLines: Int = 0) throws -> (items: [SceneItem], titleLines: Int) {
    try validate(axes)
    let deco = axes.decorations
    let (xRange0, yRange0) = dataRanges(axes)
    let labelHeight = TextFit.lineHeight(labelSize)
    let keys = axes.legendKeys.map { LegendEntry(label: $0.label, color: $0.color, line: $0.line, marker: $0.marker) }
    let legendEntries = axes.legend != .outside ? [] : markItems(axes, map: Mapping(plot: cell, x: xRange0, y: yRange0, yInverted: false), yRange: yRange0, plot: cell).legend + keys
    let outsideLegend = axes.legend == .outside && !legendEntries.isEmpty ? legendBox(legendEntries, maxHeight: cell.height - 20) : nil

    // Left and right margins from the y tick labels, the colour bar and an
    // outside legend; repeated once the real plot height fixes the ticks.
    var tickRoom = 30.0
    var rightRoom = deco ? 14.0 : 4.0
    var plot = cell
    var xTicks = TickSet(), yTicks = TickSet()
    var title: TextFit.Fitted? = nil
    for _ in 0..<3 {
      let left = cell.x + (deco ? tickRoom : 4) + (axes.yLabel == nil ? 0 : labelHeight + 8)
      var right = cell.maxX - rightRoom
      if let bar = axes.colorbar { right -= colorbarRoom(bar, plotHeight: plot.height) }
      if let box = outsideLegend { right -= box.width + 12 }
      guard right - left > 10 else { throw PlotError("panel is too small (\(Int(cell.width))x\(Int(cell.height)) px) for its labels") }
      let center = (left + right) / 2
      title = axes.title.map {
        TextFit.fit($0, size: panelTitleSize, bold: true, maxWidth: 2 * min(center - cell.x, cell.maxX - center) - 6, maxLines: 3)
      }
      let lines = max(title?.lines.count ?? 0, titleLines)
      let titleBlock = lines > 0 ? Double(lines) * TextFit.lineHeight(title?.size ?? panelTitleSize, bold: true) + 14 : (deco ? 12 : 4)
      var xRange = xRange0
      if axes.equalAspect { (xRange, _) = equalAspectRanges(xRange0, yRange0, width: right - left, height: cell.height - 60) }
      xTicks = deco ? fitXTicks(axes, range: xRange, plotX: left, plotWidth: right - left) : TickSet()
      let topEdge = cell.y + titleBlock
      let bottom = cell.maxY - (deco ? xTicks.depth + 10 : 4) - (axes.xLabel == nil ? 0 : labelHeight + 6)
      guard bottom - topEdge > 10 else { throw PlotError("panel is too small (\(Int(cell.width))x\(Int(cell.height)) px) for its labels") }
      plot = Rect(x: left, y: topEdge, width: right - left, height: bottom - topEdge)
      var yRange = yRange0
      if axes.equalAspect { (_, yRange) = equalAspectRanges(xRange0, yRange0, width: plot.width, height: plot.height) }
      yTicks = deco ? fitYTicks(axes, range: yRange, plot: plot) : TickSet()
      let neededTick = yTicks.maxWidth + 12
      let overhang = deco ? max(14, xTicks.rightOverhang(plotMaxX: plot.maxX) + 4) : 4
      if neededTick <= tickRoom + 0.5 && overhang <= rightRoom + 0.5 { break }
      tickRoom = max(tickRoom, neededTick)
      rightRoom = max(rightRoom, overhang)
    }

    var (xRange, yRange) = (xRange0, yRange0)
    if axes.equalAspect { (xRange, yRange) = equalAspectRanges(xRange0, yRange0, width: plot.width, height: plot.height) }
    let map = Mapping(plot: plot, x: xRange, y: yRange, yInverted: axes.yInverted, xLog: axes.xScale == .log, yLog: axes.yScale == .log)
    var items: [SceneItem] = []
    if axes.grid && deco {
      for (v, _) in xTicks.ticks {
        let x = map.x(v)
        items.append(.polyline([Point(x, plot.y), Point(x, plot.maxY)], stroke: .gridLine, lineWidth: 1, dash: []))
      }
      for (v, _) in yTicks.ticks {
        let y = map.y(v)
        items.append(.polyline([Point(plot.x, y), Point(plot.maxX, y)], stroke: .gridLine, lineWidth: 1, dash: []))
      }
    }
    for (v, label) in xTicks.ticks {
      let x = map.x(v)
      items.append(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + 4)], stroke: .axis, lineWidth: 1, dash: []))
      let style = TextStyle(size: xTicks.size, color: .axis)
      items.append(
        xTicks.vertical
          ? .text(label, at: Point(x, plot.maxY + 7), style: style, horizontal: .end, vertical: .middle, rotation: -90)
          : .text(label, at: Point(x, plot.maxY + 7), style: style, horizontal: .middle, vertical: .top, rotation: 0))
    }
    for (v, label) in yTicks.ticks {
      let y = map.y(v)
      items.append(.polyline([Point(plot.x - 4, y), Point(plot.x, y)], stroke: .axis, lineWidth: 1, dash: []))
      items.append(.text(label, at: Point(plot.x - 6, y), style: TextStyle(size: yTicks.size, color: .axis), horizontal: .end, vertical: .middle, rotation: 0))
    }

    items.append(.beginClip(plot))
    let marks = markItems(axes, map: map, yRange: yRange, plot: plot)
    items += marks.items
    items.append(.endClip)
    if deco { items.append(.rect(plot, fill: nil, stroke: .axis, lineWidth: 1, dash: [])) }

    if let title {
      let lineHeight = TextFit.lineHeight(title.size, bold: true)
      for (k, line) in title.lines.enumerated() {
        items.append(
          .text(
            line, at: Point(plot.x + plot.width / 2, cell.y + 8 + Double(k) * lineHeight), style: TextStyle(size: title.size, bold: true),
            horizontal: .middle, vertical: .top, rotation: 0))
      }
    }
    if let label = axes.xLabel {
      let size = TextFit.shrink(label, size: labelSize, maxWidth: plot.width)
      items.append(
        .text(label, at: Point(plot.x + plot.width / 2, cell.maxY - 4), style: TextStyle(size: size), horizontal: .middle, vertical: .bottom, rotation: 0))
    }
    if let label = axes.yLabel {
      let size = TextFit.shrink(label, size: labelSize, maxWidth: plot.height)
      items.append(
        .text(label, at: Point(cell.x + 4, plot.y + plot.height / 2), style: TextStyle(size: size), horizontal: .middle, vertical: .top, rotation: -90))
    }
    let entries = marks.legend + keys
    if !entries.isEmpty && axes.legend != .none {
      let box = outsideLegend ?? legendBox(entries, maxHeight: plot.height - 16)
      let origin = legendOrigin(box, placement: axes.legend, plot: plot, samples: axes.legend == .best ? dataSamples(marks.items) : [])
      items += legendItems(entries, box: box, at: origin)
    }
    if let bar = axes.colorbar { items += colorbarItems(bar, plot: plot) }
    return (items, title?.lines.count ?? 0)
  }

  /// Ranges grown so one unit has one length on x and y.
  static func equalAspectRanges(_ x: (Double, Double), _ y: (Double, Double), width: Double, height: Double) -> ((Double, Double), (Double, Double)) {
    let scale = max((x.1 - x.0) / width, (y.1 - y.0) / height)
    let w = scale * width, h = scale * height
    let cx = (x.0 + x.1) / 2, cy = (y.0 + y.1) / 2
    return ((cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2))
  }
}
