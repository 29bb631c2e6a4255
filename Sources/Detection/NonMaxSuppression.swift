// Greedy non-maximum suppression.
//
// Visit boxes in order of decreasing score (ties: lower index first, as a
// stable sort gives); keep a box unless a box kept before it overlaps it with
// IoU > threshold. This is the rule of Girshick's py_cpu_nms and of
// torchvision.ops.nms, in torchvision's arithmetic: continuous coordinates
// (no "+1"), Float32, area = (x2 - x1) * (y2 - y1), and
// IoU = inter / (area_kept + area_other - inter), compared with `>`.
//
// Speed: instead of comparing every box with every later box (quadratic),
// each candidate is compared only with kept boxes that share a cell of a
// uniform grid with it. Two boxes with a positive overlap share a cell, so
// the kept set is exactly the quadratic algorithm's. Degenerate inputs
// (inverted boxes, a negative threshold) fall back to the plain loop.

/// Indices of the boxes greedy NMS keeps, in order of decreasing score.
///
/// - Parameters:
///   - boxes: `(x1, y1, x2, y2)` per box, continuous coordinates.
///   - scores: one score per box.
///   - iouThreshold: a box is suppressed when IoU with a kept box is `>` this.
public func nonMaxSuppression(_ boxes: [Box], scores: [Double], iouThreshold: Double) -> [Int] {
  precondition(
    boxes.count == scores.count,
    "nonMaxSuppression: \(boxes.count) boxes but \(scores.count) scores")
  var flat = [Float]()
  flat.reserveCapacity(boxes.count * 4)
  for b in boxes { flat += [Float(b.x1), Float(b.y1), Float(b.x2), Float(b.y2)] }
  return nonMaxSuppression(flatBoxes: flat, scores: scores.map { Float($0) }, iouThreshold: iouThreshold)
}

/// Greedy NMS over Float32 boxes stored as `[x1, y1, x2, y2, x1, ...]` (N*4).
public func nonMaxSuppression(flatBoxes: [Float], scores: [Float], iouThreshold: Double) -> [Int] {
  let n = scores.count
  precondition(
    flatBoxes.count == 4 * n,
    "nonMaxSuppression: \(flatBoxes.count) coordinates for \(n) scores (expected \(4 * n))")
  if n == 0 { return [] }
  let order = (0..<n).sorted { a, b in
    scores[a] != scores[b] ? scores[a] > scores[b] : a < b
  }
  var areas = [Float](repeating: 0, count: n)
  var degenerate = iouThreshold < 0
  for i in 0..<n {
    let (x1, y1, x2, y2) = (flatBoxes[4 * i], flatBoxes[4 * i + 1], flatBoxes[4 * i + 2], flatBoxes[4 * i + 3])
    areas[i] = (x2 - x1) * (y2 - y1)
    if !(x2 >= x1 && y2 >= y1) { degenerate = true }  // also catches NaN
  }
  return flatBoxes.withUnsafeBufferPointer { b in
    areas.withUnsafeBufferPointer { area in
      degenerate
        ? greedyQuadratic(b, area, order, iouThreshold)
        : greedyGrid(b, area, order, iouThreshold)
    }
  }
}

/// IoU exactly as torchvision's CPU kernel computes it (kept box `i`, candidate `j`).
@inline(__always)
private func torchvisionIoU(
  _ b: UnsafeBufferPointer<Float>, _ area: UnsafeBufferPointer<Float>, _ i: Int, _ j: Int
) -> Float {
  let xx1 = max(b[4 &* i], b[4 &* j])
  let yy1 = max(b[4 &* i &+ 1], b[4 &* j &+ 1])
  let xx2 = min(b[4 &* i &+ 2], b[4 &* j &+ 2])
  let yy2 = min(b[4 &* i &+ 3], b[4 &* j &+ 3])
  let w = max(Float(0), xx2 - xx1)
  let h = max(Float(0), yy2 - yy1)
  let inter = w * h
  return inter / (area[i] + area[j] - inter)
}

/// The textbook loop: every candidate against every kept box.
private func greedyQuadratic(
  _ b: UnsafeBufferPointer<Float>, _ area: UnsafeBufferPointer<Float>, _ order: [Int],
  _ threshold: Double
) -> [Int] {
  // snippet.greedy
  var keep: [Int] = []
  for j in order {  // boxes by decreasing score
    var suppressed = false
    for i in keep where Double(torchvisionIoU(b, area, i, j)) > threshold {
      suppressed = true  // a better box already covers this one
      break
    }
    if !suppressed { keep.append(j) }
  }
  // snippet.end
  return keep
}

/// The same rule, with kept boxes bucketed in a uniform grid.
private func greedyGrid(
  _ b: UnsafeBufferPointer<Float>, _ area: UnsafeBufferPointer<Float>, _ order: [Int],
  _ threshold: Double
) -> [Int] {
  let n = order.count
  var minX = Float.infinity, minY = Float.infinity, maxX = -Float.infinity, maxY = -Float.infinity
  var sideSum: Double = 0
  for i in 0..<n {
    minX = min(minX, b[4 * i]); minY = min(minY, b[4 * i + 1])
    maxX = max(maxX, b[4 * i + 2]); maxY = max(maxY, b[4 * i + 3])
    sideSum += Double(b[4 * i + 2] - b[4 * i] + b[4 * i + 3] - b[4 * i + 1]) / 2
  }
  // Cells about twice the mean box side; at most 256 x 256 of them.
  let extent = Double(max(maxX - minX, maxY - minY))
  let cell = max(2 * sideSum / Double(n), extent / 256, 1e-6)
  let cols = min(Int(Double(maxX - minX) / cell) + 1, 256)
  let rows = min(Int(Double(maxY - minY) / cell) + 1, 256)
  func cellRange(_ i: Int) -> (c0: Int, c1: Int, r0: Int, r1: Int) {
    func clampCol(_ v: Float) -> Int { min(max(Int(Double(v - minX) / cell), 0), cols - 1) }
    func clampRow(_ v: Float) -> Int { min(max(Int(Double(v - minY) / cell), 0), rows - 1) }
    return (clampCol(b[4 * i]), clampCol(b[4 * i + 2]), clampRow(b[4 * i + 1]), clampRow(b[4 * i + 3]))
  }
  var cells = [[Int32]](repeating: [], count: cols * rows)
  var lastSeen = [Int32](repeating: -1, count: n)  // candidate rank that last compared with box i
  var keep: [Int] = []
  for (rank, j) in order.enumerated() {
    let r = cellRange(j)
    var suppressed = false
    search: for row in r.r0...r.r1 {
      for col in r.c0...r.c1 {
        for k in cells[row * cols + col] {
          let i = Int(k)
          if lastSeen[i] == Int32(rank) { continue }
          lastSeen[i] = Int32(rank)
          if Double(torchvisionIoU(b, area, i, j)) > threshold {
            suppressed = true
            break search
          }
        }
      }
    }
    if suppressed { continue }
    keep.append(j)
    for row in r.r0...r.r1 {
      for col in r.c0...r.c1 { cells[row * cols + col].append(Int32(j)) }
    }
  }
  return keep
}
