// The figures of the localization-regression chapter.
import Datasets
import Detection
import ExperimentKit
import Models
import Plot
import Tensor

extension LocalizationRegression {
  static func curvesFigure(backbone: SceneTrainingHistory, variant: SceneTrainingHistory) -> Figure {
    var figure = Figure(width: 1080, height: 330, rows: 1, columns: 3)
    // Means over windows of up to 25 steps (fewer for short runs, so a curve has at least ~10 points).
    func smoothed(_ values: [Float]) -> (x: [Double], y: [Double]) {
      let window = max(1, min(25, values.count / 10))
      var x: [Double] = [], y: [Double] = []
      for start in Swift.stride(from: 0, to: values.count, by: window) {
        let chunk = values[start..<min(start + window, values.count)]
        x.append(Double(start + chunk.count))
        y.append(Double(chunk.reduce(0, +)) / Double(chunk.count))
      }
      return (x, y)
    }
    let headSteps = variant.boxLoss.count - variant.classLoss.count
    var step1 = Axes()
    step1.title = "1. classification"
    step1.xLabel = "step"
    step1.yLabel = "cross-entropy"
    let c = smoothed(backbone.classLoss)
    step1.line(x: c.x, y: c.y, label: "class loss")
    figure.axes[0] = step1
    var step2 = Axes()
    step2.title = "2. box head alone (frozen)"
    step2.xLabel = "step"
    step2.yLabel = "L2 box loss"
    step2.yScale = .log
    let h = smoothed(Array(variant.boxLoss.prefix(headSteps)))
    step2.line(x: h.x, y: h.y, label: "box loss", color: qualitativePalette[1])
    figure.axes[1] = step2
    var step3 = Axes()
    step3.title = "3. fine-tuning both"
    step3.xLabel = "step"
    step3.yScale = .log
    let fc = smoothed(variant.classLoss), fb = smoothed(Array(variant.boxLoss.suffix(variant.classLoss.count)))
    step3.line(x: fc.x, y: fc.y, label: "class loss")
    step3.line(x: fb.x, y: fb.y, label: "box loss", color: qualitativePalette[1])
    figure.axes[2] = step3
    return figure
  }

  static func predictionsFigure(
    _ scenes: FashionScenes, predicted: [[LabeledBox]], pairs: FashionScenes, pairPredicted: [[LabeledBox]]
  ) -> Figure {
    let columns = 6
    var figure = Figure(width: 1080, height: 580, rows: 3, columns: columns)
    let yellow = Color(hex: 0xF0E442)
    figure.legend = [LegendKey("true box", color: .white), LegendKey("predicted box, with its class", color: yellow)]
    func panel(_ images: Tensor, _ index: Int, truth: [LabeledBox], guess: [LabeledBox], title: String) -> Axes {
      var ax = Axes.imagePanel(0...Double(LocalizationNetwork.inputSize), title: title)
      ax.image(ImageRasters.rgb(images, index))
      for t in truth { ax.box(t.box, stroke: .white, width: 1.5) }
      for g in guess { ax.box(g.box, stroke: yellow, width: 1.5, tag: FashionMNIST.shortClassNames[g.label]) }
      return ax
    }
    for k in 0..<(2 * columns) {
      let t = scenes.objects[k][0], g = predicted[k][0]
      let verdict = g.label == t.label && g.box.intersectionOverUnion(with: t.box) >= 0.5 ? "✓" : "✗"
      figure.axes[k] = panel(scenes.images, k, truth: [t], guess: [g], title: String(format: "IoU %.2f %@", g.box.intersectionOverUnion(with: t.box), verdict))
    }
    for k in 0..<columns {
      figure.axes[2 * columns + k] = panel(pairs.images, k, truth: pairs.objects[k], guess: pairPredicted[k], title: "K = 2")
    }
    return figure
  }

  static func iouFigure(_ series: [(label: String, ious: [Double])]) -> Figure {
    var figure = Figure(width: 1080, height: 300, rows: 1, columns: series.count)
    for (k, s) in series.enumerated() {
      var ax = Axes()
      ax.title = s.label
      ax.xLabel = "IoU with the true box"
      if k == 0 { ax.yLabel = "test scenes" }
      ax.legend = .none
      ax.xLimits = 0...1
      ax.histogram(s.ious, bins: 20, range: 0...1, color: qualitativePalette[k % qualitativePalette.count])
      let top = Double(s.ious.count) / 4
      ax.line(x: [0.5, 0.5], y: [0, top], color: .axis, style: .dashed)
      figure.axes[k] = ax
    }
    return figure
  }
}
