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
// each candidate is compared only with kept boxes whose centres lie in a
// window that any suppressing box must lie in (derivation at greedyGrid), so
// the kept set is exactly the quadratic algorithm's. Degenerate inputs
// (inverted boxes, NaN, a negative threshold) fall back to the plain loop.

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
  // BEGIN SOLUTION nms
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
  // END SOLUTION
}

// The helpers of the reference NMS (removed with it from a student copy).
// BEGIN SOLUTION nms
// STUB:

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

/// The same rule, with each kept box filed under the grid cell of its centre.
///
/// Which kept boxes can suppress candidate j? IoU > t needs an overlap
/// width ow > t * max(w_i, w_j) (because inter > t * max(a_i, a_j) and the
/// overlap height is at most min(h_i, h_j)), hence also w_i < w_j / t; and
/// ow <= (w_i + w_j) / 2 - |cx_i - cx_j|. Together:
///   |cx_i - cx_j| < w_j / 2 + max(0, 1/2 - t) * w_j / t,
/// (w_j / 2 for the usual t >= 0.5), and the same in y. Any box that
/// overlaps j at all also has |cx_i - cx_j| < (w_i + w_j) / 2. The search
/// visits only the cells of that window (with slack for Float32 rounding),
/// so it meets a few dozen kept boxes per candidate instead of all of them.
private func greedyGrid(
  _ b: UnsafeBufferPointer<Float>, _ area: UnsafeBufferPointer<Float>, _ order: [Int],
  _ threshold: Double
) -> [Int] {
  let n = order.count
  var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
  var maxW = 0.0, maxH = 0.0, sideSum = 0.0
  var cx = [Double](repeating: 0, count: n), cy = [Double](repeating: 0, count: n)
  for i in 0..<n {
    let x1 = Double(b[4 &* i]), y1 = Double(b[4 &* i &+ 1]), x2 = Double(b[4 &* i &+ 2]), y2 = Double(b[4 &* i &+ 3])
    cx[i] = (x1 + x2) / 2
    cy[i] = (y1 + y2) / 2
    minX = min(minX, cx[i]); maxX = max(maxX, cx[i]); minY = min(minY, cy[i]); maxY = max(maxY, cy[i])
    maxW = max(maxW, x2 - x1); maxH = max(maxH, y2 - y1)
    sideSum += (x2 - x1 + y2 - y1) / 2
  }
  let extent = max(maxX - minX, maxY - minY)
  let cell = max(0.5 * sideSum / Double(n), extent / 1024, 1e-6)
  let cols = min(Int((maxX - minX) / cell) + 1, 1024)
  let rows = min(Int((maxY - minY) / cell) + 1, 1024)
  // The float IoU can exceed the exact one by a few ulps: bound with a slightly lower t.
  let t = threshold * (1 - 1e-5) - 1e-7
  let reach = t > 0 ? 0.5 + max(0, 0.5 - t) / t : Double.infinity  // window half-width / side
  var cells = [[Int32]](repeating: [], count: cols * rows)
  var keep: [Int] = []
  for j in order {
    let wj = Double(b[4 &* j &+ 2] - b[4 &* j]), hj = Double(b[4 &* j &+ 3] - b[4 &* j &+ 1])
    let rx = min(reach * wj, (wj + maxW) / 2) * (1 + 1e-6) + 1e-6
    let ry = min(reach * hj, (hj + maxH) / 2) * (1 + 1e-6) + 1e-6
    let c0 = max(Int(((cx[j] - rx - minX) / cell).rounded(.down)), 0)
    let c1 = min(Int(((cx[j] + rx - minX) / cell).rounded(.down)), cols - 1)
    let r0 = max(Int(((cy[j] - ry - minY) / cell).rounded(.down)), 0)
    let r1 = min(Int(((cy[j] + ry - minY) / cell).rounded(.down)), rows - 1)
    let jx1 = b[4 &* j], jy1 = b[4 &* j &+ 1], jx2 = b[4 &* j &+ 2], jy2 = b[4 &* j &+ 3]
    var suppressed = false
    if c0 <= c1 && r0 <= r1 {
      search: for r in r0...r1 {
        for c in c0...c1 {
          for k in cells[r &* cols &+ c] {
            let i = Int(k)
            // Boxes that do not overlap have IoU 0, never above a threshold >= 0.
            let disjointX = b[4 &* i] >= jx2 || b[4 &* i &+ 2] <= jx1
            let disjointY = b[4 &* i &+ 1] >= jy2 || b[4 &* i &+ 3] <= jy1
            if disjointX || disjointY { continue }
            if Double(torchvisionIoU(b, area, i, j)) > threshold {
              suppressed = true
              break search
            }
          }
        }
      }
    }
    if suppressed { continue }
    keep.append(j)
    let c = min(max(Int((cx[j] - minX) / cell), 0), cols - 1)
    let r = min(max(Int((cy[j] - minY) / cell), 0), rows - 1)
    cells[r &* cols &+ c].append(Int32(truncatingIfNeeded: j))
  }
  return keep
}
// END SOLUTION
