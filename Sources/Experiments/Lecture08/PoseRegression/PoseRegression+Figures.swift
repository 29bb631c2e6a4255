// The figures of the pose-regression chapter.
import Datasets
import ExperimentKit
import Models
import Plot
import Tensor

extension PoseRegression {
  static func skeletonsFigure(_ test: StickFigures, _ predicted: [[(x: Double, y: Double)]]) -> Figure {
    let columns = 6
    var figure = Figure(width: 1080, height: 400, rows: 2, columns: columns)
    figure.legend = [LegendKey("true joints", color: .white, line: nil, marker: .circle), LegendKey("predicted skeleton", color: Color(hex: 0xF0E442), marker: .circle)]
    let side = Double(test.size)
    for k in 0..<(2 * columns) {
      let correct = StickFigures.pck(predicted: [predicted[k]], truth: [test.joints[k]], fraction: 0.2).filter { $0 == 1 }.count
      var ax = Axes.imagePanel(0...side, title: "\(correct)/\(joints) joints within 0.2")
      ax.image(ImageRasters.rgb(test.images, k))
      let truth = test.joints[k]
      ax.scatter(x: truth.map(\.x), y: truth.map(\.y), color: .white, size: 5)
      let p = predicted[k]
      ax.skeleton(x: p.map(\.x), y: p.map(\.y), edges: StickFigures.bones, color: Color(hex: 0xF0E442))
      figure.axes[k] = ax
    }
    return figure
  }

  static func pckFigure(perJoint: [Double], baseline: [Double], thresholds: [Double], curve: [Double], baselineCurve: [Double]) -> Figure {
    var figure = Figure(width: 1080, height: 380, rows: 1, columns: 2)
    var bars = Axes()
    bars.title = "PCK@0.2 per joint"
    bars.yLabel = "share of test figures"
    bars.yLimits = 0...1
    bars.groupedBars([("net", perJoint), ("mean pose", baseline)])
    bars.xTicks = StickFigures.jointNames.enumerated().map { (Double($0.offset), short($0.element)) }
    bars.legend = .upperRight
    figure.axes[0] = bars
    var lines = Axes()
    lines.title = "PCK vs threshold"
    lines.xLabel = "threshold (fraction of the torso diameter)"
    lines.yLabel = "PCK (all joints)"
    lines.yLimits = 0...1
    lines.legend = .lowerRight
    lines.line(x: thresholds, y: curve, label: "net")
    lines.line(x: thresholds, y: baselineCurve, label: "mean pose")
    lines.line(x: [0.2, 0.2], y: [0, 1], color: .lightGray, style: .dashed)
    figure.axes[1] = lines
    return figure
  }

  static func lossFigure(_ history: PoseRegressor.History) -> Figure {
    var figure = Figure(width: 640, height: 320)
    var ax = Axes()
    ax.xLabel = "step"
    ax.yLabel = "L2 loss"
    ax.yScale = .log
    ax.legend = .none
    var x: [Double] = [], y: [Double] = []
    for start in Swift.stride(from: 0, to: history.losses.count, by: 10) {
      let chunk = history.losses[start..<min(start + 10, history.losses.count)]
      x.append(Double(start + chunk.count))
      y.append(Double(chunk.reduce(0, +)) / Double(chunk.count))
    }
    ax.line(x: x, y: y)
    figure.axes[0] = ax
    return figure
  }

  /// "right ankle" -> "R ankle".
  static func short(_ name: String) -> String {
    name.replacingOccurrences(of: "right ", with: "R ").replacingOccurrences(of: "left ", with: "L ")
  }
}
