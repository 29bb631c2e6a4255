// The figures of the fast-rcnn chapter: a minibatch's regions on a training
// scene, the two loss curves of both networks, detections on test scenes,
// and AP per class of the fine-tuned and the frozen network.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

extension FastRCNNExperiment {
  static let foregroundColor = Color(hex: 0x009E73)
  static let backgroundColor = Color(hex: 0xD55E00)
  static let tunedColor = Color(hex: 0x0072B2)
  static let frozenColor = Color(hex: 0xE69F00)

  /// Running mean over `window` steps (the curves are per minibatch and noisy).
  static func smoothed(_ xs: [Float], window: Int) -> [Double] {
    var out: [Double] = [], sum = 0.0
    for (i, x) in xs.enumerated() {
      sum += Double(x)
      if i >= window { sum -= Double(xs[i - window]) }
      out.append(sum / Double(min(i + 1, window)))
    }
    return out
  }

  static func figures(
    _ context: RunContext, config: Config, train: FashionScenes, sampled: [[RegionSampler.Region]], tuned: FastRCNNHistory, frozen: FastRCNNHistory,
    test: FashionScenes, tunedResult: (detections: [[ScoredDetection]], scores: SceneDetectionScores),
    frozenResult: (detections: [[ScoredDetection]], scores: SceneDetectionScores)
  ) throws {
    let side = Double(train.spec.size)
    // A minibatch's regions on the training scene with the most objects.
    let k = train.objects.indices.max { train.objects[$0].count < train.objects[$1].count } ?? 0
    let regions = sampled[k]
    let fg = regions.filter { $0.label > 0 }, bg = regions.filter { $0.label == 0 }
    var rois = Figure(width: 1000, height: 390, rows: 1, columns: 3)
    var a = Axes.imagePanel(0...side, title: "training scene: \(train.objects[k].count) objects")
    a.image(ImageRasters.rgb(train.images, k))
    for o in train.objects[k] { a.box(o, stroke: .white, width: 2, named: true) }
    rois.axes[0] = a
    a = Axes.imagePanel(0...side, title: "\(fg.count) foreground (IoU >= 0.5)")
    a.image(ImageRasters.rgb(train.images, k))
    for r in fg { a.box(r.box, stroke: foregroundColor, width: 1.2) }
    rois.axes[1] = a
    a = Axes.imagePanel(0...side, title: "\(bg.count) background (IoU in [0.1, 0.5))")
    a.image(ImageRasters.rgb(train.images, k))
    for r in bg { a.box(r.box, stroke: backgroundColor, width: 1, style: .dashed) }
    rois.axes[2] = a
    try context.figure(
      "sampled-rois",
      caption: "One training scene's share of a minibatch (\(regions.count) regions drawn from its Selective Search proposals and ground-truth boxes): foreground regions overlap an object with IoU >= 0.5 and learn its class and box; background regions overlap one with IoU in [0.1, 0.5) and learn class 0.",
      rois)

    // Loss curves.
    let window = max(tuned.classLoss.count / 30, 1)
    var curves = Figure(width: 1000, height: 400, rows: 1, columns: 2)
    for (p, (title, pick)) in [("classification loss (softmax)", \FastRCNNHistory.classLoss), ("box loss (smooth L1, foreground)", \FastRCNNHistory.boxLoss)].enumerated() {
      var c = Axes()
      c.title = title
      c.xLabel = "minibatch (2 scenes x \(config.regionsPerImage) regions)"
      c.yLabel = "loss"
      c.legend = .upperRight
      for (h, label, color) in [(tuned, "conv2 and up trained", tunedColor), (frozen, "conv frozen", frozenColor)] {
        let ys = smoothed(h[keyPath: pick], window: window)
        c.line(x: ys.indices.map { Double($0 + 1) }, y: ys, label: label, color: color)
      }
      c.yLimits = 0...(max(smoothed(tuned[keyPath: pick], window: window).max() ?? 1, smoothed(frozen[keyPath: pick], window: window).max() ?? 1) * 1.08)
      curves.axes[p] = c
    }
    try context.figure(
      "training-curves",
      caption: "The two terms of the multi-task loss during training, per minibatch (running mean over \(window) minibatches): with the conv layers trained through RoI pooling and with them frozen.",
      curves)

    // Detections on test scenes.
    let shown = Array(test.objects.indices.sorted { test.objects[$0].count > test.objects[$1].count }.prefix(config.figureScenes)).sorted()
    var dets = Figure(width: 1000, height: 560, rows: 2, columns: max(shown.count, 1))
    for (row, (label, found)) in [("fine-tuned", tunedResult.detections), ("frozen", frozenResult.detections)].enumerated() {
      for (col, i) in shown.enumerated() {
        var d = Axes.imagePanel(0...Double(test.spec.size), title: "\(label), test scene \(i)")
        d.image(ImageRasters.rgb(test.images, i))
        for o in test.objects[i] { d.box(o.box, stroke: .white, width: 2) }
        for f in found[i] where f.score >= 0.5 {
          d.box(f.box, stroke: row == 0 ? tunedColor : frozenColor, width: 1.5, style: .dashed,
                tag: "\(FashionMNIST.shortClassNames[f.label]) \(String(format: "%.2f", f.score))")
        }
        dets.axes[row * shown.count + col] = d
      }
    }
    try context.figure(
      "detections",
      caption: "Test scenes: the objects (white) and the detections scoring 0.5 or more after per-class NMS at 0.3 (dashed, tagged with class and score), for the network fine-tuned through RoI pooling (top) and the one with frozen conv layers (bottom).",
      dets)

    // AP per class, both networks.
    let pairs = zip(tunedResult.scores.voc.classes, frozenResult.scores.voc.classes).compactMap { a, b -> (String, Double, Double)? in
      guard let x = a.ap07, let y = b.ap07 else { return nil }
      return (FashionMNIST.shortClassNames[a.categoryId - 1], 100 * x, 100 * y)
    } + [("mAP", 100 * tunedResult.scores.map07, 100 * frozenResult.scores.map07)]
    var bars = Figure(width: 1000, height: 400)
    var b = Axes()
    b.title = "VOC 2007 AP per class: conv layers fine-tuned vs frozen"
    b.yLabel = "AP (%)"
    b.yLimits = 0...105
    b.legend = .outside
    b.groupedBars([("conv2 and up trained", pairs.map(\.1)), ("conv frozen", pairs.map(\.2))])
    b.xTicks = pairs.enumerated().map { (Double($0.offset), $0.element.0) }
    bars.axes[0] = b
    try context.figure(
      "map",
      caption: "VOC 2007 11-point AP per class and the mean (rightmost) on the \(test.count) test scenes, with the same proposals: the paper's \"which layers to fine-tune?\" at our scale.",
      bars)
  }
}
