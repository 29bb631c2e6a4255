// The figures of the region-proposals chapter.
import Datasets
import Detection
import ExperimentKit
import Plot
import Tensor

extension RegionProposals {
  /// An RGB raster of a planar image in [0, 1].
  static func raster(_ image: PlanarImage) -> Raster {
    let rgb = image.rgb
    let n = rgb.pixelCount
    var bytes = [UInt8](repeating: 255, count: 4 * n)
    for i in 0..<n { for c in 0..<3 { bytes[4 * i + c] = UInt8((min(max(rgb.values[c * n + i], 0), 1) * 255).rounded()) } }
    return Raster(width: rgb.width, height: rgb.height, rgba: bytes)
  }

  /// Each segment painted in its mean colour.
  static func meanColors(_ image: PlanarImage, _ s: GraphSegmentation.Result) -> PlanarImage {
    let n = image.pixelCount
    var sums = [Float](repeating: 0, count: 3 * s.count)
    var counts = [Float](repeating: 0, count: s.count)
    for i in 0..<n {
      let l = Int(s.labels[i])
      counts[l] += 1
      for c in 0..<3 { sums[3 * l + c] += image.values[c * n + i] }
    }
    var out = [Float](repeating: 0, count: 3 * n)
    for i in 0..<n {
      let l = Int(s.labels[i])
      for c in 0..<3 { out[c * n + i] = sums[3 * l + c] / counts[l] }
    }
    return PlanarImage(width: image.width, height: image.height, channels: 3, values: out)
  }

  static func segmentsFigure(_ photo: PlanarImage, _ segmentations: [GraphSegmentation.Result]) -> Figure {
    var figure = Figure(width: 1020, height: 380, rows: 1, columns: 1 + segmentations.count)
    let range = 0...Double(photo.width)
    var first = Axes.imagePanel(range, title: "photo (\(photo.width) px)")
    first.image(raster(photo))
    figure.axes[0] = first
    for (i, s) in segmentations.enumerated() {
      let setting = segmentationSettings[i]
      var ax = Axes.imagePanel(
        range, title: "k=\(Int(setting.k)), σ=\(setting.sigma), min \(setting.minSize): \(s.count) (skimage \(setting.skimage))")
      ax.image(raster(meanColors(photo, s)))
      figure.axes[1 + i] = ax
    }
    return figure
  }

  static func color(_ key: String) -> Color {
    switch key {
    case "single": qualitativePalette[2]
    case "fast": qualitativePalette[0]
    case "quality": qualitativePalette[1]
    case "edgeBoxes": qualitativePalette[3]
    default: Color(hex: 0x777777)
    }
  }

  /// Ticks 0, 0.2, ..., 1 (the axes reach higher to leave the legend room).
  static let unitTicks: [(position: Double, label: String)] = (0...5).map { (Double($0) / 5, fixed(Double($0) / 5, 1)) }

  static func recallFigure(_ methods: [Method], curves: [String: [[Double]]]) -> Figure {
    var figure = Figure(width: 1000, height: 460, rows: 1, columns: 2)
    for (panel, t) in [0.5, 0.7].enumerated() {
      var ax = Axes()
      ax.title = "recall at IoU ≥ \(t)"
      ax.xLabel = "proposals per image"
      ax.yLabel = "recall"
      ax.xScale = .log
      // Room above recall 1 for the legend.
      ax.yLimits = 0...1.45
      ax.yTicks = unitTicks
      ax.legend = .upperLeft
      for m in methods {
        guard let best = curves[m.key] else { continue }
        let most = m.proposals.map(\.count).max() ?? 0
        // Budgets past the most proposals any image has repeat the last point: stop there.
        let used = budgets.indices.filter { budgets[$0] <= max(most, 1) || $0 == 0 }
        ax.line(
          x: used.map { Double(budgets[$0]) }, y: used.map { ProposalRecall.recall(best[$0], threshold: t) }, label: m.label,
          color: color(m.key), style: m.key == "random" ? .dashed : .solid, marker: .circle, markerSize: 4)
      }
      figure.axes[panel] = ax
    }
    return figure
  }

  static func recallIoUFigure(_ methods: [Method], curves: [String: [[Double]]]) -> Figure {
    var figure = Figure(width: 1000, height: 460, rows: 1, columns: fixedBudgets.count)
    let thresholds = stride(from: 0.5, through: 1.0, by: 0.025).map { $0 }
    for (panel, budget) in fixedBudgets.enumerated() {
      var ax = Axes()
      ax.title = "\(budget) proposals per image"
      ax.xLabel = "IoU threshold"
      ax.yLabel = "recall"
      ax.xLimits = 0.5...1
      ax.yLimits = 0...1.45
      ax.yTicks = unitTicks
      ax.legend = .upperRight
      let b = budgets.firstIndex(of: budget)!
      for m in methods {
        guard let best = curves[m.key] else { continue }
        ax.line(
          x: thresholds, y: thresholds.map { ProposalRecall.recall(best[b], threshold: $0) },
          label: "\(m.label): AR \(fixed(ProposalRecall.averageRecall(best[b]), 2))", color: color(m.key),
          style: m.key == "random" ? .dashed : .solid)
      }
      figure.axes[panel] = ax
    }
    return figure
  }

  static func scenesFigure(_ scenes: FashionScenes, proposals: [[Box]]) -> Figure {
    let shown = Array(proposals.indices.filter { scenes.objects[$0].count >= 3 }.prefix(3))
    var figure = Figure(width: 1020, height: 370, rows: 1, columns: max(shown.count, 1))
    let side = Double(scenes.spec.size)
    for (panel, i) in shown.enumerated() {
      var ax = Axes.imagePanel(0...side, title: "scene \(i): \(proposals[i].count) proposals")
      ax.image(ImageRasters.rgb(scenes.images, i))
      for b in proposals[i].prefix(30) { ax.box(b, stroke: Color(red: 0.2, green: 0.6, blue: 1.0), width: 0.75) }
      for truth in scenes.objects[i] {
        ax.box(truth.box, stroke: .white, width: 2)
        let best = proposals[i].max { $0.intersectionOverUnion(with: truth.box) < $1.intersectionOverUnion(with: truth.box) }
        if let best {
          ax.box(best, stroke: Color(red: 1, green: 0.85, blue: 0.1), width: 1.5, style: .dashed)
          ax.text(fixed(best.intersectionOverUnion(with: truth.box), 2), x: best.x1 + 1, y: best.y1 + 5, size: 9, color: Color(red: 1, green: 0.85, blue: 0.1))
        }
      }
      figure.axes[panel] = ax
    }
    return figure
  }

  static func photoFigure(_ photo: PlanarImage, proposals: [Box]) -> Figure {
    var figure = Figure(width: 560, height: 580)
    var ax = Axes.imagePanel(0...Double(photo.width), title: "\(proposals.count) proposals (fast); the first 40")
    ax.image(raster(photo))
    for (rank, b) in proposals.prefix(40).enumerated() {
      ax.box(b, stroke: qualitativePalette[rank % qualitativePalette.count], width: 1.25)
    }
    figure.axes[0] = ax
    return figure
  }
}
