// Average precision: the area under a precision/recall curve, three ways.
//
// Inputs are the cumulative recall and precision after each detection, in
// order of decreasing score (recall non-decreasing).
//
// - VOC 2010+ ("area", all points): make precision monotone from the right
//   (p(r) = max_{r' >= r} p(r')), then sum (r_{i+1} - r_i) * p_{i+1} over the
//   recall steps. py-faster-rcnn's voc_ap(use_07_metric=False).
// - VOC 2007 (11-point): mean over t in {0, 0.1, ..., 1} of the largest
//   precision at recall >= t (0 when recall never reaches t).
//   voc_ap(use_07_metric=True); t = i * 0.1 as numpy.arange computes it.
// - COCO (101-point): the monotone precision sampled at the first detection
//   whose recall is >= r, for r in {0, 0.01, ..., 1} (0 past the last
//   recall reached), averaged. pycocotools' COCOeval.accumulate.
//
// Example (a test): TP, FP, TP with 2 ground truths gives recall
// [0.5, 0.5, 1], precision [1, 0.5, 2/3]; area AP = 0.5*1 + 0.5*2/3 = 0.8333.

/// VOC 2010+ AP: exact area under the monotone precision envelope.
public func averagePrecisionArea(recall: [Double], precision: [Double]) -> Double {
  precondition(recall.count == precision.count, "averagePrecisionArea: length mismatch")
  // BEGIN SOLUTION ap-voc
  let mrec = [0.0] + recall + [1.0]
  var mpre = [0.0] + precision + [0.0]
  if mpre.count >= 2 {
    for i in stride(from: mpre.count - 1, to: 0, by: -1) { mpre[i - 1] = max(mpre[i - 1], mpre[i]) }
  }
  var ap = 0.0
  for i in 0..<(mrec.count - 1) where mrec[i + 1] != mrec[i] {
    ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1]
  }
  return ap
  // END SOLUTION
}

/// VOC 2007 AP: 11-point interpolated.
public func averagePrecision11Point(recall: [Double], precision: [Double]) -> Double {
  precondition(recall.count == precision.count, "averagePrecision11Point: length mismatch")
  // BEGIN SOLUTION ap-voc07
  var ap = 0.0
  for i in 0...10 {
    let t = Double(i) * 0.1
    var best: Double? = nil
    for (r, p) in zip(recall, precision) where r >= t { best = max(best ?? p, p) }
    ap += (best ?? 0) / 11
  }
  return ap
  // END SOLUTION
}

/// COCO's recall thresholds, as numpy.linspace(0, 1, 101) computes them.
public let cocoRecallThresholds: [Double] = (0...100).map { $0 == 100 ? 1.0 : Double($0) * 0.01 }

/// COCO AP: precision envelope sampled at 101 recall thresholds.
public func averagePrecision101Point(recall: [Double], precision: [Double]) -> Double {
  let sampled = interpolatedPrecision(recall: recall, precision: precision, at: cocoRecallThresholds)
  return sampled.reduce(0, +) / Double(sampled.count)
}

/// The monotone precision envelope sampled at `thresholds` (COCO's rule:
/// the first point with recall >= threshold; 0 past the end).
public func interpolatedPrecision(
  recall: [Double], precision: [Double], at thresholds: [Double]
) -> [Double] {
  precondition(recall.count == precision.count, "interpolatedPrecision: length mismatch")
  // BEGIN SOLUTION ap-coco
  var envelope = precision
  if envelope.count >= 2 {
    for i in stride(from: envelope.count - 1, to: 0, by: -1) where envelope[i] > envelope[i - 1] {
      envelope[i - 1] = envelope[i]
    }
  }
  var out = [Double](repeating: 0, count: thresholds.count)
  var position = 0
  for (k, t) in thresholds.enumerated() {
    // searchsorted(recall, t, side="left"), thresholds ascending
    while position < recall.count && recall[position] < t { position += 1 }
    if position >= recall.count { break }
    out[k] = envelope[position]
  }
  return out
  // END SOLUTION
}
