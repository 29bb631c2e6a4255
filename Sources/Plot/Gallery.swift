// A figure that draws every mark Plot has, so a person can check them all
// at once (`convnotes bench` renders it; tests keep its Scene as a golden).
import Foundation

public enum Gallery {
  public static func figure() -> Figure {
    var figure = Figure(width: 1280, height: 980, rows: 3, columns: 3, title: "Plot gallery: every mark (定位 · α × −1)")
    let xs = (0..<40).map { Double($0) / 4 }

    var lines = Axes()
    lines.title = "lines, styles, markers, band"
    lines.xLabel = "x"
    lines.yLabel = "y"
    lines.band(x: xs, low: xs.map { sin($0) - 0.3 }, high: xs.map { sin($0) + 0.3 }, label: "band ±0.3")
    lines.line(x: xs, y: xs.map(sin), label: "solid", marker: .circle, markerSize: 4)
    lines.line(x: xs, y: xs.map { cos($0) }, label: "dashed", style: .dashed)
    lines.line(x: xs, y: xs.map { 0.5 * cos($0 / 2) }, label: "dotted", style: .dotted)
    lines.legend = .lowerLeft
    figure.axes[0] = lines

    var scatter = Axes()
    scatter.title = "scatter: colours, sizes, markers"
    for (k, shape) in MarkerShape.allCases.enumerated() {
      scatter.scatter(
        x: (0..<6).map { Double($0) }, y: (0..<6).map { Double(k) + 0.15 * Double($0 % 2) }, label: shape.rawValue,
        size: 5 + Double(k), marker: shape)
    }
    scatter.legend = .none
    figure.axes[1] = scatter

    var bars = Axes()
    bars.title = "grouped bars + error bars"
    bars.groupedBars([("2024", [3, 5, 2, 6]), ("2025", [4, 4, 3, 7])])
    bars.errorBars(x: [0, 1, 2, 3], low: [2.5, 4.2, 1.6, 5.1], high: [3.5, 5.8, 2.4, 6.9], label: "±1σ")
    bars.xTicks = ["shirt", "bag", "boot", "coat"].enumerated().map { (Double($0.offset), $0.element) }
    bars.legend = .upperLeft
    figure.axes[2] = bars

    var histogram = Axes()
    histogram.title = "histogram"
    var state: UInt64 = 12345
    let draws = (0..<2000).map { _ -> Double in
      // sum of 4 uniform draws (a bell shape), from a tiny LCG
      (0..<4).map { _ -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
      }.reduce(0, +)
    }
    histogram.histogram(draws, bins: 30, label: "2,000 draws")
    figure.axes[3] = histogram

    var logs = Axes()
    logs.title = "log-log axes"
    logs.xScale = .log
    logs.yScale = .log
    let n = (0..<20).map { pow(10, 1 + Double($0) * 0.2) }
    logs.line(x: n, y: n.map { $0 * log2($0) / 1000 }, label: "N log N", marker: .square, markerSize: 4)
    logs.line(x: n, y: n.map { $0 * $0 / 1e5 }, label: "N²", marker: .triangle, markerSize: 4)
    logs.xLabel = "N"
    logs.legend = .upperLeft
    figure.axes[4] = logs

    var heat = Axes()
    heat.title = "heat map + colorbar"
    heat.yInverted = true
    let size = 24
    var values: [Double] = []
    for i in 0..<(size * size) {
      let r: Double = Double(i / size) - 11.5
      let c: Double = Double(i % size) - 11.5
      let envelope: Double = exp(-(r * r + c * c) / 60)
      values.append(envelope * cos(c / 3))
    }
    heat.image(Raster(values: values, width: size, height: size, colormap: .diverging, range: -1...1))
    heat.colorbar = Colorbar(colormap: .diverging, range: -1...1, label: "value")
    heat.grid = false
    figure.axes[5] = heat

    var overlay = Axes()
    overlay.title = "image + grid, boxes, keypoints, arrow"
    overlay.yInverted = true
    overlay.grid = false
    let photo: [Double] = (0..<(32 * 32)).map { (i: Int) -> Double in
      let stripe: Int = (i / 32 + i % 32) % 16
      return Double(stripe) / 16
    }
    overlay.image(Raster(values: photo, width: 32, height: 32, colormap: .grey, range: 0...1))
    overlay.cellGrid(columns: 4, rows: 4, x0: 0, x1: 32, y0: 0, y1: 32, color: qualitativePalette[4].withAlpha(0.8))
    overlay.rect(x1: 4, y1: 6, x2: 18, y2: 20, stroke: qualitativePalette[0], tag: "shirt 0.93")
    overlay.rect(x1: 15, y1: 14, x2: 29, y2: 28, stroke: qualitativePalette[3], style: .dashed, tag: "bag 0.41")
    overlay.skeleton(x: [24, 24, 20, 28, 22, 26], y: [3, 8, 6, 6, 12, 12], edges: [(0, 1), (1, 2), (1, 3), (1, 4), (1, 5)], color: qualitativePalette[2])
    overlay.arrow(x0: 2, y0: 30, x1: 10, y1: 22, color: qualitativePalette[1], width: 2)
    overlay.text("text at (2, 29)", x: 2, y: 29, size: 10, color: .white, vertical: .bottom)
    figure.axes[6] = overlay

    var viridis = Axes()
    viridis.title = "viridis map"
    viridis.decorations = false
    let ramp: [Double] = (0..<256).map { (i: Int) -> Double in Double(i % 16 + i / 16) / 30 }
    viridis.image(Raster(values: ramp, width: 16, height: 16, colormap: .viridis, range: 0...1))
    figure.axes[7] = viridis

    var thumbnails = Axes()
    thumbnails.title = "thumbnails at data points"
    for k in 0..<8 {
      let angle = Double(k) / 8 * 2 * Double.pi
      let cx = 5 * cos(angle), cy = 5 * sin(angle)
      let tile: [Double] = (0..<64).map { (i: Int) -> Double in Double((i / 8 + k) % 8) / 7 }
      thumbnails.image(
        Raster(values: tile, width: 8, height: 8, colormap: .viridis, range: 0...1), x0: cx - 0.8, x1: cx + 0.8, y0: cy - 0.8,
        y1: cy + 0.8)
    }
    thumbnails.scatter(x: [0], y: [0], color: .black, size: 8, marker: .cross)
    thumbnails.equalAspect = true
    figure.axes[8] = thumbnails
    return figure
  }
}
