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
    // Partition into quadrants: (left/right) x (top/bottom) around the cell centre.
    let (mx, my) = (x0 + side / 2, y0 + side / 2)
    var buckets: [[Int32]] = [[], [], [], []]
    for k in start..<end {
      let p = Int(order[k])
      buckets[(x[p] >= mx ? 1 : 0) + (y[p] >= my ? 2 : 0)].append(order[k])
    }
    var cursor = start
    let first = nodes.count
    nodes[index].firstChild = first
    for q in 0..<4 {
      for p in buckets[q] { order[cursor] = p; cursor += 1 }
      nodes.append(Node(centerX: 0, centerY: 0, count: 0, side: side / 2, firstChild: -1, start: cursor - buckets[q].count, end: cursor))
    }
    for q in 0..<4 where !buckets[q].isEmpty {
      build(first + q, x0: q & 1 == 1 ? mx : x0, y0: q & 2 == 2 ? my : y0, side: side / 2, x: x, y: y, depth: depth + 1)
    }
  }

  /// Z_i and F_i for point i at (px, py).
  func repulsion(of i: Int, px: Double, py: Double, theta: Double, stack: inout [Int]) -> (z: Double, fx: Double, fy: Double) {
    var (z, fx, fy) = (0.0, 0.0, 0.0)
    stack.removeAll(keepingCapacity: true)
    stack.append(0)
    let theta2 = theta * theta
    while let index = stack.popLast() {
      let node = nodes[index]
      if node.count == 0 { continue }
      let dx = px - node.centerX, dy = py - node.centerY
      let d2 = dx * dx + dy * dy
      if node.firstChild < 0 || node.side * node.side < theta2 * d2 {
        var count = Double(node.count)
        if node.firstChild < 0 {
          // A leaf holding i itself: its other points sit at the same place (a duplicate cell).
          for k in node.start..<node.end where Int(order[k]) == i { count -= 1 }
          if count == 0 { continue }
        }
        let w = 1 / (1 + d2)
        z += count * w
        fx += count * w * w * dx
        fy += count * w * w * dy
      } else {
        for c in node.firstChild..<(node.firstChild + 4) { stack.append(c) }
      }
    }
    return (z, fx, fy)
  }
}
