// Efficient graph-based image segmentation (Felzenszwalb and Huttenlocher,
// IJCV 2004): pixels are nodes, edges join neighbours with weight = colour
// difference; edges are visited in increasing weight, and two components
// C1, C2 merge when the edge is lighter than both internal differences,
// w < min(Int(C1) + k/|C1|, Int(C2) + k/|C2|), where Int(C) is the heaviest
// edge of C's minimum spanning tree (the last edge that merged into C).
// Afterwards components smaller than min-size are merged into a neighbour
// along the edges in the same order.
//
// Conventions follow scikit-image's felzenszwalb (0.26), so that segment
// counts agree with it (scripts/crosscheck_proposals.py):
// - every channel is smoothed with a Gaussian of sigma (scipy conventions,
//   GaussianSmoothing.swift); the paper smooths each channel and segments
//   each separately, intersecting the results — skimage and we segment once;
// - 8-neighbour graph (right, down, down-right, up-right edges, in that
//   order); weight = Euclidean distance over all channels;
// - k ("scale") is in units of 0-255 images: values in [0, 1] use k / 255;
// - edges sorted by weight (ties by the order above: a stable sort; numpy's
//   argsort is not stable, the only place we may differ);
// - the threshold Int(C) + k/|C| is rounded to single precision before the
//   comparison, as skimage's Cython (float inner_cost) does;
// - labels are numbered 0 ..< count by the smallest pixel index (row-major)
//   of each segment, which is the order numpy.unique gives skimage's roots.
import Foundation

public struct GraphSegmentation: Sendable {
  /// k: larger values prefer larger segments (units of 0-255 intensities).
  public var k: Double
  public var sigma: Double
  public var minSize: Int

  public init(k: Double, sigma: Double = 0.8, minSize: Int = 20) {
    (self.k, self.sigma, self.minSize) = (k, sigma, minSize)
  }

  /// A label per pixel (row-major) and the number of segments.
  public struct Result: Sendable {
    public var labels: [Int32]
    public var count: Int
    public var width: Int
    public var height: Int
  }

  /// The 8-neighbour graph of an image, smoothed with `sigma`, its edges sorted by weight. It does
  /// not depend on k or min-size, so strategies that differ only in those share it.
  public struct Graph: Sendable {
    public var width: Int
    public var height: Int
    var a: [Int32]
    var b: [Int32]
    var cost: [Double]
  }

  public static func graph(_ image: PlanarImage, sigma: Double) -> Graph {
    let (w, h, c) = (image.width, image.height, image.channels)
    let n = w * h
    var planes = image.values.map(Double.init)
    GaussianSmoothing.smooth(&planes, width: w, height: h, channels: c, sigma: sigma)

    // Edges: right, down, down-right, up-right (skimage's order), weights in Double.
    let counts = [h * (w - 1), (h - 1) * w, (h - 1) * (w - 1), (h - 1) * (w - 1)]
    let total = counts.reduce(0, +)
    var a = [Int32](repeating: 0, count: total), b = [Int32](repeating: 0, count: total)
    var cost = [Double](repeating: 0, count: total)
    planes.withUnsafeBufferPointer { p in
      var e = 0
      func add(_ p0: Int, _ p1: Int) {
        var s = 0.0
        for ch in 0..<c {
          let d = p[ch * n + p0] - p[ch * n + p1]
          s += d * d
        }
        (a[e], b[e], cost[e]) = (Int32(p0), Int32(p1), s.squareRoot())
        e += 1
      }
      for y in 0..<h { for x in 1..<max(w, 1) { add(y * w + x, y * w + x - 1) } }
      for y in 1..<max(h, 1) { for x in 0..<w { add(y * w + x, (y - 1) * w + x) } }
      for y in 1..<max(h, 1) { for x in 1..<max(w, 1) { add(y * w + x, (y - 1) * w + x - 1) } }
      for y in 0..<(h - 1) { for x in 1..<max(w, 1) { add(y * w + x, (y + 1) * w + x - 1) } }
    }
    let order = sortedOrder(cost)
    return Graph(width: w, height: h, a: order.map { a[$0] }, b: order.map { b[$0] }, cost: order.map { cost[$0] })
  }

  public func segment(_ image: PlanarImage) -> Result {
    segment(GraphSegmentation.graph(image, sigma: sigma))
  }

  /// Segments a graph made by `graph(_:sigma:)` (its sigma is the graph's, not this value's).
  public func segment(_ graph: Graph) -> Result {
    let (w, h) = (graph.width, graph.height)
    let n = w * h
    let (a, b, cost) = (graph.a, graph.b, graph.cost)
    var forest = DisjointSets(count: n)
    var size = [Int](repeating: 1, count: n)
    var innerCost = [Double](repeating: 0, count: n)
    let scale = k / 255
    for e in 0..<cost.count {
      let r0 = forest.find(Int(a[e])), r1 = forest.find(Int(b[e]))
      if r0 == r1 { continue }
      let t0 = Float(innerCost[r0] + scale / Double(size[r0]))
      let t1 = Float(innerCost[r1] + scale / Double(size[r1]))
      if cost[e] < Double(min(t0, t1)) {
        let root = forest.union(r0, r1)
        size[root] = size[r0] + size[r1]
        innerCost[root] = cost[e]
      }
    }
    for e in 0..<cost.count {
      let r0 = forest.find(Int(a[e])), r1 = forest.find(Int(b[e]))
      if r0 == r1 { continue }
      if size[r0] < minSize || size[r1] < minSize {
        let root = forest.union(r0, r1)
        size[root] = size[r0] + size[r1]
      }
    }
    // Number segments by their smallest pixel index (the root: union keeps the smaller one).
    var labelOfRoot = [Int32](repeating: -1, count: n)
    var labels = [Int32](repeating: 0, count: n)
    var next: Int32 = 0
    for i in 0..<n {
      let r = forest.find(i)
      if labelOfRoot[r] < 0 { labelOfRoot[r] = next; next += 1 }
      labels[i] = labelOfRoot[r]
    }
    return Result(labels: labels, count: Int(next), width: w, height: h)
  }

  /// Edge indices by increasing weight, ties by index (weights are >= 0, so
  /// their bit patterns sort as unsigned integers: a radix sort's key).
  static func sortedOrder(_ cost: [Double]) -> [Int] {
    RadixOrder.ascending(cost.map(\.bitPattern)).map { Int($0) }
  }
}

/// Union-find whose root is the smallest index of its set (skimage's join_trees), with path halving.
struct DisjointSets {
  var parent: [Int]
  init(count: Int) { parent = Array(0..<count) }

  mutating func find(_ i: Int) -> Int {
    var i = i
    while parent[i] != i {
      parent[i] = parent[parent[i]]
      i = parent[i]
    }
    return i
  }

  /// Joins the sets of roots r0 and r1; returns the new root (the smaller).
  mutating func union(_ r0: Int, _ r1: Int) -> Int {
    let (low, high) = r0 < r1 ? (r0, r1) : (r1, r0)
    parent[high] = low
    return low
  }
}
