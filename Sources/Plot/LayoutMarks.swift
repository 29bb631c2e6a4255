// Marks -> Scene items in one panel, and the legend entries they make.
//
// Colours left nil cycle through the Okabe-Ito palette in mark order. A box's
// tag (class and score) sits above its top-left corner; when that would
// cover an earlier tag or leave the plot it moves to the box's right end, then
// inside the box's top, below the box, inside its bottom (each left, then
// right), then stacked further above or below, so the score labels of
// overlapping detections stay readable.
// Tags are drawn after all marks, on top.
import Foundation

extension Layout {
  static func markItems(_ axes: Axes, map: Mapping, yRange: (Double, Double), plot: Rect) -> (items: [SceneItem], legend: [LegendEntry]) {
    var items: [SceneItem] = []
    var legend: [LegendEntry] = []
    var tags: [Rect] = []
    var tagLayer: [SceneItem] = []  // drawn after every mark, so no later box crosses a tag
    var cycle = 0
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
        if let label = line.label { legend.append(LegendEntry(label: label, color: color, line: line.style, marker: line.marker)) }
      case .scatter(let scatter):
        let color = scatter.color ?? qualitativePalette[cycle % qualitativePalette.count]
        if scatter.color == nil && scatter.pointColors == nil { cycle += 1 }
        for (i, (x, y)) in zip(scatter.x, scatter.y).enumerated() {
          items.append(
            .marker(
              Point(map.x(x), map.y(y)), shape: scatter.marker, size: scatter.size,
              fill: scatter.pointColors?[i] ?? color, stroke: nil))
        }
        if let label = scatter.label { legend.append(LegendEntry(label: label, color: color, line: nil, marker: scatter.marker)) }
      case .rect(let r):
        let xa = map.x(r.x1), xb = map.x(r.x2), ya = map.y(r.y1), yb = map.y(r.y2)
        let rect = Rect(x: min(xa, xb), y: min(ya, yb), width: abs(xb - xa), height: abs(yb - ya))
        items.append(.rect(rect, fill: r.fill, stroke: r.stroke, lineWidth: r.width, dash: r.style.pattern))
        if let tag = r.tag { tagLayer += tagItems(tag, box: rect, color: r.stroke ?? .axis, plot: plot, placed: &tags) }
      case .text(let t):
        items.append(
          .text(
            t.text, at: Point(map.x(t.x), map.y(t.y)), style: TextStyle(size: max(t.size, 11) * Layout.textScale, color: t.color),  // never under 11 px as displayed
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
        if let label = b.label { legend.append(LegendEntry(label: label, color: color, line: nil, marker: .square)) }
      case .errorBars(let e):
        let color = e.color ?? .axis
        for (x, (lo, hi)) in zip(e.x, zip(e.low, e.high)) {
          let px = map.x(x), ya = map.y(lo), yb = map.y(hi)
          items.append(.polyline([Point(px, ya), Point(px, yb)], stroke: color, lineWidth: 1.25, dash: []))
          for y in [ya, yb] {
            items.append(.polyline([Point(px - e.capWidth / 2, y), Point(px + e.capWidth / 2, y)], stroke: color, lineWidth: 1.25, dash: []))
          }
        }
        if let label = e.label { legend.append(LegendEntry(label: label, color: color, line: .solid, marker: nil)) }
      case .band(let b):
        let color = b.color ?? qualitativePalette[cycle % qualitativePalette.count]
        let upper = zip(b.x, b.high).map { Point(map.x($0), map.y($1)) }
        let lower = zip(b.x, b.low).map { Point(map.x($0), map.y($1)) }.reversed()
        items.append(.polygon(upper + lower, fill: color.withAlpha(b.opacity)))
        if let label = b.label { legend.append(LegendEntry(label: label, color: color.withAlpha(b.opacity), line: nil, marker: .square)) }
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
    return (items + tagLayer, legend)
  }

  /// A box's tag: a filled label in the box's colour, placed where it covers no earlier tag.
  static func tagItems(_ tag: String, box rect: Rect, color background: Color, plot: Rect, placed: inout [Rect]) -> [SceneItem] {
    // Dark text on a light tag, white on a dark one (Rec. 601 luma).
    let luma = 0.299 * background.red + 0.587 * background.green + 0.114 * background.blue
    let tagStyle = TextStyle(size: 11 * Layout.textScale, color: luma > 0.6 ? .black : .white)
    let tagWidth = TextMetrics.shared.measure(tag, style: tagStyle).width + 6
    let tagHeight = 16 * Layout.textScale
    // Left end first, then the right end of the box, at each height; then stacked
    // further above and below (small boxes over one object leave no other room).
    var heights: [Double] = [rect.y - tagHeight, rect.y, rect.maxY, rect.maxY - tagHeight]
    for k in 1...3 {
      heights.append(rect.y - tagHeight * Double(k + 1))
      heights.append(rect.maxY + tagHeight * Double(k))
    }
    var candidates: [Rect] = []
    for y in heights {
      for x in [rect.x, rect.maxX - tagWidth] {
        candidates.append(Rect(x: min(max(x, plot.x), plot.maxX - tagWidth), y: y, width: tagWidth, height: tagHeight))
      }
    }
    func inside(_ r: Rect) -> Bool { r.y >= plot.y && r.maxY <= plot.maxY }
    func free(_ r: Rect) -> Bool {
      !placed.contains { min($0.maxX, r.maxX) - max($0.x, r.x) > 0 && min($0.maxY, r.maxY) - max($0.y, r.y) > 0 }
    }
    let spot = candidates.first { inside($0) && free($0) } ?? candidates.first(where: inside) ?? candidates[0]
    placed.append(spot)
    return [
      .rect(spot, fill: background, stroke: nil, lineWidth: 0, dash: []),
      .text(tag, at: Point(spot.x + 3, spot.y + tagHeight / 2), style: tagStyle, horizontal: .start, vertical: .middle, rotation: 0),
    ]
  }
}
