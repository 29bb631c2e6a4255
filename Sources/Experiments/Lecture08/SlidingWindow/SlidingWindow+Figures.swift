// The figures of the sliding-window chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension SlidingWindow {
  static func scoreMapsFigure(_ scenes: FashionScenes, _ index: Int, windows: [WindowPrediction], sides: [Int]) -> Figure {
    var figure = Figure(width: 1080, height: 300, rows: 1, columns: sides.count + 1)
    figure.colorbar = Colorbar(colormap: .viridis, range: 0...1, label: "score of the true class")
    let size = Double(scenes.spec.size)
    var image = Axes.imagePanel(0...size, title: "scene (\(scenes.spec.size) px)")
    image.image(ImageRasters.rgb(scenes.images, index))
    let truth = scenes.objects[index][0]
    image.box(truth.box, stroke: .white, width: 1.5, tag: FashionMNIST.shortClassNames[truth.label])
    figure.axes[0] = image
    for (k, side) in sides.enumerated() {
      let scale = Double(side) / size
      let mine = windows.filter { Int(($0.scale * size).rounded()) == side }
      let n = (side - window) / stride + 1
      var values = [Double](repeating: 0, count: n * n)
      for w in mine { values[w.row * n + w.column] = w.box.label == truth.label ? w.score : 0 }
      var ax = Axes.imagePanel(0...Double(n), title: String(format: "scale %.2g: %d x %d windows", scale, n, n))
      ax.image(Raster(values: values, width: n, height: n, colormap: .viridis, range: 0...1))
      figure.axes[k + 1] = ax
    }
    return figure
  }

  static func mergingFigure(_ scenes: FashionScenes, _ index: Int, windows: [WindowPrediction], mergeIoU: Double) -> Figure {
    var figure = Figure(width: 1080, height: 420, rows: 1, columns: 2)
    let size = Double(scenes.spec.size)
    let truth = scenes.objects[index][0]
    let (best, merged) = answers(windows, mergeIoU: mergeIoU)
    for k in 0..<2 {
      var ax = Axes.imagePanel(-size * 0.1...size * 1.1)
      ax.image(ImageRasters.rgb(scenes.images, index))
      if k == 0 {
        ax.title = "\(windows.count) window boxes"
        for w in windows {
          ax.box(w.box.box, stroke: Color(hex: 0xF0E442, alpha: 0.15 + 0.85 * w.score), width: 1)
        }
      } else {
        ax.title = "best window (orange) vs merged (yellow)"
        ax.box(truth.box, stroke: .white, width: 1.5)
        ax.box(best.box, stroke: Color(hex: 0xE69F00), width: 2, style: .dashed)
        ax.box(merged.box, stroke: Color(hex: 0xF0E442), width: 2.5, tag: FashionMNIST.shortClassNames[merged.label])
      }
      figure.axes[k] = ax
    }
    return figure
  }
}
