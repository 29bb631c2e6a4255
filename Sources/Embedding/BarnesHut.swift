// The Barnes-Hut quadtree of t-SNE's repulsive forces (van der Maaten,
// "Accelerating t-SNE using Tree-Based Algorithms", JMLR 2014, section 4.2;
// Barnes & Hut, Nature 1986).
//
// The tree is rebuilt every iteration by recursive partitioning of the point
// indices into quadrants of a square cell (depth at most 40; deeper, the
// points are treated as one leaf). A cell whose side / distance < θ is
// summarized by its centre of mass and count. Per point i, with
// w_ij = 1 / (1 + |y_i - y_j|²):
//   Z_i = Σ_j w_ij,   F_i = Σ_j w_ij² (y_i - y_j)      (j ≠ i)
// θ = 0 visits every point (exact).

struct QuadTree {
  struct Node {
    var centerX: Double, centerY: Double  // centre of mass
    var count: Int
    var side: Double  // side of the square cell
    var firstChild: Int  // -1 for a leaf; children are firstChild..<firstChild+4 (some may have count 0)
    var start: Int, end: Int  // the leaf's points in `order`
  }

  var nodes: [Node] = []
  var order: [Int32]

  init(x: [Double], y: [Double]) {
    let n = x.count
    order = (0..<n).map(Int32.init)
    let (minX, maxX) = (x.min() ?? 0, x.max() ?? 0), (minY, maxY) = (y.min() ?? 0, y.max() ?? 0)
    let side = max(maxX - minX, maxY - minY) * (1 + 1e-9) + 1e-12
    nodes.reserveCapacity(2 * n + 1)
    nodes.append(Node(centerX: 0, centerY: 0, count: 0, side: side, firstChild: -1, start: 0, end: n))
    build(0, x0: minX, y0: minY, side: side, x: x, y: y, depth: 0)
  }

  private mutating func build(_ index: Int, x0: Double, y0: Double, side: Double, x: [Double], y: [Double], depth: Int) {
    let (start, end) = (nodes[index].start, nodes[index].end)
    var (sx, sy) = (0.0, 0.0)
    for k in start..<end { sx += x[Int(order[k])]; sy += y[Int(order[k])] }
    let count = end - start
    nodes[index].count = count
    nodes[index].centerX = count > 0 ? sx / Double(count) : 0
    nodes[index].centerY = count > 0 ? sy / Double(count) : 0
    guard count > 1 && depth < 40 else { return }
    // Partition in place into quadrants around the cell centre: first by y
    // (top, bottom), then each half by x (left, right), as quicksort partitions.
    let (mx, my) = (x0 + side / 2, y0 + side / 2)
    let middle = partition(start, end) { y[$0] < my }
    let bounds = [start, partition(start, middle) { x[$0] < mx }, middle, partition(middle, end) { x[$0] < mx }, end]
    let first = nodes.count
    nodes[index].firstChild = first
    for q in 0..<4 {
      nodes.append(Node(centerX: 0, centerY: 0, count: 0, side: side / 2, firstChild: -1, start: bounds[q], end: bounds[q + 1]))
    }
    for q in 0..<4 where bounds[q + 1] > bounds[q] {
      build(first + q, x0: q & 1 == 1 ? mx : x0, y0: q & 2 == 2 ? my : y0, side: side / 2, x: x, y: y, depth: depth + 1)
    }
  }

  /// Moves the points of order[start..<end] that satisfy `isLow` to the front; returns where the rest begin.
  private mutating func partition(_ start: Int, _ end: Int, _ isLow: (Int) -> Bool) -> Int {
    var (i, j) = (start, end - 1)
    while i <= j {
      if isLow(Int(order[i])) {
        i += 1
      } else {
        order.swapAt(i, j)
        j -= 1
      }
    }
    return i
  }

  /// One node as the traversal reads it, in Float: 32 bytes, two to a cache
  /// line (the approximation's own error, ~1e-2 at θ = 0.5, dwarfs Float's).
  struct Packed {
    var centerX: Float, centerY: Float, count: Float, side2: Float
    var firstChild: Int32
    /// The point of a one-point leaf, -1 otherwise.
    var single: Int32
    var start: Int32, end: Int32
  }

  func packed() -> [Packed] {
    nodes.map {
      Packed(
        centerX: Float($0.centerX), centerY: Float($0.centerY), count: Float($0.count), side2: Float($0.side * $0.side),
        firstChild: Int32($0.firstChild),
        single: $0.firstChild < 0 && $0.count == 1 ? order[$0.start] : -1, start: Int32($0.start), end: Int32($0.end))
    }
  }

  /// Z_i and F_i for point i at (px, py).
  func repulsion(of i: Int, px: Double, py: Double, theta: Double, stack: inout [Int]) -> (z: Double, fx: Double, fy: Double) {
    packed().withUnsafeBufferPointer { repulsion(of: i, px: px, py: py, theta: theta, nodes: $0, stack: &stack) }
  }

  func repulsion(of i: Int, px: Double, py: Double, theta: Double, nodes packed: UnsafeBufferPointer<Packed>, stack: inout [Int]) -> (z: Double, fx: Double, fy: Double) {
    var (z, fx, fy): (Float, Float, Float) = (0, 0, 0)
    let theta2 = Float(theta * theta)
    let (px, py) = (Float(px), Float(py))
    let me = Int32(truncatingIfNeeded: i)
    if stack.count < packed.count { stack = [Int](repeating: 0, count: packed.count) }
    stack.withUnsafeMutableBufferPointer { st in
      order.withUnsafeBufferPointer { order in
        var top = 1
        st[0] = 0
        while top > 0 {
          top -= 1
          let node = packed[st[top]]
          var count = node.count
          if count == 0 || node.single == me { continue }
          let dx = px - node.centerX, dy = py - node.centerY
          let d2 = dx * dx + dy * dy
          let child = Int(node.firstChild)
          if child < 0 || node.side2 < theta2 * d2 {
            if child < 0 && node.single < 0 {
              // A leaf of several points at one place (depth limit): leave out i itself.
              for k in Int(node.start)..<Int(node.end) where order[k] == me { count -= 1 }
              if count == 0 { continue }
            }
            let w = 1 / (1 + d2)
            let cw = count * w
            z += cw
            fx += cw * w * dx
            fy += cw * w * dy
          } else {
            st[top] = child
            st[top + 1] = child + 1
            st[top + 2] = child + 2
            st[top + 3] = child + 3
            top += 4
          }
        }
      }
    }
    return (Double(z), Double(fx), Double(fy))
  }
}
