// The figures of the feature-inversion chapter.
import Datasets
import ExperimentKit
import Plot
import Tensor

extension FeatureInversion {
  static func panel(_ images: Tensor, _ index: Int, title: String?) -> Axes {
    let plane = side * side
    var ax = Axes.imagePanel(0...Double(side), title: title)
    ax.image(Raster(values: (0..<plane).map { 1 - min(max(Double(images.scalars[index * plane + $0]), 0), 1) }, width: side, height: side,
      colormap: .grey, range: 0...1))
    return ax
  }

  /// Rows: `count` images (every `step`-th: one per class); columns: original, then each layer.
  static func reconstructionsFigure(_ originals: Tensor, _ reconstructions: [String: Tensor], count: Int, step: Int) -> Figure {
    let columns = 1 + layers.count
    var figure = Figure(width: 100 * Double(columns), height: 92 * Double(count) + 30, rows: count, columns: columns)
    for r in 0..<count {
      let i = r * step
      figure.axes[r * columns] = panel(originals, i, title: r == 0 ? "original" : nil)
      for (c, layer) in layers.enumerated() {
        figure.axes[r * columns + 1 + c] = panel(reconstructions[layer.name]!, i, title: r == 0 ? layer.label.split(separator: " ").first.map(String.init) : nil)
      }
    }
    return figure
  }

  static func byLayerFigure(_ scores: [String: Scores]) -> Figure {
    var figure = Figure(width: 900, height: 360, rows: 1, columns: 2)
    let x = layers.indices.map(Double.init)
    let ticks = layers.enumerated().map { (Double($0.offset), $0.element.label.split(separator: " ").first.map(String.init) ?? "") }
    var corr = Axes()
    corr.title = "correlation with the original"
    corr.xLabel = "inverted code"
    corr.xTicks = ticks
    corr.yLimits = 0...1
    corr.legend = .none
    corr.line(x: x, y: layers.map { scores[$0.name]!.correlation }, marker: .circle)
    var err = Axes()
    err.title = "pixel RMS error"
    err.xLabel = "inverted code"
    err.xTicks = ticks
    err.legend = .none
    err.line(x: x, y: layers.map { scores[$0.name]!.pixelError }, marker: .square)
    figure.axes[0] = corr
    figure.axes[1] = err
    return figure
  }
}
