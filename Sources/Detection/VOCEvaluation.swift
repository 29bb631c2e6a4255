// PASCAL VOC detection evaluation, as py-faster-rcnn's voc_eval.py computes it
// (Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge",
// IJCV 2010; VOC 2007 uses 11-point AP, VOC 2010 onwards the area).
//
// Conventions, all voc_eval's:
// - a COCO box [x, y, w, h] becomes the inclusive box (x, y, x+w-1, y+h-1);
//   overlaps use the "+1" areas of that convention;
// - per class, detections are taken in order of decreasing score (ties in
//   file order: a stable sort; voc_eval's numpy quicksort leaves ties
//   unspecified) and each is compared with every ground truth of its image;
// - the ground truth with the largest overlap (first one on ties) decides:
//   overlap > threshold (strictly) and not yet detected -> TP; already
//   detected -> FP (no fall-back to the second best); difficult -> ignored;
//   overlap <= threshold -> FP;
// - recall = TP / #non-difficult ground truths; precision = TP / max(TP+FP, eps).
// A ground truth is "difficult" when flagged `difficult`, and also when
// flagged `iscrowd` (VOC has no crowd regions; a crowd box is never a miss).
// A class without non-difficult ground truth has no AP (nil) and is left out
// of the mean.

/// AP and curves of one category.
public struct VOCClassResult: Sendable {
  public var categoryId: Int
  public var positives: Int
  public var detections: Int
  public var recall: [Double]
  public var precision: [Double]
  /// VOC 2007 11-point AP, or nil without positives.
  public var ap07: Double?
  /// VOC 2010+ area AP, or nil without positives.
  public var ap10: Double?
}

public struct VOCEvaluation: Sendable {
  public var iouThreshold: Double
  public var classes: [VOCClassResult]

  /// Mean of the defined 11-point APs (-1 when none is defined).
  public var map07: Double { mean(classes.compactMap(\.ap07)) }
  /// Mean of the defined area APs (-1 when none is defined).
  public var map10: Double { mean(classes.compactMap(\.ap10)) }

  private func mean(_ values: [Double]) -> Double {
    values.isEmpty ? -1 : values.reduce(0, +) / Double(values.count)
  }
}

extension VOCEvaluation {
  public static func evaluate(
    _ dataset: DetectionDataset, detections: [DetectedObject], iouThreshold: Double = 0.5
  ) -> VOCEvaluation {
    let categoryIds = Array(Set(dataset.categories.map(\.id))).sorted()
    var classes: [VOCClassResult] = []
    for category in categoryIds {
      // Ground truth of this class per image, in file order, as inclusive boxes.
      var perImage = [Int: [(box: Box, difficult: Bool)]]()
      var positives = 0
      for g in dataset.objects where g.categoryId == category {
        let difficult = g.isDifficult || g.isCrowd
        perImage[g.imageId, default: []].append((inclusive(g.bbox), difficult))
        if !difficult { positives += 1 }
      }
      var detected = perImage.mapValues { [Bool](repeating: false, count: $0.count) }
      let mine = detections.indices.filter { detections[$0].categoryId == category }
      let order = stableSortedByScore(mine) { detections[$0].score }
      var tp = 0.0
      var fp = 0.0
      var recall: [Double] = []
      var precision: [Double] = []
      for n in order {
        let d = detections[n]
        let bb = inclusive(d.bbox)
        var ovmax = -Double.infinity
        var jmax = -1
        for (j, g) in (perImage[d.imageId] ?? []).enumerated() {
          let o = overlap(bb, g.box)
          if o > ovmax { ovmax = o; jmax = j }
        }
        if ovmax > iouThreshold, let gts = perImage[d.imageId] {
          if !gts[jmax].difficult {
            if detected[d.imageId]?[jmax] == false {
              tp += 1
              detected[d.imageId]?[jmax] = true
            } else {
              fp += 1
            }
          }
        } else {
          fp += 1
        }
        recall.append(positives > 0 ? tp / Double(positives) : .nan)
        precision.append(tp / max(tp + fp, Double.ulpOfOne))
      }
      classes.append(
        VOCClassResult(
          categoryId: category, positives: positives, detections: order.count, recall: recall,
          precision: precision,
          ap07: positives > 0 ? averagePrecision11Point(recall: recall, precision: precision) : nil,
          ap10: positives > 0 ? averagePrecisionArea(recall: recall, precision: precision) : nil))
    }
    return VOCEvaluation(iouThreshold: iouThreshold, classes: classes)
  }

  /// (x, y, x + w - 1, y + h - 1): the VOC inclusive box of a COCO box.
  static func inclusive(_ b: COCOBox) -> Box {
    Box(x1: b.x, y1: b.y, x2: b.x + b.width - 1, y2: b.y + b.height - 1)
  }

  /// voc_eval's overlap, operation for operation.
  static func overlap(_ bb: Box, _ g: Box) -> Double {
    let ixmin = max(g.x1, bb.x1)
    let iymin = max(g.y1, bb.y1)
    let ixmax = min(g.x2, bb.x2)
    let iymax = min(g.y2, bb.y2)
    let iw = max(ixmax - ixmin + 1, 0)
    let ih = max(iymax - iymin + 1, 0)
    let inters = iw * ih
    let uni = (bb.x2 - bb.x1 + 1) * (bb.y2 - bb.y1 + 1) + (g.x2 - g.x1 + 1) * (g.y2 - g.y1 + 1) - inters
    return inters / uni
  }
}
