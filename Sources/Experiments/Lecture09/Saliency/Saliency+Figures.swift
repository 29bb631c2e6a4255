// The figures of the saliency chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension Saliency {
  static func exampleFigure(_ grids: [(String, [Float])]) -> Figure {
    var figure = Figure(width: 1080, height: 230, rows: 1, columns: grids.count)
    for (k, grid) in grids.enumerated() {
      let limit = Double(grid.1.map { abs($0) }.max() ?? 1)
      var ax = Axes.imagePanel(0...3, title: grid.0)
      ax.image(Raster(values: grid.1.map(Double.init), width: 3, height: 3, colormap: .diverging, range: -max(limit, 1)...max(limit, 1)))
      for (i, v) in grid.1.enumerated() {
        ax.text(String(format: "%.0f", v), x: Double(i % 3) + 0.5, y: Double(i / 3) + 0.5, size: 13, color: .black, horizontal: .middle, vertical: .middle)
      }
      ax.cellGrid(columns: 3, rows: 3, x0: 0, x1: 3, y0: 0, y1: 3, color: .axis)
      figure.axes[k] = ax
    }
    return figure
  }

  static func mapsFigure(_ scenes: FashionScenes, _ maps: [String: [[Float]]], count: Int) -> Figure {
    var figure = Figure(width: 1000, height: 210 * Double(count) + 20, rows: count, columns: 1 + rules.count)
    figure.colorbar = Colorbar(colormap: .ink, range: 0...1, label: "saliency / the map's maximum")
    let side = scenes.spec.size
    for i in 0..<count {
      let truth = scenes.objects[i][0]
      var image = Axes.imagePanel(0...Double(side), title: i == 0 ? "scene" : nil)
      image.image(ImageRasters.rgb(scenes.images, i))
      image.box(truth.box, stroke: .white, width: 1)
      figure.axes[i * (1 + rules.count)] = image
      for (k, r) in rules.enumerated() {
        let map = maps[r.key]![i]
        let top = Double(map.max() ?? 1)
        var ax = Axes.imagePanel(0...Double(side), title: i == 0 ? r.label : nil)
        ax.image(Raster(values: map.map { Double($0) / max(top, 1e-12) }, width: side, height: side, colormap: .ink, range: 0...1))
        ax.box(truth.box, stroke: Color(hex: 0xD55E00), width: 1, style: .dashed)
        figure.axes[i * (1 + rules.count) + k + 1] = ax
      }
    }
    return figure
  }

  static func segmentationFigure(
    _ scenes: FashionScenes, _ examples: [(index: Int, cut: [Bool], otsu: [Bool], truth: [Bool])], gradient: [[Float]]
  ) -> Figure {
    let columns = 5
    var figure = Figure(width: 1000, height: 200 * Double(examples.count) + 20, rows: examples.count, columns: columns)
    let side = scenes.spec.size
    for (row, e) in examples.enumerated() {
      let map = blurred(gradient[e.index], side: side)
      let top = Double(map.max() ?? 1)
      let panels: [(String, Raster)] = [
        ("scene", ImageRasters.rgb(scenes.images, e.index)),
        ("gradient map (blurred)", Raster(values: map.map { 1 - Double($0) / max(top, 1e-12) }, width: side, height: side, colormap: .grey, range: 0...1)),
        (String(format: "Otsu, IoU %.2f", iou(e.otsu, e.truth)), Raster(values: e.otsu.map { $0 ? 0 : 1 }, width: side, height: side, colormap: .grey, range: 0...1)),
        (String(format: "graph cut, IoU %.2f", iou(e.cut, e.truth)), Raster(values: e.cut.map { $0 ? 0 : 1 }, width: side, height: side, colormap: .grey, range: 0...1)),
        ("true mask", Raster(values: e.truth.map { $0 ? 0 : 1 }, width: side, height: side, colormap: .grey, range: 0...1)),
      ]
      for (k, panel) in panels.enumerated() {
        var ax = Axes.imagePanel(0...Double(side), title: panel.0)
        ax.image(panel.1)
        figure.axes[row * columns + k] = ax
      }
    }
    return figure
  }
}
