// The figures of the faster-rcnn chapter: anchors, proposals, recall
// against the number of proposals, the four loss curves, detections.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

extension FasterRCNNExperiment {
  static func anchorsFigure(_ scenes: FashionScenes, _ index: Int, net: FasterRCNNNetwork, anchors: [Box], targeter: AnchorTargeter) -> Figure {
    var figure = Figure(width: 1000, height: 500, rows: 1, columns: 2)
    let side = Double(scenes.spec.size), a = net.anchorGenerator.count
    let centre = FasterRCNNNetwork.mapSide(scene: scenes.spec.size) / 2
    let location = centre * FasterRCNNNetwork.mapSide(scene: scenes.spec.size) + centre
    var left = Axes.imagePanel(0...side, title: "the \(a) anchors of cell (\(centre), \(centre)), centred on pixel \(4 * centre + 9)")
    left.image(ImageRasters.rgb(scenes.images, index))
    let colors = [qualitativePalette[0], qualitativePalette[1], qualitativePalette[2]]
    for k in 0..<a {
      let ratio = k / net.anchorGenerator.scales.count
      left.box(anchors[location * a + k], stroke: colors[ratio % colors.count], width: 1.5)
    }
    left.legendKey("ratio 0.5 (wide)", color: colors[0])
    left.legendKey("ratio 1", color: colors[1])
    left.legendKey("ratio 2 (tall)", color: colors[2])
    left.legend = .lowerLeft
    figure.axes[0] = left

    let labels = targeter.assign(anchors: anchors, truth: scenes.objects[index].map(\.box), width: side, height: side).labels
    let positive = labels.indices.filter { labels[$0] == 1 }
    var right = Axes.imagePanel(0...side, title: "\(positive.count) positive anchors of this scene")
    right.image(ImageRasters.rgb(scenes.images, index))
    for i in positive { right.box(anchors[i], stroke: Color(hex: 0xE69F00, alpha: 0.8), width: 1) }
    for o in scenes.objects[index] { right.box(o, stroke: .white, width: 1.5, style: .dashed, named: true) }
    figure.axes[1] = right
    return figure
  }

  static func proposalsFigure(_ scenes: FashionScenes, _ shown: [Int], proposals: [[Box]], count: Int) -> Figure {
    var figure = Figure(width: 1020, height: 370, rows: 1, columns: max(shown.count, 1))
    let side = Double(scenes.spec.size)
    for (panel, i) in shown.enumerated() {
      var ax = Axes.imagePanel(0...side, title: "scene \(i): top \(min(count, proposals[i].count)) of \(proposals[i].count)")
      ax.image(ImageRasters.rgb(scenes.images, i))
      let top = Array(proposals[i].prefix(count))
      for (rank, b) in top.enumerated().reversed() {
        let alpha = 1 - 0.7 * Double(rank) / Double(max(top.count - 1, 1))
        ax.box(b, stroke: Color(hex: 0xE69F00, alpha: alpha), width: 1.5)
      }
      for o in scenes.objects[i] { ax.box(o.box, stroke: .white, width: 1.5, style: .dashed) }
      figure.axes[panel] = ax
    }
    return figure
  }

  static func recallFigure(_ budgets: [Int], rpn: [[Double]], selective: [[Double]]) -> Figure {
    var figure = Figure(width: 1000, height: 460, rows: 1, columns: 2)
    for (panel, t) in [0.5, 0.7].enumerated() {
      var ax = Axes()
      ax.title = "recall at IoU ≥ \(t)"
      ax.xLabel = "proposals per image"
      ax.yLabel = "recall"
      ax.xScale = .log
      ax.yLimits = 0...1.3
      ax.yTicks = (0...5).map { (Double($0) / 5, fixed(Double($0) / 5, 1)) }
      ax.legend = .upperLeft
      let x = budgets.map(Double.init)
      ax.line(x: x, y: rpn.map { ProposalRecall.recall($0, threshold: t) }, label: "RPN", color: qualitativePalette[1], marker: .circle, markerSize: 4)
      ax.line(x: x, y: selective.map { ProposalRecall.recall($0, threshold: t) }, label: "Selective Search (fast)", color: qualitativePalette[0],
              marker: .circle, markerSize: 4)
      figure.axes[panel] = ax
    }
    return figure
  }

  /// The mean of each value and the `window - 1` before it (fewer at the start).
  static func runningMean(_ values: [Float], window: Int) -> [Double] {
    var out: [Double] = [], sum = 0.0
    for (i, v) in values.enumerated() {
      sum += Double(v)
      if i >= window { sum -= Double(values[i - window]) }
      out.append(sum / Double(min(i + 1, window)))
    }
    return out
  }

  static func lossFigure(_ curves: [(key: String, values: [Float])], stepsPerEpoch: Int, window: Int) -> Figure {
    var figure = Figure(width: 1000, height: 640, rows: 2, columns: 2)
    let titles = ["rpnClass": "RPN classification (objectness)", "rpnBox": "RPN regression (anchor deltas)",
                  "headClass": "head classification (11-way softmax)", "headBox": "head regression (class boxes)"]
    for (k, c) in curves.enumerated() {
      var ax = Axes()
      ax.title = titles[c.key] ?? c.key
      ax.xLabel = "epoch"
      ax.yLabel = "loss"
      let n = c.values.count
      let x = (0..<n).map { Double($0 + 1) / Double(stepsPerEpoch) }
      ax.line(x: x, y: c.values.map(Double.init), color: qualitativePalette[k].withAlpha(0.35), width: 1)
      ax.line(x: x, y: runningMean(c.values, window: window), color: qualitativePalette[k], width: 2.5)
      ax.yLimits = 0...max((c.values.map(Double.init).max() ?? 1) * 1.05, 1e-3)
      figure.axes[k] = ax
    }
    return figure
  }

  static func detectionsFigure(_ scenes: FashionScenes, _ shown: [Int], detections: [[ScoredDetection]], minScore: Double) -> Figure {
    var figure = Figure(width: 1020, height: 370, rows: 1, columns: max(shown.count, 1))
    let side = Double(scenes.spec.size)
    for (panel, i) in shown.enumerated() {
      let kept = Array(detections[i].sorted { $0.score > $1.score }.filter { $0.score >= minScore }.prefix(scenes.objects[i].count))
      var ax = Axes.imagePanel(0...side, title: "scene \(i): top \(kept.count) of \(detections[i].count) detections")
      ax.image(ImageRasters.rgb(scenes.images, i))
      for o in scenes.objects[i] { ax.box(o.box, stroke: .white, width: 1.5, style: .dashed) }
      for d in kept {
        ax.box(d.box, stroke: qualitativePalette[d.label % qualitativePalette.count], width: 2,
               tag: "\(FashionMNIST.shortClassNames[d.label]) \(fixed(d.score, 2))")
      }
      figure.axes[panel] = ax
    }
    return figure
  }
}
