// The figures of the tsne chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

extension TSNEMaps {
  static func mapsFigure(codes: Tensor, pixels: Tensor, labels: [Int]) -> Figure {
    var figure = Figure(width: 1100, height: 520, rows: 1, columns: 2)
    for (k, (title, e)) in [("fc1 codes", codes), ("pixels (PCA 50)", pixels)].enumerated() {
      var ax = Axes()
      ax.title = title
      ax.decorations = false
      ax.equalAspect = true
      for c in 0..<10 {
        let idx = labels.indices.filter { labels[$0] == c }
        ax.scatter(x: idx.map { Double(e.scalars[2 * $0]) }, y: idx.map { Double(e.scalars[2 * $0 + 1]) }, label: k == 1 ? FashionMNIST.shortClassNames[c] : nil,
          color: tenColors[c], size: 3)
      }
      ax.legend = k == 1 ? .outside : .none  // beside the map, over no point
      figure.axes[k] = ax
    }
    return figure
  }

  /// Ten colours told apart on white (matplotlib's tab10, Tableau 10).
  static let tenColors: [Color] = [
    Color(hex: 0x1F77B4), Color(hex: 0xFF7F0E), Color(hex: 0x2CA02C), Color(hex: 0xD62728), Color(hex: 0x9467BD),
    Color(hex: 0x8C564B), Color(hex: 0xE377C2), Color(hex: 0x7F7F7F), Color(hex: 0xBCBD22), Color(hex: 0x17BECF),
  ]

  static func imageMapFigure(_ e: Tensor, images: Tensor) -> Figure {
    var figure = Figure(width: 1000, height: 1000)
    var ax = Axes()
    ax.decorations = false
    ax.equalAspect = true
    let n = e.shape[0]
    let xs = (0..<n).map { Double(e.scalars[2 * $0]) }, ys = (0..<n).map { Double(e.scalars[2 * $0 + 1]) }
    let (x0, x1, y0, y1) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
    let cell = max(x1 - x0, y1 - y0) / 40
    ax.xLimits = x0 - cell...x1 + cell
    ax.yLimits = y0 - cell...y1 + cell
    // One image per cell of a 40 x 40 grid (the first that lands there), so thumbnails do not pile up.
    var taken = Set<Int>()
    for i in 0..<n {
      let key = Int((xs[i] - x0) / cell) * 100 + Int((ys[i] - y0) / cell)
      guard taken.insert(key).inserted else { continue }
      let pixels = (0..<784).map { 1 - Double(images.scalars[i * 784 + $0]) }
      ax.image(Raster(values: pixels, width: 28, height: 28, colormap: .grey, range: 0...1),
        x0: xs[i] - cell / 2, x1: xs[i] + cell / 2, y0: ys[i] + cell / 2, y1: ys[i] - cell / 2)
    }
    figure.axes[0] = ax
    return figure
  }

  /// Time vs N of each repulsion method, with its fitted power law.
  static func timeFigure(_ series: [(method: String, times: [(n: Int, seconds: Double)], slope: Double)]) -> Figure {
    var figure = Figure(width: 640, height: 380)
    var ax = Axes()
    ax.xScale = .log
    ax.yScale = .log
    ax.xLabel = "points N"
    ax.yLabel = "seconds"
    ax.legend = .upperLeft
    for (index, s) in series.enumerated() {
      let color = qualitativePalette[index % qualitativePalette.count]
      ax.line(x: s.times.map { Double($0.n) }, y: s.times.map(\.seconds), label: s.method, color: color, marker: .circle)
      if let first = s.times.first {
        let fit = s.times.map { first.seconds * pow(Double($0.n) / Double(first.n), s.slope) }
        ax.line(x: s.times.map { Double($0.n) }, y: fit, label: String(format: "∝ N^%.2f", s.slope), color: color, style: .dashed)
      }
    }
    figure.axes[0] = ax
    return figure
  }
}
