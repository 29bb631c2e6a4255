// The figures of the spatial-transformer chapter.
import Datasets
import ExperimentKit
import Foundation
import Plot
import Tensor

extension SpatialTransformers {
  static func transformedFigure(_ test: DistortedSet, theta: Tensor, stOutput: Tensor, count: Int, canvas: Int) -> Figure {
    var figure = Figure(width: 1300, height: 450, rows: 3, columns: count)
    let c = Double(canvas)
    for i in 0..<count {
      var input = Axes.imagePanel(-7...(c + 7), title: String(format: "%+.0f°, ×%.2f", test.distortions[i].angle * 180 / Double.pi, test.distortions[i].scale))
      input.rect(x1: 0, y1: 0, x2: c, y2: c, fill: .black)
      input.image(ImageRasters.grey(test.images, i))
      // The output's corners (normalized ±1) mapped by θ into the canvas, in pixels.
      let t = (0..<6).map { Double(theta.scalars[6 * i + $0]) }
      let corners = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0)].map { (x, y) in
        ((t[0] * x + t[1] * y + t[2] + 1) / 2 * c, (t[3] * x + t[4] * y + t[5] + 1) / 2 * c)
      }
      input.line(x: corners.map(\.0), y: corners.map(\.1), color: Color(hex: 0xF0E442), width: 1.5)
      input.line(x: [corners[0].0, corners[1].0], y: [corners[0].1, corners[1].1], color: Color(hex: 0xD55E00), width: 2)
      figure.axes[i] = input
      var out = Axes.imagePanel(0...28)
      out.image(ImageRasters.grey(stOutput, i))
      figure.axes[count + i] = out
      var item = Axes.imagePanel(0...c, title: FashionMNIST.shortClassNames[test.labels[i]])
      item.image(ImageRasters.grey(test.items, i))
      figure.axes[2 * count + i] = item
    }
    return figure
  }

  static func learnedFigure(
    trueAngle: [Double], learnedAngle: [Double], trueLogScale: [Double], learnedLogScale: [Double], bins: [(label: String, cnn: Double, st: Double)]
  ) -> Figure {
    var figure = Figure(width: 1200, height: 400, rows: 1, columns: 3)
    let shown = Array(0..<min(600, trueAngle.count))
    var angle = Axes()
    angle.title = "rotation"
    angle.xLabel = "true rotation φ (°)"
    angle.yLabel = "rotation of the learned θ (°)"
    angle.legend = .upperLeft
    let deg = 180 / Double.pi
    let offset = zip(learnedAngle, trueAngle).map { $0 - $1 }.reduce(0, +) / Double(max(trueAngle.count, 1)) * deg
    angle.line(x: [-45, 45], y: [-45 + offset, 45 + offset], label: "undoes φ exactly", color: .lightGray, style: .dashed)
    angle.scatter(x: shown.map { trueAngle[$0] * deg }, y: shown.map { learnedAngle[$0] * deg }, label: "test items", size: 3)
    var scale = Axes()
    scale.title = "scale"
    scale.xLabel = "true scale s"
    scale.yLabel = "scale √|det| of the learned θ"
    scale.legend = .upperLeft
    let logOffset = zip(learnedLogScale, trueLogScale).map { $0 - $1 }.reduce(0, +) / Double(max(trueLogScale.count, 1))
    scale.line(x: [0.7, 1.2], y: [0.7 * exp(logOffset), 1.2 * exp(logOffset)], label: "undoes s exactly", color: .lightGray, style: .dashed)
    scale.scatter(x: shown.map { exp(trueLogScale[$0]) }, y: shown.map { exp(learnedLogScale[$0]) }, label: "test items", size: 3, marker: .circle)
    var error = Axes()
    error.title = "test error by |rotation|"
    error.yLabel = "error"
    error.legend = .upperLeft
    error.xTicks = bins.enumerated().map { (Double($0.offset), $0.element.label) }
    error.groupedBars([("CNN", bins.map(\.cnn)), ("ST-CNN", bins.map(\.st))])
    error.yLimits = 0...(max(bins.map(\.cnn).max() ?? 0.5, bins.map(\.st).max() ?? 0.5) * 1.3)
    figure.axes = [angle, scale, error]
    return figure
  }
}
