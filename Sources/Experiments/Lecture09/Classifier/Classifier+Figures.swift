// The figures of the classifier chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension Classifier {
  static func curvesFigure(_ history: FashionClassifier.History, config: Config, batchSize: Int) -> Figure {
    var figure = Figure(width: 920, height: 360, rows: 1, columns: 2)
    var loss = Axes()
    loss.title = "training loss"
    loss.xLabel = "step (batch of \(batchSize))"
    loss.yLabel = "cross-entropy"
    loss.line(x: history.lossSteps.map(Double.init), y: history.losses.map(Double.init), label: "train (25-step mean)")
    figure.axes[0] = loss
    var accuracy = Axes()
    accuracy.title = "accuracy"
    accuracy.xLabel = "epoch"
    accuracy.yLabel = "accuracy"
    accuracy.legend = .lowerRight
    let epochs = (1...max(history.epochTestAccuracy.count, 1)).map(Double.init)
    accuracy.line(x: epochs, y: history.epochTrainAccuracy, label: "train (during the epoch)", marker: .circle)
    accuracy.line(x: epochs, y: history.epochTestAccuracy, label: "test", marker: .square)
    accuracy.line(x: [epochs.first ?? 1, epochs.last ?? 1], y: [config.accuracyBar, config.accuracyBar], label: "bar", color: .lightGray, style: .dashed)
    figure.axes[1] = accuracy
    return figure
  }

  static func confusionFigure(_ confusion: [[Int]]) -> Figure {
    let k = confusion.count
    let rowTotals = confusion.map { max($0.reduce(0, +), 1) }
    var values: [Double] = []
    for i in 0..<k { for j in 0..<k { values.append(Double(confusion[i][j]) / Double(rowTotals[i])) } }
    var figure = Figure(width: 720, height: 640)
    var ax = Axes()
    ax.title = "test images per true and predicted class"
    ax.colorbar = Colorbar(colormap: .viridis, range: 0...1, label: "share of the true class")
    ax.xLabel = "predicted"
    ax.yLabel = "true class"
    ax.yInverted = true
    ax.grid = false
    ax.xLimits = 0...Double(k)
    ax.yLimits = 0...Double(k)
    ax.image(Raster(values: values, width: k, height: k, colormap: .viridis, range: 0...1))
    ax.xTicks = (0..<k).map { (Double($0) + 0.5, FashionMNIST.shortClassNames[$0]) }
    ax.yTicks = FashionMNIST.classNames.enumerated().map { (Double($0.offset) + 0.5, $0.element) }
    for i in 0..<k {
      for j in 0..<k where confusion[i][j] > 0 {
        ax.text(
          "\(confusion[i][j])", x: Double(j) + 0.5, y: Double(i) + 0.5, size: 9.5,
          color: values[i * k + j] > 0.55 ? .black : .white, horizontal: .middle, vertical: .middle)
      }
    }
    figure.axes[0] = ax
    return figure
  }

  static func mistakesFigure(_ test: FashionMNIST, _ predictions: [Int]) -> Figure {
    let wrong = Array(predictions.indices.filter { predictions[$0] != test.labels[$0] }.prefix(16))
    let columns = 8
    let rows = max((wrong.count + columns - 1) / columns, 1)
    var figure = Figure(width: 1120, height: 140 * Double(rows), rows: rows, columns: columns)
    for n in figure.axes.indices { figure.axes[n].decorations = false }
    for (n, i) in wrong.enumerated() {
      let pixels = (0..<784).map { 1 - Double(test.images.scalars[i * 784 + $0]) }  // dark garment on light ground
      var ax = Axes()
      ax.decorations = false
      ax.yInverted = true
      ax.title = "\(FashionMNIST.shortClassNames[predictions[i]]) (\(FashionMNIST.shortClassNames[test.labels[i]]))"
      ax.image(Raster(values: pixels, width: 28, height: 28, colormap: .grey, range: 0...1))
      figure.axes[n] = ax
    }
    return figure
  }

}
