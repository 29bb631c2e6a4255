// Intersection over union (Jaccard index) of two boxes.
//
// IoU(A, B) = |A ∩ B| / (|A| + |B| - |A ∩ B|), computed in the convention of
// Box.swift. Continuous: IoU([0,0,2,2], [1,1,3,3]) = 1/7; inclusive ("+1",
// VOC): the same numbers give 2/7. Disjoint boxes, and a pair of empty
// boxes, have IoU 0.

extension Box {
  /// The overlap of two boxes, or `nil` when they do not overlap.
  public func intersection(with other: Box, convention: BoxConvention = .continuous) -> Box? {
    // BEGIN SOLUTION iou
    let box = Box(
      x1: max(x1, other.x1), y1: max(y1, other.y1),
      x2: min(x2, other.x2), y2: min(y2, other.y2))
    return box.width(convention) > 0 && box.height(convention) > 0 ? box : nil
    // END SOLUTION
  }

  /// Intersection over union with `other`, in [0, 1].
  public func intersectionOverUnion(
    with other: Box, convention: BoxConvention = .continuous
  ) -> Double {
    // BEGIN SOLUTION iou
    guard let overlap = intersection(with: other, convention: convention) else { return 0 }
    let inter = overlap.area(convention)
    let union = area(convention) + other.area(convention) - inter
    return union > 0 ? inter / union : 0
    // END SOLUTION
  }
}
