// Training and testing the rigid HOG template (Dalal and Triggs 2005):
// positives placed on the pyramid, random negatives, hard-negative mining
// into a bounded cache, the SVM, and evaluation with VOC and COCO AP.
import Datasets
import Detection
import Foundation
import Tensor

extension HOGDetector {
  struct Positives {
    var features: [[Float]]
    /// The object each positive came from: scene, mirrored, box.
    var objects: [(scene: Int, mirrored: Bool, box: Box, level: Int)]
    /// Mean inset of the objects in their windows (left, top, right, bottom, fractions of the window).
    var inset: [Double]
    var meanIoU: Double
  }

  struct Negative: Sendable {
    var ref: WindowRef
    var features: [Float]
  }

  struct Evaluation {
    var voc07: Double, voc10: Double
    var coco: COCOSummary
    var voc: VOCClassResult
    /// Detections per test scene after NMS.
    var detections: [[(box: Box, score: Float)]]
  }

  /// Prior inset of a trouser (aspect 0.4, 7/8 of the window's height) before the positives refine it.
  static let priorInset = [0.15, 0.0625, 0.15, 0.0625]

  static func collectPositives(_ train: FashionScenes, pyramids cached: [FeaturePyramid], config: Config, scales: [Double]) -> Positives {
    let withObject = (0..<train.count).filter { !truth(train, $0, label: config.label).isEmpty }
    let views = withObject.flatMap { [($0, false), ($0, true)] }
    let pyramids = parallelMap(views.count) { k in views[k].1 ? FeaturePyramid(image: image(train, views[k].0, mirrored: true), scales: scales) : cached[views[k].0] }
    var inset = priorInset
    var result = Positives(features: [], objects: [], inset: inset, meanIoU: 0)
    // Two passes: place with the prior inset, learn the mean inset, place again.
    for pass in 0..<2 {
      result = Positives(features: [], objects: [], inset: inset, meanIoU: 0)
      var insets = [Double](repeating: 0, count: 4)
      for (k, view) in views.enumerated() {
        let boxes = truth(train, view.0, label: config.label, mirrored: view.1)
        let best = bestWindows(pyramids[k], boxes: boxes, config: config, inset: inset, levels: 0..<config.levels)
        for (g, b) in zip(boxes, best) where b.iou >= 0.5 {
          let w = pyramids[k].windowBox(level: b.level, row: b.row, column: b.column, widthCells: config.windowCells.width, heightCells: config.windowCells.height)
          result.features.append(pyramids[k].levels[b.level].features.window(row: b.row, column: b.column, height: config.templateBlocks.height, width: config.templateBlocks.width))
          result.objects.append((view.0, view.1, g, b.level))
          result.meanIoU += b.iou
          let (ww, wh) = (w.width(), w.height())
          insets[0] += (g.x1 - w.x1) / ww; insets[1] += (g.y1 - w.y1) / wh
          insets[2] += (w.x2 - g.x2) / ww; insets[3] += (w.y2 - g.y2) / wh
        }
      }
      let n = Double(max(result.features.count, 1))
      result.meanIoU /= n
      if pass == 0 { inset = insets.map { $0 / n } }
    }
    return result
  }

  /// `perScene` random windows of each training scene that overlap no object of the class (IoU < 0.3).
  static func randomNegatives(_ train: FashionScenes, pyramids: [FeaturePyramid], config: Config, inset: [Double], seed: SplitMix64) -> [Negative] {
    let (wb, hb) = config.templateBlocks
    return parallelMap(train.count) { i -> [Negative] in
      var rng = seed.derived("scene \(i)")
      let pyramid = pyramids[i]
      let boxes = truth(train, i, label: config.label)
      var out: [Negative] = []
      for _ in 0..<(config.randomNegativesPerScene * 4) where out.count < config.randomNegativesPerScene {
        let l = rng.nextInt(below: pyramid.levels.count)
        let map = pyramid.levels[l].features
        guard map.rows >= hb && map.columns >= wb else { continue }
        let (r, c) = (rng.nextInt(below: map.rows - hb + 1), rng.nextInt(below: map.columns - wb + 1))
        let box = predictedBox(pyramid.windowBox(level: l, row: r, column: c, widthCells: config.windowCells.width, heightCells: config.windowCells.height), inset: inset)
        guard boxes.allSatisfy({ $0.intersectionOverUnion(with: box) < 0.3 }) else { continue }
        out.append(Negative(ref: WindowRef(scene: i, mirrored: false, level: l, row: r, column: c), features: map.window(row: r, column: c, height: hb, width: wb)))
      }
      return out
    }.flatMap { $0 }
  }

  /// The linear SVM on positives (+1) and negatives (-1).
  static func trainRoot(_ positives: [[Float]], _ negatives: [[Float]], config: Config) -> RootModel {
    let d = positives[0].count
    let x = (positives + negatives).flatMap { $0 }
    let labels = [Float](repeating: 1, count: positives.count) + [Float](repeating: -1, count: negatives.count)
    let t = LinearSVM.train(x, labels: labels, dimension: d, options: .init(c: config.c, positiveWeight: config.positiveWeight))
    let (wb, hb) = config.templateBlocks
    return RootModel(filter: LinearFilter(rows: hb, columns: wb, length: 36, weights: t.model.weights), bias: t.model.bias)
  }

  // snippet.mining
  /// Windows of every training scene scoring above -1 (the margin) that overlap no object of the class; the hardest per scene.
  static func mineHardNegatives(_ model: RootModel, _ train: FashionScenes, pyramids: [FeaturePyramid], config: Config, inset: [Double]) -> [Negative] {
    let (wb, hb) = config.templateBlocks
    return parallelMap(train.count) { i -> [Negative] in
      let pyramid = pyramids[i]
      let boxes = truth(train, i, label: config.label)
      let scored = scoreWindows(pyramid, template: model.filter, bias: model.bias, threshold: -1, config: config, inset: inset, scene: i)
        .filter { w in boxes.allSatisfy { $0.intersectionOverUnion(with: w.box) < 0.3 } }
        .sorted { $0.score > $1.score }
      return scored.prefix(config.hardPerScene).map { w in
        Negative(ref: w.ref, features: pyramid.levels[w.ref.level].features.window(row: w.ref.row, column: w.ref.column, height: hb, width: wb))
      }
    }.flatMap { $0 }
  }
  // snippet.end

  /// The cache plus the new hard negatives (no window twice); over `size`, the hardest under `model` stay.
  static func mergeCache(_ cache: [Negative], _ hard: [Negative], model: RootModel, size: Int) -> [Negative] {
    var seen = Set(cache.map(\.ref))
    var merged = cache
    for h in hard where seen.insert(h.ref).inserted { merged.append(h) }
    guard merged.count > size else { return merged }
    let scores = merged.map { n in n.features.withUnsafeBufferPointer { dot(model.filter.weights, $0) } }
    let order = merged.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    return order.prefix(size).sorted().map { merged[$0] }
  }

  static func dot(_ w: [Float], _ x: UnsafeBufferPointer<Float>) -> Float {
    w.withUnsafeBufferPointer { Detection.dot($0.baseAddress!, x.baseAddress!, w.count) }
  }

  /// Windows per image that NMS sees (the best-scoring ones), and detections kept after it.
  static let preNMS = 400
  static let keptPerImage = 50

  /// Detections of one pyramid after NMS.
  static func detect(_ model: RootModel, _ pyramid: FeaturePyramid, config: Config, inset: [Double]) -> [(box: Box, score: Float)] {
    // Every window of the root levels; the best `preNMS` go to NMS.
    let windows = scoreWindows(pyramid, template: model.filter, bias: model.bias, threshold: -.infinity, config: config, inset: inset, scene: 0)
      .sorted { $0.score > $1.score }.prefix(preNMS)
    return suppress(Array(windows), box: { $0.box }, score: { $0.score }, iou: config.nmsIoU, keep: keptPerImage).map { ($0.box, $0.score) }
  }

  /// VOC and COCO AP of per-scene detections against the class's objects.
  static func evaluate(_ detections: [[(box: Box, score: Float)]], _ test: FashionScenes, config: Config) -> Evaluation {
    var objects: [GroundTruthObject] = []
    var found: [DetectedObject] = []
    for i in 0..<test.count {
      for g in truth(test, i, label: config.label) {
        objects.append(GroundTruthObject(id: objects.count + 1, imageId: i + 1, categoryId: 1, bbox: COCOBox(x: g.x1, y: g.y1, width: g.width(), height: g.height())))
      }
      for d in detections[i] {
        found.append(DetectedObject(imageId: i + 1, categoryId: 1, bbox: COCOBox(x: d.box.x1, y: d.box.y1, width: d.box.width(), height: d.box.height()), score: Double(d.score)))
      }
    }
    let data = DetectionDataset(imageIds: Array(1...test.count), categories: [Category(id: 1, name: FashionMNIST.shortClassNames[config.label])], objects: objects)
    let voc = VOCEvaluation.evaluate(data, detections: found)
    let coco = COCOEvaluation.evaluate(data, detections: found)
    return Evaluation(voc07: voc.map07, voc10: voc.map10, coco: coco.summary, voc: voc.classes[0], detections: detections)
  }

  static func evaluate(_ model: RootModel, _ test: FashionScenes, pyramids: [FeaturePyramid], config: Config, inset: [Double]) -> Evaluation {
    evaluate(parallelMap(test.count) { i in detect(model, pyramids[i], config: config, inset: inset) }, test, config: config)
  }
}
