// The figures of the class-visualization chapter.
import Datasets
import ExperimentKit
import Plot
import Tensor

extension ClassVisualization {
  /// Image `index` of (N, 1, 28, 28) as a raster on its own scale: white = 0, black = its largest value.
  static func panel(_ images: Tensor, _ index: Int, title: String?) -> Axes {
    let plane = side * side
    let values = (0..<plane).map { Double(images.scalars[index * plane + $0]) }
    let top = max(values.max() ?? 1, 1e-6)
    var ax = Axes.imagePanel(0...Double(side), title: title)
    ax.image(Raster(values: values.map { 1 - min(max($0, 0), top) / top }, width: side, height: side, colormap: .grey, range: 0...1))
    return ax
  }

  static func gridFigure(_ images: [String: Tensor], means: Tensor) -> Figure {
    let rows = settings.count + 1
    let cell = 80.0
    var figure = Figure(width: cell * 11, height: cell * Double(rows) + 24, rows: rows, columns: 11)
    for (r, row) in (settings.map { ($0.key, $0.short) } + [("mean", "class mean")]).enumerated() {
      var label = Axes()
      label.decorations = false
      label.xLimits = 0...1
      label.yLimits = 0...1
      label.text(row.1, x: 1, y: 0.5, size: 10.5, horizontal: .end, vertical: .middle)
      figure.axes[r * 11] = label
      let x = row.0 == "mean" ? means : images[row.0]!
      for k in 0..<10 { figure.axes[r * 11 + 1 + k] = panel(x, k, title: r == 0 ? FashionMNIST.shortClassNames[k] : nil) }
    }
    return figure
  }

  /// Okabe & Ito's colours, fixed per setting so both panels agree; Table 1 rows are the solid lines.
  static let colors: [String: Color] = [
    "plain": Color(hex: 0x000000), "cs231n": Color(hex: 0xE69F00), "decay": Color(hex: 0x009E73), "blur": Color(hex: 0xD55E00),
    "normClip": Color(hex: 0xCC79A7), "contributionClip": Color(hex: 0x56B4E9), "table1Row1": Color(hex: 0x0072B2),
    "table1Row2": Color(hex: 0x009E73), "table1Row3": Color(hex: 0xD55E00), "table1Row4": Color(hex: 0x56B4E9),
  ]

  static func curvesFigure(_ curves: [String: [Double]]) -> Figure {
    var figure = Figure(width: 1000, height: 480, rows: 1, columns: 2)
    var ax = Axes()
    ax.title = "target score during the ascent (log scale)"
    ax.xLabel = "step"
    ax.yLabel = "mean target score (unnormalized)"
    ax.yScale = .log
    ax.legend = .upperLeft
    ax.yLimits = 0.1...1e6
    var zoom = Axes()
    zoom.title = "the regularized settings (linear)"
    zoom.xLabel = "step"
    zoom.legend = .none
    for s in settings {
      // From step 1: the zero image's scores are near 0 and may be negative.
      let c = curves[s.key]!.dropFirst()
      let x = c.indices.map(Double.init)
      let style: LineStyle = s.key.hasPrefix("table1") ? .solid : .dashed
      let color = colors[s.key]
      ax.line(x: x, y: c.map { max($0, 1e-2) }, label: s.short, color: color, style: style)
      if s.key != "plain" { zoom.line(x: x, y: Array(c), label: s.short, color: color, style: style) }
    }
    figure.axes[0] = ax
    figure.axes[1] = zoom
    return figure
  }
}
