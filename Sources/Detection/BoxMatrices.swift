// The box arithmetic of detection training (torchvision.ops: box_iou,
// clip_boxes_to_image, remove_small_boxes; py-faster-rcnn's bbox_overlaps
// and clip_boxes), in the continuous convention of Box.swift.
//
// iouMatrix(a, b)[i][j] = IoU(a[i], b[j]); for a = [(0,0,2,2)] and
// b = [(1,1,3,3), (0,0,2,2), (5,5,6,6)] it is [[1/7, 1, 0]].
// Clipping to a W x H image keeps every coordinate in [0, W] and [0, H]
// (continuous: the image is the region 0 <= x < W); py-faster-rcnn clips to
// W - 1 in its inclusive convention, the same pixels.

extension Box {
  /// The box with its corners moved inside a `width` x `height` image.
  public func clipped(width: Double, height: Double) -> Box {
    Box(x1: min(max(x1, 0), width), y1: min(max(y1, 0), height), x2: min(max(x2, 0), width), y2: min(max(y2, 0), height))
  }
}

/// IoU of every box of `a` with every box of `b`: `a.count` rows of `b.count` values.
public func iouMatrix(_ a: [Box], _ b: [Box], convention: BoxConvention = .continuous) -> [[Double]] {
  a.map { p in b.map { q in p.intersectionOverUnion(with: q, convention: convention) } }
}

/// For each box of `a`, the index of the box of `b` it overlaps most (the first on ties) and that IoU;
/// (-1, 0) when `b` is empty.
public func bestMatches(_ a: [Box], _ b: [Box], convention: BoxConvention = .continuous) -> [(index: Int, iou: Double)] {
  iouMatrix(a, b, convention: convention).map { row in
    var best = (index: -1, iou: 0.0)
    for (j, v) in row.enumerated() where best.index < 0 || v > best.iou { best = (j, v) }
    return best
  }
}

/// Indices of the boxes at least `minSize` wide and high (torchvision's remove_small_boxes).
public func indicesOfBoxes(_ boxes: [Box], atLeast minSize: Double) -> [Int] {
  boxes.indices.filter { boxes[$0].width() >= minSize && boxes[$0].height() >= minSize }
}
