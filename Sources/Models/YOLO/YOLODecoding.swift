// From YOLO v1's output tensor to detections (Redmon et al., CVPR 2016, §2
// eq. 1 and §2.3): each box's class-specific confidence is
// Pr(class_i | object) x Pr(object) x IoU = p(c) x confidence, for every
// class; scores above a threshold are kept, then non-maximum suppression
// runs per class. Conventions: the class scores and confidences are the
// net's linear outputs (sum-squared error trained, not a softmax), clamped
// at 0 before the product so two negative outputs cannot make a positive
// score; boxes are clipped to the image; each detection keeps the index of
// the box it came from (cell B + b) for the chapter's figures.
import Detection
import Tensor

public struct YOLODecoded: Sendable {
  /// All S S B boxes of an image: box, best class, its class-specific score, index.
  public var boxes: [(box: Box, label: Int, score: Double)]
  /// Every (box, class) above the threshold: what NMS is given.
  public var candidates: [ScoredDetection]
  /// After thresholding and per-class NMS, by decreasing score.
  public var detections: [ScoredDetection]
}

extension YOLOGrid {
  /// Decodes one image's outputs (`outputs` of `image` in a batch `prediction`, (N, S S (5B + C))).
  public func decode(_ prediction: Tensor, image: Int, scoreThreshold: Double, nmsIoU: Double) -> YOLODecoded {
    let base = image * outputs
    let p = prediction.scalars
    var all: [(box: Box, label: Int, score: Double)] = []
    var candidates: [Box] = [], scores: [Double] = [], labels: [Int] = []
    for cell in 0..<(cells * cells) {
      let probabilities = (0..<classes).map { Double(max(p[base + classIndex(cell: cell, class: $0)], 0)) }
      for b in 0..<boxesPerCell {
        let f = (0..<5).map { p[base + boxIndex(cell: cell, box: b, field: $0)] }
        let raw = decodeBox(cell: cell, f[0], f[1], f[2], f[3])
        let box = Box(x1: max(raw.x1, 0), y1: max(raw.y1, 0), x2: min(raw.x2, imageSize), y2: min(raw.y2, imageSize))
        let confidence = Double(max(f[4], 0))
        let classScores = probabilities.map { $0 * confidence }
        let best = classScores.indices.max { classScores[$0] < classScores[$1] }!
        all.append((box, best, classScores[best]))
        guard box.width() > 0 && box.height() > 0 else { continue }
        for c in 0..<classes where classScores[c] > scoreThreshold {
          candidates.append(box)
          scores.append(classScores[c])
          labels.append(c)
        }
      }
    }
    let kept = perClassNonMaxSuppression(candidates, scores: scores, classes: labels, iouThreshold: nmsIoU)
    let before = candidates.indices.map { ScoredDetection(label: labels[$0], box: candidates[$0], score: scores[$0]) }
    return YOLODecoded(boxes: all, candidates: before, detections: kept.map { ScoredDetection(label: labels[$0], box: candidates[$0], score: scores[$0]) })
  }
}
