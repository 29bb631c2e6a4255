// The figures of the fashion-scenes chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension FashionScenesData {
  static func samplesFigure(_ sets: [(name: String, scenes: FashionScenes)]) -> Figure {
    let columns = 6
    var figure = Figure(width: 1080, height: 190 * Double(sets.count) + 10, rows: sets.count, columns: columns)
    for (row, set) in sets.enumerated() {
      for column in 0..<columns {
        let index = column
        let size = Double(set.scenes.spec.size)
        var ax = Axes.imagePanel(0...size, title: column == 0 ? "\(set.name), \(set.scenes.spec.size) px" : "\(set.name) #\(index + 1)")
        ax.image(ImageRasters.rgb(set.scenes.images, index))
        for box in set.scenes.objects[index] {
          ax.box(box.box, stroke: .white, width: 1.5, tag: FashionMNIST.shortClassNames[box.label])
        }
        figure.axes[row * columns + column] = ax
      }
    }
    return figure
  }

  static func boxSizeFigure(_ sets: [(name: String, scenes: FashionScenes)]) -> Figure {
    var figure = Figure(width: 1080, height: 300, rows: 1, columns: sets.count)
    for (k, set) in sets.enumerated() {
      var ax = Axes()
      ax.title = set.name
      ax.xLabel = "box side (px)"
      if k == 0 { ax.yLabel = "boxes" }
      let sides = set.scenes.objects.flatMap { $0 }.map { ($0.box.width() * $0.box.height()).squareRoot() }
      ax.histogram(sides, bins: 20, range: 0...100, color: qualitativePalette[k % qualitativePalette.count])
      ax.legend = .none
      figure.axes[k] = ax
    }
    return figure
  }

  static func stickFiguresFigure(_ figures: StickFigures) -> Figure {
    let columns = 6
    var figure = Figure(width: 1080, height: 380, rows: 2, columns: columns)
    let size = Double(figures.size)
    for k in 0..<(2 * columns) {
      var ax = Axes.imagePanel(0...size)
      if k < columns {
        ax.image(ImageRasters.rgb(figures.images, k))
      } else {
        // The same figures with their joint annotations drawn over them.
        ax.image(ImageRasters.rgb(figures.images, k - columns))
        let joints = figures.joints[k - columns]
        ax.skeleton(x: joints.map(\.x), y: joints.map(\.y), edges: StickFigures.bones, color: .white)
      }
      figure.axes[k] = ax
    }
    return figure
  }
}
