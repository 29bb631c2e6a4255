// The figures of the adversarial chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension Adversarial {
  static func greyPanel(_ images: Tensor, _ index: Int, title: String?) -> Axes {
    var ax = Axes.imagePanel(0...28, title: title)
    ax.image(ImageRasters.grey(images, index))
    return ax
  }

  static func szegedyFigure(
    x: Tensor, adversarial: Tensor, pairs: [(source: Int, target: Int)], labels: [Int], norms: [Double], success: [Bool], sources: [Int], test: Tensor
  ) -> Figure {
    let rows = max(sources.count, 1)
    var figure = Figure(width: 1300, height: 134 * Double(rows) + 20, rows: rows, columns: 10)
    for (r, s) in sources.enumerated() {
      for t in 0..<10 {
        if let k = pairs.firstIndex(where: { $0.source == s && $0.target == t }) {
          let title = (r == 0 ? "→\(FashionMNIST.shortClassNames[t]) " : "") + (success[k] ? String(format: "%.3f", norms[k]) : "none")
          figure.axes[r * 10 + t] = greyPanel(adversarial, k, title: title)
        } else {
          figure.axes[r * 10 + t] = greyPanel(test, s, title: (r == 0 ? "\(FashionMNIST.shortClassNames[t]) " : "") + "original")
        }
      }
    }
    return figure
  }

  static func foolingFigure(evolved: Tensor, evolvedConfidence: [Double], ascended: Tensor, ascendedConfidence: [Double]) -> Figure {
    var figure = Figure(width: 1300, height: 300, rows: 2, columns: 10)
    for k in 0..<10 {
      figure.axes[k] = greyPanel(evolved, k, title: "\(FashionMNIST.shortClassNames[k]) " + String(format: "%.2f", 100 * evolvedConfidence[k]))
      figure.axes[10 + k] = greyPanel(ascended, k, title: "\(FashionMNIST.shortClassNames[k]) " + String(format: "%.2f", 100 * ascendedConfidence[k]))
    }
    return figure
  }

  static func fgsmFigure(_ epsilons: [Float], _ curves: [String: [(error: Double, confidence: Double)]]) -> Figure {
    var figure = Figure(width: 980, height: 380, rows: 1, columns: 2)
    let x = epsilons.map(Double.init)
    var error = Axes(), confidence = Axes()
    error.title = "error rate"
    error.xLabel = "ε"
    error.yLabel = "test error"
    error.yLimits = 0...1
    error.legend = .none
    confidence.title = "mean confidence of the wrong answers"
    confidence.xLabel = "ε"
    confidence.yLabel = "softmax probability of the wrong class"
    confidence.yLimits = 0...1
    confidence.legend = .lowerRight
    for (i, (name, label)) in [("linear", "linear softmax"), ("convnet", "ConvNet")].enumerated() {
      let color = qualitativePalette[i]
      error.line(x: x, y: curves["\(name).fgsm"]!.map(\.error), color: color, marker: .circle)
      error.line(x: x, y: curves["\(name).random"]!.map(\.error), color: color, style: .dashed)
      confidence.line(x: x.dropFirst().map { $0 }, y: curves["\(name).fgsm"]!.dropFirst().map(\.confidence), label: label + " (dashed on the left: random signs)", color: color, marker: .circle)
    }
    figure.axes = [error, confidence]
    return figure
  }

  static func linearityFigure(_ panels: [LinearityPanel], epsilon: Float) -> Figure {
    var figure = Figure(width: 1020, height: 700, rows: 2, columns: 3)
    var scatter = Axes()
    scatter.title = "margin drop vs ε‖w_y − w_j‖₁"
    scatter.xLabel = "ε‖w_y − w_j‖₁"
    scatter.yLabel = "measured drop of z_y − z_j"
    scatter.legend = .upperLeft
    let top = panels.flatMap(\.bound).max() ?? 1
    scatter.line(x: [0, top], y: [0, top], label: "drop = bound", color: .lightGray, style: .dashed)
    for (i, p) in panels.enumerated() {
      let shown = Array(p.drop.indices.prefix(300))
      scatter.scatter(x: shown.map { p.bound[$0] }, y: shown.map { p.drop[$0] }, label: "\(p.side) px", color: qualitativePalette[i], size: 3)
    }
    var growth = Axes()
    growth.title = "mean drop and bound against n"
    growth.xLabel = "inputs n"
    growth.yLabel = "logit margin"
    growth.xScale = .log
    growth.legend = .upperLeft
    let n = panels.map { Double($0.side * $0.side) }
    growth.line(x: n, y: panels.map { $0.bound.reduce(0, +) / Double($0.bound.count) }, label: "ε‖w_y − w_j‖₁", marker: .square)
    growth.line(x: n, y: panels.map { $0.drop.reduce(0, +) / Double($0.drop.count) }, label: "measured drop", marker: .circle)
    growth.xTicks = panels.map { (Double($0.side * $0.side), "\($0.side)²") }
    var error = Axes()
    error.title = String(format: "FGSM error at ε = %.2f", epsilon)
    error.xLabel = "inputs n"
    error.yLabel = "test error"
    error.xScale = .log
    error.yLimits = 0...1
    error.legend = .upperLeft
    error.xTicks = growth.xTicks
    error.line(x: n, y: panels.map(\.error), label: "x + η (unclipped)", marker: .circle)
    error.line(x: n, y: panels.map(\.clippedError), label: "clipped to [0, 1]", marker: .square)
    figure.axes[0] = scatter
    figure.axes[1] = growth
    figure.axes[2] = error
    for (i, p) in panels.enumerated() {
      let limit = Double(p.weights.map { abs($0) }.max() ?? 1)
      var ax = Axes.imagePanel(0...Double(p.side), title: "Trouser weights, \(p.side) px (|w| ≤ \(String(format: "%.3g", limit)))")
      ax.image(Raster(values: p.weights.map(Double.init), width: p.side, height: p.side, colormap: .diverging, range: -limit...limit))
      figure.axes[3 + i] = ax
    }
    return figure
  }

  static func trainingFigure(_ rows: [[JSONValue]], epsilon: Float) -> Figure {
    var figure = Figure(width: 900, height: 380)
    var ax = Axes()
    ax.title = "before and after FGSM adversarial training"
    ax.yLabel = "test accuracy"
    ax.yLimits = 0...1
    ax.legend = .upperRight
    let e = String(format: "%.2f", epsilon)
    ax.xTicks = ["clean", "FGSM ε \(e)", "FGSM ε 0.25", "iterative ε \(e)", "from the classifier"].enumerated().map { (Double($0.offset), $0.element) }
    ax.groupedBars(rows.map { row in
      guard case .string(let label) = row[0] else { return ("", []) }
      return (label, row.dropFirst().map { if case .number(let v) = $0 { v } else { 0 } })
    })
    figure.axes[0] = ax
    return figure
  }
}
