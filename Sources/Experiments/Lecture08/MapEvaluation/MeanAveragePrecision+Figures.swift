// The figures of the map-evaluation chapter.
import Detection
import ExperimentKit
import Plot

extension MeanAveragePrecision {
  static func sampleFigure(
    data: DetectionDataset, raw: [DetectedObject], kept: [DetectedObject], config: Config
  ) -> Figure {
    // The first image with at least three objects and a duplicate removed by NMS.
    let image =
      data.imageIds.first { id in
        data.objects.filter { $0.imageId == id }.count >= 3
          && raw.filter { $0.imageId == id }.count > kept.filter { $0.imageId == id }.count + 1
      } ?? data.imageIds[0]
    let names = Dictionary(uniqueKeysWithValues: data.categories.map { ($0.id, $0.name) })
    var figure = Figure(width: 980, height: 440, rows: 1, columns: 2)
    figure.legend = [LegendKey("ground truth, with its class", color: .black)]
      + data.categories.map { LegendKey("detected \($0.name), with its score", color: qualitativePalette[($0.id - 1) % qualitativePalette.count], line: .dashed) }
    for (panel, (title, detections)) in [("raw detections", raw), ("after NMS (IoU > \(config.nmsThreshold))", kept)].enumerated() {
      var ax = Axes()
      let mine = detections.filter { $0.imageId == image }
      ax.title = "image \(image): \(mine.count) \(title)"
      ax.xLimits = 0...config.scene.imageWidth
      ax.yLimits = 0...config.scene.imageHeight
      ax.yInverted = true
      ax.equalAspect = true
      ax.grid = false
      for g in data.objects where g.imageId == image {
        let b = g.bbox.box
        ax.box(b, stroke: .black, width: 2.5, tag: names[g.categoryId] ?? "?")
      }
      for d in mine {
        let b = d.bbox.box
        let color = qualitativePalette[(d.categoryId - 1) % qualitativePalette.count]
        ax.box(b, stroke: color, width: 1.5, style: .dashed, tag: fixed(d.score, 2))
      }
      figure.axes[panel] = ax
    }
    return figure
  }

  /// Unit square axes for precision against recall.
  static func precisionRecallAxes(title: String) -> Axes {
    var ax = Axes()
    ax.title = title
    ax.xLabel = "recall"
    ax.yLabel = "precision"
    ax.xLimits = 0...1
    ax.yLimits = 0...1.02
    ax.legend = .lowerLeft
    return ax
  }

  static func prCurveFigure(coco: COCOEvaluation, categories: [Category]) -> Figure {
    var figure = Figure(width: 920, height: 380, rows: 1, columns: 2)
    for (panel, t) in [0, 5].enumerated() {
      var ax = precisionRecallAxes(title: "IoU ≥ \(fixed(coco.parameters.iouThresholds[t], 2))")
      for (k, category) in categories.enumerated() {
        let curve = coco.curves[k][t]
        guard !curve.recall.isEmpty else { continue }
        ax.line(x: [0] + curve.recall, y: [curve.precision[0]] + curve.precision, label: category.name)
      }
      figure.axes[panel] = ax
    }
    return figure
  }

  static func interpolationFigure(_ result: VOCClassResult, name: String) -> Figure {
    var figure = Figure(width: 640, height: 400)
    var ax = precisionRecallAxes(
      title: "\(name): VOC 2007 AP \(fixed(result.ap07 ?? 0, 3)) vs VOC 2010 AP \(fixed(result.ap10 ?? 0, 3))")
    let recall = result.recall, precision = result.precision
    // Monotone envelope as steps; its area is the VOC 2010 AP.
    var envelope = precision
    for i in stride(from: envelope.count - 1, to: 0, by: -1) { envelope[i - 1] = max(envelope[i - 1], envelope[i]) }
    var sx: [Double] = [0]
    var sy: [Double] = [envelope.first ?? 0]
    for i in envelope.indices {
      sx.append(recall[i]); sy.append(envelope[i])
      if i + 1 < envelope.count { sx.append(recall[i]); sy.append(envelope[i + 1]) }
    }
    // The envelope wide and pale underneath, the measured curve thin and dark on top.
    ax.line(x: sx, y: sy, label: "envelope (VOC 2010 area)", color: qualitativePalette[0].withAlpha(0.45), width: 4)
    ax.line(x: recall, y: precision, label: "measured", color: .black, width: 1.1)
    // Room for the 11 markers at recall 0 and 1 and precision 1.
    ax.xLimits = -0.03...1.03
    ax.yLimits = -0.02...1.05
    var px: [Double] = []
    var py: [Double] = []
    for i in 0...10 {
      let t = Double(i) * 0.1
      let best = zip(recall, precision).filter { $0.0 >= t }.map(\.1).max() ?? 0
      px.append(t)
      py.append(best)
    }
    ax.scatter(x: px, y: py, label: "11 points (VOC 2007)", color: qualitativePalette[3], size: 8, marker: .diamond)
    figure.axes[0] = ax
    return figure
  }

  static func apVersusIoUFigure(coco: COCOEvaluation, categories: [Category]) -> Figure {
    var figure = Figure(width: 640, height: 400)
    var ax = Axes()
    ax.title = "AP against the IoU threshold"
    ax.xLabel = "IoU threshold for a match"
    ax.yLabel = "AP (101-point)"
    ax.yLimits = 0...1
    ax.legend = .lowerLeft
    let thresholds = coco.parameters.iouThresholds
    for category in categories {
      ax.line(
        x: thresholds, y: thresholds.map { coco.averagePrecision(category: category.id, iouThreshold: $0) },
        label: category.name, marker: .circle)
    }
    ax.line(
      x: thresholds, y: coco.averagePrecisionPerIoU, label: "mean (COCO AP = its average)", color: .black, width: 2.5,
      style: .dashed, marker: .square)
    figure.axes[0] = ax
    return figure
  }
}
