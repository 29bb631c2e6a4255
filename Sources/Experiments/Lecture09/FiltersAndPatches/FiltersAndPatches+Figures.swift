// The figures of the filters-and-patches chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension FiltersAndPatches {
  static func patchesFigure(_ units: [(unit: Int, patches: [[Float]], classes: [Int])], side: Int) -> Figure {
    let columns = 9
    var figure = Figure(width: 900, height: 100 * Double(units.count) + 20, rows: units.count, columns: columns)
    for (row, u) in units.enumerated() {
      for (k, p) in u.patches.prefix(columns).enumerated() {
        var ax = Axes.imagePanel(0...Double(side), title: k == 0 ? "unit \(u.unit)" : nil)
        ax.image(Raster(values: p.map { 1 - Double($0) }, width: side, height: side, colormap: .grey, range: 0...1))
        figure.axes[row * columns + k] = ax
      }
    }
    return figure
  }

  static func neighboursFigure(
    _ shown: [Int], queries: Tensor, queryLabels: [Int], database: Tensor, databaseLabels: [Int], pixel: [[Int]], feature: [[Int]]
  ) -> Figure {
    let k = pixel.first?.count ?? 0
    let columns = 1 + 2 * k
    var figure = Figure(width: 1100, height: 100 * Double(shown.count) + 30, rows: shown.count, columns: columns)
    func panel(_ images: Tensor, _ index: Int, title: String?) -> Axes {
      var ax = Axes.imagePanel(0...28, title: title)
      ax.image(Raster(values: (0..<784).map { 1 - Double(images.scalars[index * 784 + $0]) }, width: 28, height: 28, colormap: .grey, range: 0...1))
      return ax
    }
    for (row, q) in shown.enumerated() {
      figure.axes[row * columns] = panel(queries, q, title: FashionMNIST.shortClassNames[queryLabels[q]])
      for (j, n) in pixel[q].enumerated() {
        let other = databaseLabels[n] != queryLabels[q]
        figure.axes[row * columns + 1 + j] = panel(database, n, title: row == 0 && j == 0 ? "pixels" : (other ? "✗ " + FashionMNIST.shortClassNames[databaseLabels[n]] : nil))
      }
      for (j, n) in feature[q].enumerated() {
        let other = databaseLabels[n] != queryLabels[q]
        figure.axes[row * columns + 1 + k + j] = panel(database, n, title: row == 0 && j == 0 ? "fc1 features" : (other ? "✗ " + FashionMNIST.shortClassNames[databaseLabels[n]] : nil))
      }
    }
    return figure
  }
}
