// The deformable parts model of the chapter (Felzenszwalb et al., PAMI 2010,
// section 5): initialized from the mined root filter, trained by latent SVM.
// - Parts (section 5.2, phase 3): the root filter upsampled by 2 (nearest
//   block), `parts` square regions of `partBlocks` blocks chosen greedily
//   where its positive weights have the most energy (each choice zeroes its
//   region); a part starts as that region of the upsampled root, anchored
//   where it was taken, with deformation cost 0.1 (dx^2 + dy^2).
// - Latent SVM (section 4): each iteration (1) places every positive: the
//   best-scoring placement whose box overlaps the object by >= 0.5 (root
//   position and level and part positions are latent), (2) mines hard
//   negatives (the highest-scoring placements, IoU < 0.3 with the class) on the first
//   `miningScenes` training scenes with the current model into a bounded
//   cache, (3) retrains the SVM on the placements' feature vectors, keeping
//   the quadratic deformation costs >= 0.01 (DPM's lower bound).
// Same positives, same C as the root; the root-only detector is the mined
// Dalal-Triggs template itself.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Tensor

extension HOGDetector {
  struct DPMResult {
    var model: DeformablePartModel
    var initial: DeformablePartModel
    var evaluation: Evaluation
    var iterations: [(voc10: Double, positives: Int, negatives: Int)]
  }

  static func initialParts(_ root: RootModel, config: Config) -> DeformablePartModel {
    let (wb, hb) = config.templateBlocks
    let (rows, columns) = (2 * hb + 1, 2 * wb + 1)
    let p = config.dpm.partBlocks
    func block(_ i: Int, _ j: Int) -> ArraySlice<Float> {
      let k = (min(i / 2, hb - 1) * wb + min(j / 2, wb - 1)) * 36
      return root.filter.weights[k..<(k + 36)]
    }
    var energy = (0..<(rows * columns)).map { k in block(k / columns, k % columns).reduce(0) { $0 + max($1, 0) * max($1, 0) } }
    var parts: [DeformablePartModel.Part] = []
    for _ in 0..<config.dpm.parts {
      var best = (i: 0, j: 0, e: -Float.infinity)
      for i in 0...(rows - p) {
        for j in 0...(columns - p) {
          var e: Float = 0
          for a in 0..<p { for b in 0..<p { e += energy[(i + a) * columns + j + b] } }
          if e > best.e { best = (i, j, e) }
        }
      }
      var w: [Float] = []
      for a in 0..<p { for b in 0..<p { w += block(best.i + a, best.j + b); energy[(best.i + a) * columns + best.j + b] = 0 } }
      parts.append(DeformablePartModel.Part(filter: LinearFilter(rows: p, columns: p, length: 36, weights: w), anchorRow: best.i, anchorColumn: best.j, deformation: [0, 0.1, 0, 0.1]))
    }
    return DeformablePartModel(root: root.filter, parts: parts, bias: root.bias, partLevelOffset: config.perOctave)
  }

  /// Placements of the root levels, each with the box it predicts.
  static func dpmPlacements(_ model: DeformablePartModel, _ pyramid: FeaturePyramid, config: Config, inset: [Double]) -> [(placement: DeformablePartModel.Placement, box: Box)] {
    (0..<config.levels).flatMap { l in
      (model.placements(pyramid, level: l) ?? []).map { p in
        (p, predictedBox(pyramid.windowBox(level: l, row: p.row, column: p.column, widthCells: config.windowCells.width, heightCells: config.windowCells.height), inset: inset))
      }
    }
  }

  static func dpmDetect(_ model: DeformablePartModel, _ pyramid: FeaturePyramid, config: Config, inset: [Double]) -> [(box: Box, score: Float)] {
    let all = dpmPlacements(model, pyramid, config: config, inset: inset).sorted { $0.placement.score > $1.placement.score }.prefix(preNMS)
    return suppress(Array(all), box: { $0.box }, score: { $0.placement.score }, iou: config.nmsIoU, keep: keptPerImage).map { ($0.box, $0.placement.score) }
  }

  static func runDPM(
    root: RootModel, positives: Positives, train: FashionScenes, trainPyramids: [FeaturePyramid], test: FashionScenes, testPyramids: [FeaturePyramid],
    config: Config, in context: RunContext
  ) throws -> DPMResult {
    let scales = FeaturePyramid.scales(first: config.firstScale, perOctave: config.perOctave, count: config.levels + config.perOctave)
    let initial = initialParts(root, config: config)
    var model = initial
    let inset = positives.inset
    // The views (scene, mirrored) that hold positives, and their objects.
    var found: [(scene: Int, mirrored: Bool)] = []
    for o in positives.objects where !found.contains(where: { $0.scene == o.scene && $0.mirrored == o.mirrored }) { found.append((o.scene, o.mirrored)) }
    let views = found
    var cache: [(key: WindowRef, phi: [Float])] = []
    var iterations: [(voc10: Double, positives: Int, negatives: Int)] = []
    for it in 0..<config.dpm.latentIterations {
      let current = model
      // (1) Latent positives.
      let placed = context.timed("dpm positives \(it)") {
        parallelMap(views.count) { k -> [[Float]] in
          let v = views[k]
          let mine = positives.objects.filter { $0.scene == v.scene && $0.mirrored == v.mirrored }
          // Only the root levels next to each object's and their part levels are computed.
          var needed = Set<Int>()
          for o in mine { for l in max(o.level - 1, 0)...min(o.level + 1, config.levels - 1) { needed.insert(l); needed.insert(l + config.perOctave) } }
          let pyramid = FeaturePyramid(image: image(train, v.scene, mirrored: v.mirrored), scales: scales, reusing: v.mirrored ? nil : trainPyramids[v.scene], only: needed)
          let all = dpmPlacements(current, pyramid, config: config, inset: inset)
          return mine.compactMap { o in
            all.filter { $0.box.intersectionOverUnion(with: o.box) >= 0.5 }.max { $0.placement.score < $1.placement.score }.map { current.features(pyramid, $0.placement) }
          }
        }.flatMap { $0 }
      }
      // (2) Hard negatives with the current model.
      let hard = context.timed("dpm mining \(it)") {
        parallelMap(min(config.dpm.miningScenes, train.count)) { i -> [(key: WindowRef, phi: [Float])] in
          let pyramid = FeaturePyramid(image: image(train, i), scales: scales, reusing: trainPyramids[i])
          let boxes = truth(train, i, label: config.label)
          return dpmPlacements(current, pyramid, config: config, inset: inset)
            .filter { w in boxes.allSatisfy { $0.intersectionOverUnion(with: w.box) < 0.3 } }
            .sorted { $0.placement.score > $1.placement.score }
            .prefix(config.hardPerScene)
            .map { (WindowRef(scene: i, mirrored: false, level: $0.placement.level, row: $0.placement.row, column: $0.placement.column), current.features(pyramid, $0.placement)) }
        }.flatMap { $0 }
      }
      var seen = Set(cache.map(\.key))
      for h in hard where seen.insert(h.key).inserted { cache.append(h) }
      if cache.count > config.dpm.cacheSize {
        let w = current.vector
        let scores = cache.map { c in zip(w, c.phi).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        let order = cache.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        cache = order.prefix(config.dpm.cacheSize).sorted().map { cache[$0] }
      }
      // (3) The SVM on the placements.
      let d = model.dimension
      let x = (placed + cache.map(\.phi)).flatMap { $0 }
      let labels = [Float](repeating: 1, count: placed.count) + [Float](repeating: -1, count: cache.count)
      let t = context.timed("dpm svm \(it)") { LinearSVM.train(x, labels: labels, dimension: d, options: .init(c: config.c, positiveWeight: config.positiveWeight)) }
      model = model.with(vector: t.model.weights, bias: t.model.bias)
      iterations.append((0, placed.count, cache.count))
    }
    // Test: the same scenes as the root-only detector; time per image.
    let trained = model
    let detections = context.timed("dpm test") {
      parallelMap(test.count) { i -> [(box: Box, score: Float)] in
        let pyramid = FeaturePyramid(image: image(test, i), scales: scales, reusing: testPyramids[i])
        return dpmDetect(trained, pyramid, config: config, inset: inset)
      }
    }
    // Time per image, pyramid included (one thread of work per scene, as for the root).
    let timed = min(test.count, 10)
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<timed { _ = dpmDetect(trained, FeaturePyramid(image: image(test, i), scales: scales), config: config, inset: inset) }
    context.measure("dpm.msPerImage", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(timed), unit: "ms", format: ".1f")
    let evaluation = evaluate(detections, test, config: config)
    context.record("dpm.parts", config.dpm.parts)
    context.record("dpm.weights", model.dimension)
    context.record("dpm.voc07", evaluation.voc07)
    context.record("dpm.voc10", evaluation.voc10)
    context.record("dpm.cocoAP", evaluation.coco.ap)
    context.record("dpm.cocoAP50", evaluation.coco.ap50)
    context.record("dpm.positives", iterations.last?.positives ?? 0)
    context.record("dpm.negatives", iterations.last?.negatives ?? 0)
    let meanQuadratic = model.parts.map { Double($0.deformation[1] + $0.deformation[3]) / 2 }.reduce(0, +) / Double(max(model.parts.count, 1))
    context.record("dpm.meanQuadraticCost", meanQuadratic, format: ".3f")
    return DPMResult(model: model, initial: initial, evaluation: evaluation, iterations: iterations)
  }
}
