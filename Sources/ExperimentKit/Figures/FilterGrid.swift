// A first-layer filter bank drawn as small images (blue negative, red
// positive), the picture the classifier and filters-and-patches chapters show.
import Plot
import Tensor

public enum FilterGrid {
  /// The (F, 1, 3, 3) filters of a first conv layer, 8 a row, each on its own symmetric diverging scale.
  public static func firstLayerFilters(_ weight: Tensor) -> Figure {
    let count = weight.shape[0]
    let columns = 8
    let rows = (count + columns - 1) / columns
    var figure = Figure(width: 640, height: 80 * Double(rows) + 30, rows: rows, columns: columns, title: "conv1 filters")
    for f in 0..<count {
      let values = (0..<9).map { Double(weight.scalars[f * 9 + $0]) }
      let limit = max(values.map(abs).max() ?? 1, 1e-6)
      var ax = Axes()
      ax.decorations = false
      ax.yInverted = true
      ax.image(Raster(values: values, width: 3, height: 3, colormap: .diverging, range: -limit...limit))
      figure.axes[f] = ax
    }
    return figure
  }
}
