// The figures of the hog-detector chapter.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Plot
import Tensor

extension HOGDetector {
  static func figures(
    _ context: RunContext, config: Config, train: FashionScenes, test: FashionScenes, testPyramids: [FeaturePyramid],
    rounds: [(model: RootModel, evaluation: Evaluation)], dpm: DPMResult, inset: [Double], scales: [Double]
  ) throws {
    // HOG glyphs of the photo (resized to 256 px) and of a training scene holding the class.
    let photo = try context.sampleImage(photoName).rgb.tensor.resizedBilinear(height: 256, width: 256)
    let photoCells = HOG.cells(photo.scalars, channels: 3, height: 256, width: 256)
    let sceneIndex = (0..<train.count).first { !truth(train, $0, label: config.label).isEmpty } ?? 0
    let scene = image(train, sceneIndex)
    let sceneCells = HOG.cells(scene.scalars, channels: 3, height: train.spec.size, width: train.spec.size)
    var glyphs = Figure(width: 1240, height: 340, rows: 1, columns: 4)
    var ax = Axes.imagePanel(0...256, title: "photo (256 px)")
    ax.image(ImageRasters.rgb(photo, 0))
    glyphs.axes[0] = ax
    ax = Axes.imagePanel(0...256, title: "its HOG: \(photoCells.rows) x \(photoCells.columns) cells of 8 px")
    ax.image(HOGGlyphs.raster(photoCells, pixels: 12), x0: 0, x1: 256, y0: 0, y1: 256)
    glyphs.axes[1] = ax
    let s = Double(train.spec.size)
    ax = Axes.imagePanel(0...s, title: "training scene (\(train.spec.size) px)")
    ax.image(ImageRasters.rgb(train.images, sceneIndex))
    for o in train.objects[sceneIndex] { ax.box(o, stroke: o.label == config.label ? .white : Color(hex: 0xBBBBBB, alpha: 0.7), width: 1.2, named: o.label == config.label) }
    glyphs.axes[2] = ax
    ax = Axes.imagePanel(0...s, title: "its HOG: \(sceneCells.rows) x \(sceneCells.columns) cells")
    ax.image(HOGGlyphs.raster(sceneCells, pixels: 24), x0: 0, x1: s, y0: 0, y1: s)
    glyphs.axes[3] = ax
    try context.figure("hog-glyphs", caption: "HOG glyphs: each 8 px cell drawn as 9 strokes along the edge directions, brightness = the cell's histogram value (skimage's nearest voting, colour: the channel with the largest gradient).", glyphs)

    // Templates: the mined root's positive and negative weights, the DPM's root and parts.
    let final = rounds.last!.model
    let (wc, hc) = (config.windowCells.width, config.windowCells.height)
    var templates = Figure(width: 1000, height: 470, rows: 1, columns: 4)
    let panels: [(String, Raster, Int)] = [
      ("HOG-SVM: positive weights", HOGGlyphs.template(final.filter, sign: 1, pixels: 20), 1),
      ("HOG-SVM: negative weights", HOGGlyphs.template(final.filter, sign: -1, pixels: 20), 1),
      ("DPM root: positive", HOGGlyphs.template(dpm.model.root, sign: 1, pixels: 20), 1),
      ("DPM parts (2x resolution)", partsRaster(dpm.model, config: config), 2),
    ]
    for (k, panel) in panels.enumerated() {
      var a = Axes()
      a.decorations = false
      a.yInverted = true
      a.equalAspect = true
      a.xLimits = 0...Double(wc * panel.2)
      a.yLimits = 0...Double(hc * panel.2)
      a.title = panel.0
      a.image(panel.1, x0: 0, x1: Double(wc * panel.2), y0: 0, y1: Double(hc * panel.2))
      if panel.2 == 2 {
        for (i, p) in dpm.model.parts.enumerated() {
          let color = qualitativePalette[i % qualitativePalette.count]
          let (x0, y0) = (Double(p.anchorColumn), Double(p.anchorRow))
          a.rect(x1: x0 + 0.1, y1: y0 + 0.1, x2: x0 + Double(p.filter.columns + 1) - 0.1, y2: y0 + Double(p.filter.rows + 1) - 0.1, stroke: color, width: 1.5)
        }
      }
      templates.axes[k] = a
    }
    try context.figure("templates", caption: "Learned templates drawn as HOG glyphs, one glyph per cell of the \(wc) x \(hc)-cell window: the weights that vote for the class (positive) and against it (negative), as in Dalal and Triggs's figure 6; the DPM's root and its \(dpm.model.parts.count) parts at twice the resolution, each part's box at its anchor.", templates)

    // Detections on test scenes: root-only (top) and DPM (bottom).
    let shown = Array((0..<test.count).filter { !truth(test, $0, label: config.label).isEmpty }.prefix(3))
    var detections = Figure(width: 1000, height: 680, rows: 2, columns: max(shown.count, 1))
    for (row, (label, eval)) in [("HOG-SVM", rounds.last!.evaluation), ("DPM", dpm.evaluation)].enumerated() {
      for (k, i) in shown.enumerated() {
        var a = Axes.imagePanel(0...Double(test.spec.size), title: "\(label), test scene \(i)")
        a.image(ImageRasters.rgb(test.images, i))
        for g in truth(test, i, label: config.label) { a.box(g, stroke: .white, width: 2) }
        for d in eval.detections[i].prefix(4) where d.score > -0.5 {
          a.box(d.box, stroke: Color(hex: 0xF0E442), width: 1.5, style: .dashed)
          a.text(String(format: "%.2f", d.score), x: d.box.x1, y: d.box.y1 - 1, size: 9, color: Color(hex: 0xF0E442), vertical: .bottom)
        }
        detections.axes[row * shown.count + k] = a
      }
    }
    try context.figure("detections", caption: "Test scenes: the objects of the class (white) and the detections scoring above -0.5 after NMS (dashed, with scores; at most 4), for the mined HOG-SVM (top) and the DPM (bottom).", detections)

    // PR curves (VOC matching, IoU > 0.5).
    var pr = Figure(width: 680, height: 440)
    var a = Axes()
    a.title = "\(FashionMNIST.shortClassNames[config.label]): precision vs recall (VOC, IoU > 0.5)"
    a.xLabel = "recall"
    a.yLabel = "precision"
    a.xLimits = 0...1
    a.yLimits = 0...1.02
    a.legend = .lowerLeft
    for (k, r) in rounds.enumerated() where !r.evaluation.voc.recall.isEmpty {
      a.line(x: r.evaluation.voc.recall, y: r.evaluation.voc.precision, label: String(format: "round %d (AP %.3f)", k, r.evaluation.voc10), color: qualitativePalette[k % qualitativePalette.count])
    }
    if !dpm.evaluation.voc.recall.isEmpty {
      a.line(x: dpm.evaluation.voc.recall, y: dpm.evaluation.voc.precision, label: String(format: "DPM root + parts (AP %.3f)", dpm.evaluation.voc10), color: .black, width: 2.5, style: .dashed)
    }
    pr.axes[0] = a
    try context.figure("pr-curves", caption: "Precision against recall on the test scenes: the HOG-SVM after each round of hard-negative mining (round 0: random negatives only) and the DPM.", pr)
  }

  /// The parts' positive weights drawn at their anchors on the 2x grid of the root window.
  static func partsRaster(_ model: DeformablePartModel, config: Config) -> Raster {
    let (rows, columns) = (2 * config.windowCells.height, 2 * config.windowCells.width)
    var values = [Float](repeating: 0, count: rows * columns * 9)
    for p in model.parts {
      let cells = HOGGlyphs.cellWeights(p.filter)
      for r in 0..<cells.rows {
        for c in 0..<cells.columns {
          let (rr, cc) = (p.anchorRow + r, p.anchorColumn + c)
          guard rr < rows && cc < columns else { continue }
          for b in 0..<9 { values[(rr * columns + cc) * 9 + b] = max(values[(rr * columns + cc) * 9 + b], max(cells.values[(r * cells.columns + c) * 9 + b], 0)) }
        }
      }
    }
    return HOGGlyphs.raster(values, rows: rows, columns: columns, bins: 9, pixels: 12, scale: HOGGlyphs.percentile(values, 0.99))
  }
}
