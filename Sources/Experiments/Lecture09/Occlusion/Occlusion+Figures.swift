// The figures of the occlusion chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension Occlusion {
  static func mapsFigure(_ scenes: FashionScenes, _ maps: [(index: Int, map: [Float], clean: Float)], positions n: Int, config: Config) -> Figure {
    let pairs = 2
    let rows = max((maps.count + pairs - 1) / pairs, 1)
    var figure = Figure(width: 860, height: 230 * Double(rows) + 20, rows: rows, columns: 2 * pairs)
    figure.colorbar = Colorbar(colormap: .viridis, range: 0...1, label: "p(true class), square at that point")
    let side = Double(scenes.spec.size)
    for (k, entry) in maps.enumerated() {
      let truth = scenes.objects[entry.index][0]
      var image = Axes.imagePanel(0...side, title: FashionMNIST.shortClassNames[truth.label] + String(format: ", p %.2f", entry.clean))
      image.image(ImageRasters.rgb(scenes.images, entry.index))
      image.box(truth.box, stroke: .white, width: 1.5)
      figure.axes[2 * k] = image
      // The map sits at the squares' centres: from square/2 to side - square/2.
      let half = Double(config.square) / 2
      var map = Axes.imagePanel(0...side, title: "occluded")
      map.image(
        Raster(values: entry.map.map(Double.init), width: n, height: n, colormap: .viridis, range: 0...1),
        x0: half - Double(config.stride) / 2, x1: side - half + Double(config.stride) / 2,
        y0: half - Double(config.stride) / 2, y1: side - half + Double(config.stride) / 2)
      map.box(truth.box, stroke: .white, width: 1, style: .dashed)
      figure.axes[2 * k + 1] = map
    }
    return figure
  }
}
