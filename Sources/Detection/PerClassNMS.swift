// Non-maximum suppression within each class (torchvision.ops.batched_nms;
// the per-class loop of R-CNN's and Fast R-CNN's test_net): boxes of
// different classes never suppress each other. Greedy NMS itself is
// NonMaxSuppression.swift (torchvision's arithmetic). The answer lists the
// kept indices by decreasing score, ties by lower index, as batched_nms does.
// Example (a test): boxes (0,0,10,10) and (1,0,11,10) (IoU 9/11) of class
// 0 with scores 0.9, 0.8, and the second box again as class 1 with 0.7:
// threshold 0.5 keeps indices 0 and 2.

/// Indices kept by greedy NMS run separately per class, by decreasing score.
public func perClassNonMaxSuppression(_ boxes: [Box], scores: [Double], classes: [Int], iouThreshold: Double) -> [Int] {
  precondition(
    boxes.count == scores.count && boxes.count == classes.count,
    "perClassNonMaxSuppression: \(boxes.count) boxes, \(scores.count) scores, \(classes.count) classes")
  var kept: [Int] = []
  for c in Set(classes).sorted() {
    let members = boxes.indices.filter { classes[$0] == c }
    let keep = nonMaxSuppression(members.map { boxes[$0] }, scores: members.map { scores[$0] }, iouThreshold: iouThreshold)
    kept += keep.map { members[$0] }
  }
  return kept.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
}
