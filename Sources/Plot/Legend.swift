// Legends and colour bars, sized from measured text.
//
// A legend goes in the corner the panel asks for; `.best` (the default) tries
// the four corners and the middles of the top and bottom edges and takes the
// one covering the fewest data samples (line vertices and points every few
// pixels along segments, markers, box outlines, text), preferring the upper
// right on a tie, as matplotlib's `loc="best"` does. `.outside` puts it to
// the right of the plot, where it covers nothing (ten t-SNE classes).

import Foundation

extension Layout {
  struct LegendEntry {
    var label: String
    var color: Color
    var line: LineStyle?
    var marker: MarkerShape?
  }

  struct LegendBox {
    var size: Double
    var width: Double
    var height: Double
    var rowHeight: Double
  }

  static let legendSwatch = 22.0

  /// The legend's size at the largest font (10.5 px down to 8) that fits `maxHeight`.
  static func legendBox(_ entries: [LegendEntry], maxHeight: Double) -> LegendBox {
    var size = legendSize
    while true {
      let rowHeight = TextFit.lineHeight(size) + 2
      let height = Double(entries.count) * rowHeight + 8
      if height <= maxHeight || size <= 8 {
        let width = (entries.map { TextFit.width($0.label, size, bold: false) }.max() ?? 0) + legendSwatch + 20
        return LegendBox(size: size, width: width, height: height, rowHeight: rowHeight)
      }
      size -= 0.5
    }
  }

  /// The legend's top-left corner for `placement`; `.best` weighs `samples`.
  static func legendOrigin(_ box: LegendBox, placement: LegendPlacement, plot: Rect, samples: [Point]) -> Point {
    let left = plot.x + 8, right = plot.maxX - 8 - box.width, middle = plot.x + (plot.width - box.width) / 2
    let top = plot.y + 8, bottom = plot.maxY - 8 - box.height
    switch placement {
    case .upperLeft: return Point(left, top)
    case .upperRight, .none: return Point(right, top)
    case .lowerLeft: return Point(left, bottom)
    case .lowerRight: return Point(right, bottom)
    case .outside: return Point(plot.maxX + 12, plot.y)
    case .best:
      let candidates = [Point(right, top), Point(left, top), Point(right, bottom), Point(left, bottom), Point(middle, top), Point(middle, bottom)]
      let covered = candidates.map { c in
        samples.filter { $0.x >= c.x - 2 && $0.x <= c.x + box.width + 2 && $0.y >= c.y - 2 && $0.y <= c.y + box.height + 2 }.count
      }
      return candidates[covered.firstIndex(of: covered.min()!)!]
    }
  }

  static func legendItems(_ entries: [LegendEntry], box: LegendBox, at origin: Point) -> [SceneItem] {
    let (x, y) = (origin.x, origin.y)
    var items: [SceneItem] = [
      .rect(
        Rect(x: x, y: y, width: box.width, height: box.height), fill: Color.white.withAlpha(0.9), stroke: .lightGray,
        lineWidth: 1, dash: [])
    ]
    for (i, entry) in entries.enumerated() {
      let cy = y + 4 + (Double(i) + 0.5) * box.rowHeight
      if let line = entry.line {
        items.append(
          .polyline([Point(x + 6, cy), Point(x + 6 + legendSwatch, cy)], stroke: entry.color, lineWidth: 2, dash: line.pattern))
      }
      if let marker = entry.marker {
        items.append(.marker(Point(x + 6 + legendSwatch / 2, cy), shape: marker, size: 6, fill: entry.color, stroke: nil))
      }
      items.append(
        .text(
          entry.label, at: Point(x + 12 + legendSwatch, cy), style: TextStyle(size: box.size), horizontal: .start,
          vertical: .middle, rotation: 0))
    }
    return items
  }

  /// A figure's legend: one centred row of swatches and labels starting at `top`;
  /// a light colour (white boxes drawn over images) gets a dark chip behind its swatch.
  static func figureLegendItems(_ keys: [LegendKey], width: Double, top: Double) -> (items: [SceneItem], bottom: Double) {
    var size = legendSize
    func widths(_ s: Double) -> [Double] { keys.map { legendSwatch + 6 + TextFit.width($0.label, s, bold: false) } }
    while size > 7 && widths(size).reduce(0, +) + Double(keys.count - 1) * 18 > width - 16 { size -= 0.5 }
    let rowHeight = TextFit.lineHeight(size) + 4
    var x = (width - widths(size).reduce(0, +) - Double(keys.count - 1) * 18) / 2
    let cy = top + rowHeight / 2
    var items: [SceneItem] = []
    for (key, w) in zip(keys, widths(size)) {
      let luma = 0.299 * key.color.red + 0.587 * key.color.green + 0.114 * key.color.blue
      if luma > 0.8 { items.append(.rect(Rect(x: x - 2, y: cy - 7, width: legendSwatch + 4, height: 14), fill: Color(hex: 0x444444), stroke: nil, lineWidth: 0, dash: [])) }
      if let line = key.line {
        items.append(.polyline([Point(x, cy), Point(x + legendSwatch, cy)], stroke: key.color, lineWidth: 2, dash: line.pattern))
      }
      if let marker = key.marker {
        items.append(.marker(Point(x + legendSwatch / 2, cy), shape: marker, size: 6, fill: key.color, stroke: nil))
      }
      items.append(.text(key.label, at: Point(x + legendSwatch + 6, cy), style: TextStyle(size: size), horizontal: .start, vertical: .middle, rotation: 0))
      x += w + 18
    }
    return (items, top + rowHeight)
  }

  /// Points of the drawn data, for choosing where a legend hides least.
  static func dataSamples(_ items: [SceneItem]) -> [Point] {
    var points: [Point] = []
    func segment(_ a: Point, _ b: Point) {
      let n = max(1, Int((hypot(b.x - a.x, b.y - a.y) / 4).rounded(.up)))
      for k in 0...n { points.append(Point(a.x + (b.x - a.x) * Double(k) / Double(n), a.y + (b.y - a.y) * Double(k) / Double(n))) }
    }
    for item in items {
      switch item {
      case .polyline(let p, _, _, _): for (a, b) in zip(p, p.dropFirst()) { segment(a, b) }
      case .polygon(let p, _): points += p
      case .marker(let p, _, _, _, _): points.append(p)
      case .rect(let r, let fill, _, _, _):
        let corners = [Point(r.x, r.y), Point(r.maxX, r.y), Point(r.maxX, r.maxY), Point(r.x, r.maxY)]
        for k in 0..<4 { segment(corners[k], corners[(k + 1) % 4]) }
        if fill != nil {
          // filled bars count by area
          for yy in stride(from: r.y, through: r.maxY, by: 6) { for xx in stride(from: r.x, through: r.maxX, by: 6) { points.append(Point(xx, yy)) } }
        }
      case .text:
        if let b = TextMetrics.shared.box(of: item) { segment(Point(b.x, b.y), Point(b.maxX, b.maxY)) }
      default: continue
      }
    }
    return points
  }

  /// Room a colour bar needs right of the plot: gap, strip, ticks, label.
  static func colorbarRoom(_ bar: Colorbar, plotHeight: Double) -> Double {
    let labels = colorbarTicks(bar, plotHeight: plotHeight).map(\.1)
    let tickWidth = labels.map { TextFit.width($0, tickSize, bold: false) }.max() ?? 0
    return 14 + 14 + 6 + tickWidth + (bar.label == nil ? 0 : 6 + TextFit.lineHeight(labelSize)) + 4
  }

  static func colorbarTicks(_ bar: Colorbar, plotHeight: Double) -> [(Double, String)] {
    // About one tick per 55 px, at most six: a bar beside a tall grid of maps needs no more.
    let ticks = Ticks.linear(bar.range.lowerBound, bar.range.upperBound, target: max(2, min(6, Int(plotHeight / 55))))
    return ticks.values.map { ($0, Ticks.label($0, step: ticks.step)) }
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
    let ticks = colorbarTicks(bar, plotHeight: plot.height)
    for (v, label) in ticks {
      let y = strip.maxY - (v - lo) / max(hi - lo, 1e-300) * strip.height
      items.append(.polyline([Point(strip.maxX, y), Point(strip.maxX + 4, y)], stroke: .axis, lineWidth: 1, dash: []))
      items.append(
        .text(label, at: Point(strip.maxX + 6, y), style: TextStyle(size: tickSize, color: .axis), horizontal: .start, vertical: .middle, rotation: 0))
    }
    if let label = bar.label {
      let tickWidth = ticks.map { TextFit.width($0.1, tickSize, bold: false) }.max() ?? 0
      let size = TextFit.shrink(label, size: labelSize, maxWidth: strip.height)
      items.append(
        .text(
          label, at: Point(strip.maxX + 6 + tickWidth + 6, strip.y + strip.height / 2), style: TextStyle(size: size), horizontal: .middle,
          vertical: .top, rotation: -90))
    }
    return items
  }
}
