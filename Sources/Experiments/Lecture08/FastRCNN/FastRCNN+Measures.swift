// The numbers of the fast-rcnn chapter besides mAP: the sampled minibatch
// regions, the loss curves' start and end, AP per class, test time per image
// (proposals, conv pass, RoI head; and, for scale, R-CNN's way: the whole
// classifier once per warped proposal), and the head's gradient check
// through RoI pooling on a real map.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Tensor

extension FastRCNNExperiment {
  /// One minibatch's regions of each scene (as training draws them), with counts recorded.
  static func sampledRegions(_ scenes: FashionScenes, _ proposals: [[Box]], _ model: FastRCNNConfig, context: RunContext) -> [[RegionSampler.Region]] {
    var rng = context.rng.derived("figure.sampling")
    let sampler = RegionSampler(regionsPerImage: model.regionsPerImage, foregroundFraction: model.foregroundFraction)
    let regions = scenes.objects.indices.map { i in sampler.sample(proposals: proposals[i], truth: scenes.objects[i], using: &rng) }
    // Candidates per class of region (IoU with the best-matching object), over these scenes.
    var fg = 0, bg = 0, ignored = 0
    for i in scenes.objects.indices {
      let boxes = sampler.candidates(proposals[i], scenes.objects[i])
      for m in bestMatches(boxes, scenes.objects[i].map(\.box)) {
        if m.index >= 0 && m.iou >= 0.5 { fg += 1 } else if m.iou >= 0.1 { bg += 1 } else { ignored += 1 }
      }
    }
    let n = Double(max(scenes.count, 1))
    context.record("sampling.scenes", scenes.count)
    context.record("sampling.foregroundCandidates", Double(fg) / n, format: ".1f")
    context.record("sampling.backgroundCandidates", Double(bg) / n, format: ".1f")
    context.record("sampling.ignoredCandidates", Double(ignored) / n, format: ".1f")
    let sampledFg = regions.joined().filter { $0.label > 0 }.count
    context.record("sampling.foregroundFraction", Double(sampledFg) / Double(max(regions.joined().count, 1)), format: ".3f")
    return regions
  }

  /// Mean class and box loss over the first and last tenth of the training steps.
  static func curves(_ history: FastRCNNHistory, key: String, context: RunContext) {
    let n = history.classLoss.count
    let tenth = max(n / 10, 1)
    func mean(_ xs: ArraySlice<Float>) -> Double { xs.isEmpty ? 0 : xs.map(Double.init).reduce(0, +) / Double(xs.count) }
    context.record("loss.cls.first.\(key)", mean(history.classLoss.prefix(tenth)), format: ".3f")
    context.record("loss.cls.last.\(key)", mean(history.classLoss.suffix(tenth)), format: ".3f")
    context.record("loss.box.first.\(key)", mean(history.boxLoss.prefix(tenth)), format: ".3f")
    context.record("loss.box.last.\(key)", mean(history.boxLoss.suffix(tenth)), format: ".3f")
    let fg = history.foreground.reduce(0, +), all = history.regions.reduce(0, +)
    context.record("train.foregroundFraction.\(key)", Double(fg) / Double(max(all, 1)), format: ".3f")
  }

  static func perClassTable(_ tuned: SceneDetectionScores, _ frozen: SceneDetectionScores, context: RunContext) {
    var rows: [[JSONValue]] = []
    for (a, b) in zip(tuned.voc.classes, frozen.voc.classes) {
      guard let ta = a.ap07, let fa = b.ap07 else { continue }
      rows.append([.string(FashionMNIST.shortClassNames[a.categoryId - 1]), .number(Double(a.positives)), .number(100 * ta), .number(100 * fa)])
    }
    rows.append([.string("mean (mAP)"), .number(Double(tuned.voc.classes.map(\.positives).reduce(0, +))), .number(100 * tuned.map07), .number(100 * frozen.map07)])
    context.table("perClass", caption: "VOC 2007 11-point AP (%) per class on the test scenes, same proposals for both networks.",
                  columns: ["class", "objects", "AP, conv fine-tuned", "AP, conv frozen"], formats: ["", ".0f", ".1f", ".1f"], rows: rows)
  }

  /// Best of `repeats` wall-clock milliseconds of `body`.
  static func milliseconds(_ repeats: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<max(repeats, 1) {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return best
  }

  /// Test time per image, in parts; and R-CNN's per-region pass on a few scenes for comparison.
  static func timing(_ net: FastRCNNNetwork, _ test: FashionScenes, _ proposals: [[Box]], proposalSeconds: Double, repeats: Int, context: RunContext) throws {
    let n = Double(max(test.count, 1))
    var map = Tensor(zeros: [0])
    let conv = milliseconds(repeats) { map = net.features(test.images) } / n
    let head = milliseconds(repeats) { _ = net.detect(features: map, proposals: proposals, imageSize: Double(test.spec.size)) } / n
    let perProposal = 1000 * proposalSeconds / n
    context.measure("time.test.conv", conv, unit: "ms", format: ".2f")
    context.measure("time.test.head", head, unit: "ms", format: ".2f")
    context.measure("time.test.proposals", perProposal, unit: "ms", format: ".1f")
    context.measure("time.test.network", conv + head, unit: "ms", format: ".2f")
    // R-CNN's order for the same regions: warp each proposal to 48 px (bilinear, as RoI Align
    // with a 48 x 48 grid on the image itself) and run the whole classifier on it.
    let classifier = try context.model(SceneClassifier(profile: context.profile)).network
    let chain = classifier.classificationNetwork
    let shown = min(4, test.count)
    let warp = RoIAlign(outputHeight: LocalizationNetwork.inputSize, outputWidth: LocalizationNetwork.inputSize, spatialScale: 1, samplingRatio: 2, aligned: true)
    let perRegion = milliseconds(repeats) {
      for i in 0..<shown {
        let rois = proposals[i].map { RegionOfInterest(batchIndex: 0, x1: Float($0.x1), y1: Float($0.y1), x2: Float($0.x2), y2: Float($0.y2)) }
        guard !rois.isEmpty else { continue }
        let crops = warp.forward(test.images.slice(i..<i + 1), rois: rois).output  // (K, 3, 48, 48)
        for start in stride(from: 0, to: rois.count, by: 64) {
          _ = chain.forward(LocalizationNetwork.normalized(crops.slice(start..<min(start + 64, rois.count))), mode: .test)
        }
      }
    } / Double(max(shown, 1))
    context.measure("time.test.perRegionNetwork", perRegion, unit: "ms", format: ".1f")
    context.measure("time.test.sharedSpeedup", perRegion / max(conv + head, 1e-9), unit: "x", format: ".1f")
  }

  /// The head's backward pass on a real map (conv3 before its ReLU) and the regions of one scene, away
  /// from max pooling's kinks: flat background gives exactly equal conv outputs, and a maximum over equal
  /// values has no derivative, so only map coordinates that differ by more than `margin` from every other
  /// value of each pooling window they are in are perturbed (the cs231n rule: no inputs near a kink).
  /// Centered differences of <c, (scores, offsets)> at the `samples` such coordinates with the largest
  /// gradients, and the dot-product test along a random direction over all of them at once.
  static func gradientCheck(_ net: FastRCNNNetwork, _ test: FashionScenes, _ proposals: [[Box]], samples: Int, context: RunContext) {
    let upToBN = Sequential(Array(net.trunk.layers.prefix { $0.name != "relu3" }))
    let map = upToBN.forward(LocalizationNetwork.normalized(test.images.slice(0..<1)), mode: .test)  // (1, 64, 28, 28)
    var rng = context.rng.derived("gradient-check")
    let sampler = RegionSampler(regionsPerImage: 16)
    let regions = sampler.sample(proposals: proposals[0], truth: test.objects[0], coder: net.head.coder, normalization: net.head.normalization, using: &rng)
    let rois = regions.map { FastRCNNHead.region($0.box, image: 0) }
    let head = net.head
    let (channels, height, width) = (map.shape[1], map.shape[2], map.shape[3])
    let h: Float = 1e-2, margin: Float = 0.05
    // Coordinates away from every window's kink.
    var safe = [Bool](repeating: true, count: map.count)
    for r in rois {
      for w in head.pool.windows(r, height: height, width: width) where !w.isEmpty {
        for c in 0..<channels {
          let cells = (w.y0..<w.y1).flatMap { y in (w.x0..<w.x1).map { x in (c * height + y) * width + x } }
          let values = cells.map { map.scalars[$0] }
          for (k, i) in cells.enumerated() {
            let others = values.enumerated().filter { $0.offset != k }.map(\.element).max() ?? -Float.infinity
            if abs(values[k] - others) < margin { safe[i] = false }
          }
        }
      }
    }
    let k = rois.count, classes = FastRCNNHead.classes
    let outputs = k * (5 * classes + 1)
    let projection = Tensor.randomNormal(shape: [outputs], std: 1, using: &rng)
    func project(_ x: Tensor) -> Double {
      let o = head.forward(features: x, rois: rois)
      return Tensor(shape: [outputs], scalars: o.logits.scalars + o.deltas.scalars).dot(projection)
    }
    let cache = head.forward(features: map, rois: rois).cache
    let analytic = head.backward(
      dLogits: Tensor(shape: [k, classes + 1], scalars: Array(projection.scalars[0..<k * (classes + 1)])),
      dDeltas: Tensor(shape: [k, 4 * classes], scalars: Array(projection.scalars[(k * (classes + 1))...])), cache: cache)
    let candidates = map.scalars.indices.filter { safe[$0] && analytic.scalars[$0] != 0 }
    let largest = candidates.sorted { abs(analytic.scalars[$0]) > abs(analytic.scalars[$1]) }.prefix(samples)
    var worst = 0.0
    for i in largest {
      var plus = map, minus = map
      plus.scalars[i] += h
      minus.scalars[i] -= h
      let numeric = (project(plus) - project(minus)) / (2 * Double(h))
      let a = Double(analytic.scalars[i])
      worst = max(worst, abs(numeric - a) / max(abs(numeric) + abs(a), 1e-12))
    }
    // Dot-product test: the map moves along a random direction on the safe coordinates only.
    let direction = Tensor(shape: map.shape, scalars: (0..<map.count).map { safe[$0] ? Float(rng.nextGaussian()) : 0 })
    var plus = map, minus = map
    plus.add(direction, scaledBy: h)
    minus.add(direction, scaledBy: -h)
    let along = (project(plus) - project(minus)) / (2 * Double(h))
    let dot = analytic.dot(direction)
    head.layers.zeroGrad()
    let touched = analytic.scalars.filter { $0 != 0 }.count
    context.record("grad.rois", k)
    context.record("grad.safeFraction", Double(candidates.count) / Double(max(touched, 1)), format: ".2f")
    context.record("grad.coordinates", largest.count)
    context.record("grad.worst", worst, format: ".1e")
    context.record("grad.vjp", abs(along - dot) / max(abs(along) + abs(dot), 1e-12), format: ".1e")
  }
}
