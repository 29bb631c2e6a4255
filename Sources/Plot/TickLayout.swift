// Tick labels that stand apart, measured by Pango.
//
// x: number ticks are thinned (fewer, rounder steps) until neighbouring
// labels leave 4 px between them; category labels (class names) are shrunk
// to 8 px and, if they still collide, turned vertical (reading upwards) at
// the largest size whose line height fits between neighbours. y: labels are
// shrunk until their line height fits the spacing of their ticks.
import Foundation

struct TickSet {
  var ticks: [(Double, String)] = []
  var size = Layout.tickSize
  var vertical = false
  /// Pixel x of each tick (x axis only) and the widest label.
  var pixels: [Double] = []
  var widths: [Double] = []
  var maxWidth: Double { widths.max() ?? 0 }

  /// How far below the plot the labels reach.
  var depth: Double {
    if ticks.isEmpty { return 4 }
    return 7 + (vertical ? maxWidth : TextFit.lineHeight(size))
  }

  /// How far the last label reaches right of the plot's right edge.
  func rightOverhang(plotMaxX: Double) -> Double {
    let reach = zip(pixels, widths).map { vertical ? $0 + TextFit.lineHeight(size) / 2 : $0 + $1 / 2 }.max() ?? plotMaxX
    return reach - plotMaxX
  }
}

extension Layout {
  static func autoTicks(_ range: (Double, Double), _ scale: AxisScale, target: Int) -> [(Double, String)] {
    if scale == .log { return Ticks.log(range.0, range.1) }
    let t = Ticks.linear(range.0, range.1, target: target)
    return t.values.map { ($0, Ticks.label($0, step: t.step)) }
  }

  static func fitXTicks(_ axes: Axes, range: (Double, Double), plotX: Double, plotWidth: Double) -> TickSet {
    func pixel(_ v: Double) -> Double {
      let a = axes.xScale == .log ? log10(v) : v
      return plotX + (a - range.0) / (range.1 - range.0) * plotWidth
    }
    func make(_ ticks: [(Double, String)], _ size: Double, vertical: Bool = false) -> TickSet {
      let visible = ticks.filter { $0.0.isFinite && (axes.xScale != .log || $0.0 > 0) }
      return TickSet(
        ticks: visible, size: size, vertical: vertical, pixels: visible.map { pixel($0.0) },
        widths: visible.map { TextFit.width($0.1, size, bold: false) })
    }
    func apart(_ set: TickSet) -> Bool {
      let order = set.pixels.indices.sorted { set.pixels[$0] < set.pixels[$1] }
      return zip(order, order.dropFirst()).allSatisfy { a, b in
        let need = set.vertical ? TextFit.lineHeight(set.size) + 1 : (set.widths[a] + set.widths[b]) / 2 + 4
        return set.pixels[b] - set.pixels[a] >= need
      }
    }
    if let custom = axes.xTicks {
      for size in stride(from: tickSize, through: 8 * Layout.textScale, by: -0.5) {
        let set = make(custom, size)
        if apart(set) { return set }
      }
      for size in stride(from: tickSize, through: 6 * Layout.textScale, by: -0.5) {
        let set = make(custom, size, vertical: true)
        if apart(set) || size <= 6 * Layout.textScale { return set }
      }
    }
    var target = max(2, Int(plotWidth / 80))
    var set = make(autoTicks(range, axes.xScale, target: target), tickSize)
    while !apart(set) && set.ticks.count > 2 {
      if axes.xScale == .log {
        set = make(set.ticks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), tickSize)
      } else {
        target -= 1
        if target < 1 { break }
        set = make(autoTicks(range, axes.xScale, target: target), tickSize)
      }
    }
    return set
  }

  static func fitYTicks(_ axes: Axes, range: (Double, Double), plot: Rect) -> TickSet {
    let ticks = axes.yTicks ?? autoTicks(range, axes.yScale, target: max(2, Int(plot.height / 55)))
    func pixel(_ v: Double) -> Double {
      let a = axes.yScale == .log ? log10(v) : v
      return (a - range.0) / (range.1 - range.0) * plot.height
    }
    let positions = ticks.map { pixel($0.0) }.sorted()
    let gap = zip(positions, positions.dropFirst()).map { $1 - $0 }.min() ?? .infinity
    var size = tickSize
    while size > 6 * Layout.textScale && TextFit.lineHeight(size) > gap { size -= 0.5 }
    return TickSet(ticks: ticks, size: size, widths: ticks.map { TextFit.width($0.1, size, bold: false) })
  }
}
