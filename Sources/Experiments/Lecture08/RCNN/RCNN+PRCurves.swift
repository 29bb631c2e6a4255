// Precision-recall curves of the rcnn chapter, from the VOC evaluation
// (Detection/VOCEvaluation.swift, py-faster-rcnn's voc_eval): each class's
// measured points (precision after each detection in decreasing score order
// against the recall reached), and the mean over classes of the
// interpolated precision p_interp(r) = max precision at recall >= r
// (Everingham et al., IJCV 2010, §4.2), one curve per scoring variant. The
// VOC 2007 AP of a class is the mean of p_interp at r = 0, 0.1, ..., 1, so
// the mean curve's 11-point average is the mAP.
import Datasets
import Detection
import ExperimentKit
import Plot

extension RCNNPipeline {
  /// 0, 0.1, ..., 1: the recall levels of VOC 2007's 11-point AP.
  static let vocRecallLevels = (0...10).map { Double($0) * 0.1 }

  /// The mean, over the classes with positives, of each class's interpolated precision at `recalls`.
  static func meanInterpolatedPrecision(_ voc: VOCEvaluation, at recalls: [Double]) -> [Double] {
    let curves = voc.classes.filter { $0.positives > 0 }.map { interpolatedPrecision(recall: $0.recall, precision: $0.precision, at: recalls) }
    guard !curves.isEmpty else { return recalls.map { _ in 0 } }
    return recalls.indices.map { k in curves.map { $0[k] }.reduce(0, +) / Double(curves.count) }
  }

  /// Records the curves' landmarks and draws them: per class for `shown`, the mean for every variant.
  static func precisionRecall(
    _ context: RunContext, evaluations: [(key: String, label: String, voc: VOCEvaluation)], shown: String, testScenes: Int
  ) throws {
    let grid = (0...100).map { Double($0) / 100 }
    for e in evaluations {
      let withPositives = e.voc.classes.filter { $0.positives > 0 }
      let finalRecall = withPositives.map { $0.recall.last ?? 0 }
      context.record("pr.finalRecall.\(e.key)", finalRecall.reduce(0, +) / Double(max(finalRecall.count, 1)))
      context.record("pr.precisionAtHalfRecall.\(e.key)", meanInterpolatedPrecision(e.voc, at: [0.5])[0])
    }
    guard let best = evaluations.first(where: { $0.key == shown }) else { return }
    var figure = Figure(width: 1080, height: 460, rows: 1, columns: 2)
    var left = Axes()
    left.title = "\(best.label): precision against recall per class"
    left.xLabel = "recall"
    left.yLabel = "precision"
    left.xLimits = 0...1
    left.yLimits = 0...1.02
    left.legend = .outside
    for (k, c) in best.voc.classes.enumerated() where c.positives > 0 && !c.recall.isEmpty {
      left.line(x: [0] + c.recall, y: [c.precision[0]] + c.precision, label: FashionMNIST.shortClassNames[c.categoryId - 1],
                color: qualitativePalette[k % qualitativePalette.count], width: 1.3,
                style: k < qualitativePalette.count ? .solid : .dashed)  // ten classes, fewer colours
    }
    figure.axes[0] = left
    var right = Axes()
    right.title = "mean interpolated precision over the classes"
    right.xLabel = "recall"
    right.yLabel = "precision"
    right.xLimits = 0...1
    right.yLimits = 0...1.02
    right.legend = .upperRight
    for (k, e) in evaluations.enumerated() {
      right.line(x: grid, y: meanInterpolatedPrecision(e.voc, at: grid), label: "\(e.label) (mAP \(fixed(e.voc.map07, 3)))",
                 color: qualitativePalette[k % qualitativePalette.count], width: e.key == shown ? 2.4 : 1.5, style: k % 2 == 0 ? .dashed : .solid)
    }
    figure.axes[1] = right
    try context.figure(
      "pr-curves",
      caption: "Precision against recall on the \(testScenes) test scenes (VOC matching at IoU 0.5). Left: each class's measured curve for \(best.label), one point per detection in decreasing score order; a curve ends at the recall its last detection reaches. Right: for each scoring variant, the mean over the classes of the interpolated precision (the best precision at that recall or beyond); its average at recall 0, 0.1, ..., 1 is the VOC 2007 mAP.",
      figure)
  }
}
