// The windows of the HOG detector: pyramids of the scenes, positives placed
// on the pyramid, random and hard negatives, dense scoring, NMS.
// (Dalal and Triggs 2005, sections 4 and 7; their "exhaustive search of the
// negative images for hard examples".)
import Datasets
import Detection
import Foundation
import Tensor

extension HOGDetector {
  /// One window of one scene: pyramid level and top-left block.
  struct WindowRef: Hashable, Sendable {
    var scene: Int, mirrored: Bool, level: Int, row: Int, column: Int
  }

  /// Scene `i` (optionally mirrored left-right) as a (1, 3, S, S) tensor.
  static func image(_ scenes: FashionScenes, _ i: Int, mirrored: Bool = false) -> Tensor {
    let s = scenes.spec.size
    let plane = 3 * s * s
    var pixels = Array(scenes.images.scalars[(i * plane)..<((i + 1) * plane)])
    if mirrored {
      for c in 0..<3 { for y in 0..<s {
        let row = (c * s + y) * s
        pixels[row..<(row + s)].reverse()
      } }
    }
    return Tensor(shape: [1, 3, s, s], scalars: pixels)
  }

  /// The class's boxes of scene `i`, mirrored when asked.
  static func truth(_ scenes: FashionScenes, _ i: Int, label: Int, mirrored: Bool = false) -> [Box] {
    let s = Double(scenes.spec.size)
    return scenes.objects[i].filter { $0.label == label }.map { o in
      mirrored ? Box(x1: s - o.box.x2, y1: o.box.y1, x2: s - o.box.x1, y2: o.box.y2) : o.box
    }
  }

  /// The object box a window predicts: the window shrunk by the mean inset of the training positives (fractions of the window).
  static func predictedBox(_ window: Box, inset: [Double]) -> Box {
    let (w, h) = (window.width(), window.height())
    return Box(x1: window.x1 + inset[0] * w, y1: window.y1 + inset[1] * h, x2: window.x2 - inset[2] * w, y2: window.y2 - inset[3] * h)
  }

  /// For each box, the window of the pyramid whose predicted box overlaps it most (and that IoU).
  static func bestWindows(_ pyramid: FeaturePyramid, boxes: [Box], config: Config, inset: [Double], levels: Range<Int>) -> [(level: Int, row: Int, column: Int, iou: Double)] {
    let (wb, hb) = config.templateBlocks
    return boxes.map { g in
      var best = (level: 0, row: 0, column: 0, iou: -1.0)
      for l in levels where l < pyramid.levels.count {
        let map = pyramid.levels[l].features
        guard map.rows >= hb && map.columns >= wb else { continue }
        for r in 0...(map.rows - hb) {
          for c in 0...(map.columns - wb) {
            let window = pyramid.windowBox(level: l, row: r, column: c, widthCells: config.windowCells.width, heightCells: config.windowCells.height)
            let iou = predictedBox(window, inset: inset).intersectionOverUnion(with: g)
            if iou > best.iou { best = (l, r, c, iou) }
          }
        }
      }
      return best
    }
  }

  /// Scored windows of one pyramid for a linear template, above `threshold`, as (ref, box, score).
  static func scoreWindows(
    _ pyramid: FeaturePyramid, template: LinearFilter, bias: Float, threshold: Float, config: Config, inset: [Double], scene: Int, mirrored: Bool = false
  ) -> [(ref: WindowRef, box: Box, score: Float)] {
    var out: [(ref: WindowRef, box: Box, score: Float)] = []
    for (l, level) in pyramid.levels.enumerated() where l < config.levels {
      let r = template.responses(level.features)
      for y in 0..<r.rows {
        for x in 0..<r.columns {
          let s = r.values[y * r.columns + x] + bias
          guard s > threshold else { continue }
          let window = pyramid.windowBox(level: l, row: y, column: x, widthCells: config.windowCells.width, heightCells: config.windowCells.height)
          out.append((WindowRef(scene: scene, mirrored: mirrored, level: l, row: y, column: x), predictedBox(window, inset: inset), s))
        }
      }
    }
    return out
  }

  /// Greedy NMS of scored boxes; at most `keep` survive.
  static func suppress<T>(_ items: [T], box: (T) -> Box, score: (T) -> Float, iou: Double, keep: Int) -> [T] {
    let kept = nonMaxSuppression(items.map(box), scores: items.map { Double(score($0)) }, iouThreshold: iou)
    return Array(kept.prefix(keep).map { items[$0] })
  }

  /// `body(i)` for i in 0..<count on the run's threads, results in order.
  static func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    var out = [T?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buffer in
      let p = SendablePointer(buffer.baseAddress!)
      Parallel.chunks(count, cost: 1 << 16) { range in
        for i in range { p.base[i] = body(i) }
      }
    }
    return out.map { $0! }
  }
}
