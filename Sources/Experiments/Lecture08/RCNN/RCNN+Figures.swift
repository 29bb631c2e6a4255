// The figures of the rcnn chapter: warped training regions with their
// context padding, detections before and after box regression, per-class AP.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

extension RCNNPipeline {
  static func figures(
    _ context: RunContext, _ net: RCNNNetwork, rc: RCNNConfig, test: FashionScenes, detections: [String: [[ScoredDetection]]],
    perClass: [String: [Double]], labels: [(key: String, label: String)], drawPerObject: Int
  ) throws {
    // Warped regions of the first training scenes: foreground (IoU >= 0.5) and background.
    let train = try DetectionSuite.trainScenes(count: 12, context: context)
    let proposals = DetectionSuite.proposals(train, split: .train, keep: rc.suite.proposalsPerScene, context: context)
    let regions = RCNNRegions.make(train, proposals: proposals, includeGroundTruth: false)
    var rng = context.rng.derived("warp-figure")
    func pick(_ pool: [Int], _ count: Int) -> [Int] {
      var p = pool
      for k in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(k, rng.nextInt(below: k + 1)) }
      return Array(p.prefix(count))
    }
    // One foreground region per scene first, so the row shows several classes.
    var foreground: [Int] = []
    for s in 0..<train.count where foreground.count < 6 {
      if let i = regions.indices.first(where: { regions[$0].scene == s && regions[$0].bestIoU >= rc.foregroundIoU }) { foreground.append(i) }
    }
    let background = pick(regions.indices.filter { regions[$0].bestIoU < rc.foregroundIoU }, 6)
    let chosen = foreground + background
    let warps = ProposalWarp.warp(train.images, regions: chosen.map { (regions[$0].scene, regions[$0].box) }, size: rc.warpSize, padding: rc.padding)
    var figure = Figure(width: 1080, height: 420, rows: 2, columns: 6)
    let s = Double(rc.warpSize), p = rc.padding
    for (k, i) in chosen.enumerated() {
      let r = regions[i]
      let label = r.label(objects: train.objects, threshold: rc.foregroundIoU)
      let name = label == RCNNNetwork.background ? "background" : FashionMNIST.shortClassNames[label]
      var ax = Axes.imagePanel(0...s, title: "\(name), IoU \(String(format: "%.2f", r.bestIoU))")
      ax.image(ImageRasters.rgb(warps, k))
      ax.rect(x1: p, y1: p, x2: s - p, y2: s - p, stroke: Color(hex: 0xE69F00), width: 1.5, style: .dashed)
      figure.axes[k] = ax
    }
    try context.figure(
      "warped", caption: "Training regions warped to \(rc.warpSize) x \(rc.warpSize) px (bilinear, aspect ratio not kept). Top: foreground proposals (IoU >= \(rc.foregroundIoU) with a ground truth, labelled with its class); bottom: background. The dashed frame is the proposal itself; the \(Int(p)) px outside it are the context padding (R-CNN: 16 px at 227 px).",
      figure)

    // Detections on test scenes, before and after box regression.
    let sceneIndices = Array(0..<min(3, test.count))
    var detectionFigure = Figure(width: 1080, height: 740, rows: 2, columns: 3)
    let side = Double(test.spec.size)
    for (row, key) in ["softmax", "softmaxBBox"].enumerated() {
      for (col, i) in sceneIndices.enumerated() {
        var ax = Axes.imagePanel(0...side, title: row == 0 ? "scene \(i + 1): proposal boxes" : "scene \(i + 1): box regression")
        ax.image(ImageRasters.rgb(test.images, i))
        for o in test.objects[i] { ax.box(o.box, stroke: .white, width: 1.2, style: .dashed) }
        for d in detections[key]![i].prefix(drawPerObject * test.objects[i].count) {
          ax.box(d.box, stroke: qualitativePalette[d.label % qualitativePalette.count], width: 2, tag: "\(FashionMNIST.shortClassNames[d.label]) \(String(format: "%.2f", d.score))")
        }
        detectionFigure.axes[row * 3 + col] = ax
      }
    }
    try context.figure(
      "detections", caption: "The best-scoring detections of three test scenes (as many as the scene has objects, times \(drawPerObject)), scored by the fine-tuned softmax (the better classifier here, see the table) after per-class NMS (IoU 0.3); dashed white: ground truth. Top: the proposals' own boxes; bottom: the same detections moved by each class's box regressor.",
      detectionFigure)

    // Per-class AP bars.
    var bars = Figure(width: 1080, height: 420)
    var ax = Axes()
    ax.title = "VOC 2007 AP per class on the \(test.count) test scenes"
    ax.yLabel = "AP (11-point)"
    ax.yLimits = 0...1
    ax.xTicks = FashionMNIST.shortClassNames.enumerated().map { (Double($0), $1) }
    ax.groupedBars(labels.map { (label: $0.label, heights: perClass[$0.key]!) })
    ax.legend = .upperLeft
    bars.axes[0] = ax
    try context.figure("ap-per-class", caption: "Average precision per class: SVM or softmax scores, without and with box regression.", bars)
  }
}
