// The figures of the yolo chapter: the grid and responsible boxes, the
// class-probability map (the paper's Figure 2), boxes before and after NMS,
// loss curves per term, the error breakdown (the paper's Figure 4).
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

extension YOLO {
  static let classColors: [Color] = [
    Color(hex: 0x0072B2), Color(hex: 0xE69F00), Color(hex: 0x009E73), Color(hex: 0xD55E00), Color(hex: 0xCC79A7),
    Color(hex: 0x56B4E9), Color(hex: 0xF0E442), Color(hex: 0x000000), Color(hex: 0x999999), Color(hex: 0x882255),
  ]

  static func cellRect(_ grid: YOLOGrid, _ cell: Int) -> (x1: Double, y1: Double, x2: Double, y2: Double) {
    let s = grid.cellSize
    let (r, c) = (Double(cell / grid.cells), Double(cell % grid.cells))
    return (c * s, r * s, (c + 1) * s, (r + 1) * s)
  }

  static func gridFigure(_ scenes: FashionScenes, _ index: Int, output: Tensor, targets: YOLOTargets, grid: YOLOGrid) -> Figure {
    var figure = Figure(width: 860, height: 450, rows: 1, columns: 2)
    let size = grid.imageSize
    let assigned = targets.responsible[index]
    var left = Axes.imagePanel(0...size, title: "S × S = \(grid.cells) × \(grid.cells) cells; object centres")
    left.image(ImageRasters.rgb(scenes.images, index))
    for a in assigned {
      let r = cellRect(grid, a.cell)
      left.rect(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2, stroke: nil, fill: Color(hex: 0xE69F00, alpha: 0.55), width: 0)
    }
    left.cellGrid(columns: grid.cells, rows: grid.cells, x0: 0, x1: size, y0: 0, y1: size, color: Color(hex: 0xFFFFFF, alpha: 0.7), width: 1)
    for o in scenes.objects[index] {
      left.box(o, stroke: .white, width: 1.5, named: true)
    }
    left.scatter(x: scenes.objects[index].map(\.box.centerX), y: scenes.objects[index].map(\.box.centerY), color: Color(hex: 0xD55E00), size: 8)
    figure.axes[0] = left

    var right = Axes.imagePanel(0...size, title: "each centre cell's B = \(grid.boxesPerCell) boxes (solid: responsible)")
    right.image(ImageRasters.rgb(scenes.images, index))
    right.cellGrid(columns: grid.cells, rows: grid.cells, x0: 0, x1: size, y0: 0, y1: size, color: Color(hex: 0xFFFFFF, alpha: 0.35), width: 1)
    let p = output.scalars, base = index * grid.outputs
    for a in assigned {
      let truth = scenes.objects[index][a.object]
      right.box(truth.box, stroke: .white, width: 1.2, style: .dashed)
      for b in 0..<grid.boxesPerCell {
        let f = (0..<4).map { p[base + grid.boxIndex(cell: a.cell, box: b, field: $0)] }
        let box = grid.decodeBox(cell: a.cell, f[0], f[1], f[2], f[3])
        let iou = box.intersectionOverUnion(with: truth.box)
        right.box(box, stroke: b == a.box ? Color(hex: 0xE69F00) : Color(hex: 0x56B4E9), width: b == a.box ? 2.2 : 1.5,
                  style: b == a.box ? .solid : .dashed, tag: b == a.box ? String(format: "IoU %.2f", iou) : nil)
      }
    }
    figure.axes[1] = right
    return figure
  }

  static func classMapFigure(_ scenes: FashionScenes, _ index: Int, output: Tensor, decoded: YOLODecoded, grid: YOLOGrid, threshold: Double) -> Figure {
    var figure = Figure(width: 1400, height: 430, rows: 1, columns: 4)
    let size = grid.imageSize
    let p = output.scalars, base = index * grid.outputs

    var boxes = Axes.imagePanel(0...size, title: "S × S × B = \(grid.boxesPerImage) boxes and confidences")
    boxes.image(ImageRasters.rgb(scenes.images, index))
    let confidences = (0..<grid.boxesPerImage).map { Double(max(p[base + grid.boxIndex(cell: $0 / grid.boxesPerCell, box: $0 % grid.boxesPerCell, field: 4)], 0)) }
    for (k, d) in decoded.boxes.enumerated() where confidences[k] > 0.02 {
      boxes.box(d.box, stroke: Color(hex: 0xFFFFFF, alpha: min(1, 0.3 + confidences[k])), width: 0.5 + 3 * min(confidences[k], 1))
    }
    figure.axes[0] = boxes

    var map = Axes.imagePanel(0...size, title: "class probability map")
    for cell in 0..<(grid.cells * grid.cells) {
      let scores = (0..<grid.classes).map { p[base + grid.classIndex(cell: cell, class: $0)] }
      let best = scores.indices.max { scores[$0] < scores[$1] }!
      let strength = Double(min(max(scores[best], 0), 1))
      let r = cellRect(grid, cell)
      let c = classColors[best]
      // Pale where the largest class score is low (white blended in).
      let a = 0.3 + 0.7 * strength
      map.rect(x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2, stroke: nil,
               fill: Color(red: a * c.red + (1 - a), green: a * c.green + (1 - a), blue: a * c.blue + (1 - a)), width: 0)
    }
    map.cellGrid(columns: grid.cells, rows: grid.cells, x0: 0, x1: size, y0: 0, y1: size, color: .white, width: 1)
    for o in scenes.objects[index] { map.box(o.box, stroke: .black, width: 1.2, style: .dashed) }
    figure.axes[1] = map

    var legend = Axes()
    legend.decorations = false
    legend.grid = false
    legend.xLimits = 0...1
    legend.yLimits = 0...1
    for c in 0..<grid.classes { legend.legendKey(FashionMNIST.shortClassNames[c], color: classColors[c], line: nil, marker: .square) }
    legend.legend = .upperLeft
    figure.axes[3] = legend

    var final = Axes.imagePanel(0...size, title: String(format: "after threshold %.2f and NMS", threshold))
    final.image(ImageRasters.rgb(scenes.images, index))
    for d in decoded.detections where d.score > threshold {
      final.box(d.box, stroke: classColors[d.label], width: 2.2, tag: String(format: "%@ %.2f", FashionMNIST.shortClassNames[d.label], d.score))
    }
    figure.axes[2] = final
    return figure
  }

  static func nmsFigure(_ scenes: FashionScenes, output: Tensor, grid: YOLOGrid, threshold: Double, nmsIoU: Double) -> Figure {
    let shown = Array(0..<min(4, scenes.count))
    var figure = Figure(width: 1200, height: 650, rows: 2, columns: shown.count)
    let size = Double(scenes.spec.size)
    for (k, i) in shown.enumerated() {
      let decoded = grid.decode(output, image: i, scoreThreshold: threshold, nmsIoU: nmsIoU)
      let before = decoded.candidates
      var top = Axes.imagePanel(0...size, title: "before NMS: \(before.count)")
      top.image(ImageRasters.rgb(scenes.images, i))
      for b in before { top.box(b.box, stroke: classColors[b.label], width: 1.2) }
      figure.axes[k] = top
      let after = decoded.detections
      var bottom = Axes.imagePanel(0...size, title: "after NMS: \(after.count)")
      bottom.image(ImageRasters.rgb(scenes.images, i))
      for o in scenes.objects[i] { bottom.box(o.box, stroke: .white, width: 1, style: .dashed) }
      for d in after {
        bottom.box(d.box, stroke: classColors[d.label], width: 2, tag: String(format: "%@ %.2f", FashionMNIST.shortClassNames[d.label], d.score))
      }
      figure.axes[shown.count + k] = bottom
    }
    return figure
  }

  static func lossFigure(_ history: YOLOHistory) -> Figure {
    var figure = Figure(width: 860, height: 420)
    var ax = Axes()
    ax.title = "equation (3), per term"
    ax.xLabel = "epoch"
    ax.yLabel = "loss per scene"
    ax.yScale = .log
    ax.yLimits = 0.01...10
    ax.legend = .lowerLeft
    for term in YOLOLossTerm.allCases {
      let curve = epochMeans(history.curve(term), stepsPerEpoch: history.stepsPerEpoch)
      ax.line(x: curve.indices.map { Double($0 + 1) }, y: curve.map { Double(max($0, 1e-4)) }, label: term.label)
    }
    figure.axes[0] = ax
    return figure
  }

  /// YOLO's Figure 4 (%): correct, localization, similar, other, background.
  static let paperErrors = [65.5, 19.0, 6.75, 4.0, 4.75]

  static func errorFigure(_ errors: ErrorAnalysis.Breakdown) -> Figure {
    var figure = Figure(width: 760, height: 380)
    var ax = Axes()
    ax.title = "top detections per class (\(errors.total) in all)"
    ax.yLabel = "share of the top detections (%)"
    let kinds = ErrorAnalysis.Kind.allCases
    ax.xTicks = kinds.enumerated().map { (Double($0.offset), $0.element.label) }
    ax.groupedBars([("YOLO on VOC 2007 (the paper's Figure 4)", paperErrors), ("ours", kinds.map { 100 * errors.fraction($0) })])
    ax.yLimits = 0...100
    ax.legend = .upperRight
    figure.axes[0] = ax
    return figure
  }
}
