// Hierarchical grouping (Uijlings et al., IJCV 2013, Algorithm 1 and
// Section 3.2): start from the segments, compute the similarity of every
// pair of touching regions, repeatedly merge the most similar pair into a new
// region, drop the pair's similarities and add the new region's with its
// neighbours, until one region covers the image. Every region of the
// hierarchy (the segments and each union) is a proposal.
//
// Similarity s(ri, rj) = the sum of the chosen measures, each in [0, 1]:
// colour and texture: histogram intersection, sum_k min(c_i^k, c_j^k);
// size: 1 - (size(ri) + size(rj)) / size(image), so small regions merge
// early; fill: 1 - (size(BB_ij) - size(ri) - size(rj)) / size(image), so
// regions that fill each other's holes merge early.
// Conventions: the most similar pair is taken from a max-heap with lazy
// deletion; ties go to the pair of smaller indices (deterministic).
public struct Similarity: OptionSet, Sendable, Hashable, Codable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static let color = Similarity(rawValue: 1)
  public static let texture = Similarity(rawValue: 2)
  public static let size = Similarity(rawValue: 4)
  public static let fill = Similarity(rawValue: 8)

  /// The paper's abbreviation: "C+T+S+F", "T+S+F", "F", "S".
  public var name: String {
    [(Similarity.color, "C"), (.texture, "T"), (.size, "S"), (.fill, "F")].filter { contains($0.0) }.map(\.1).joined(separator: "+")
  }
}

public enum HierarchicalGrouping {
  /// The regions of the hierarchy in creation order: the segments, then each merge.
  public static func group(_ segments: [Region], imageSize: Int, similarity: Similarity) -> [Region] {
    var regions = segments
    regions.reserveCapacity(2 * segments.count)
    var alive = [Bool](repeating: true, count: segments.count)
    var heap = PairHeap()
    let area = Double(imageSize)
    func score(_ i: Int, _ j: Int) -> Double {
      let (a, b) = (regions[i], regions[j])
      var s = 0.0
      if similarity.contains(.color) { s += intersection(a.color, b.color) }
      if similarity.contains(.texture) { s += intersection(a.texture, b.texture) }
      if similarity.contains(.size) { s += 1 - Double(a.size + b.size) / area }
      if similarity.contains(.fill) {
        let box = (max(a.box.x2, b.box.x2) - min(a.box.x1, b.box.x1)) * (max(a.box.y2, b.box.y2) - min(a.box.y1, b.box.y1))
        s += 1 - (box - Double(a.size + b.size)) / area
      }
      return s
    }
    for i in segments.indices {
      for j in segments[i].neighbours where Int(j) > i { heap.push(score(i, Int(j)), Int32(i), j) }
    }
    while let top = heap.pop() {
      let (i, j) = (Int(top.a), Int(top.b))
      guard alive[i] && alive[j] else { continue }
      alive[i] = false
      alive[j] = false
      var t = Region.merged(regions[i], regions[j])
      t.neighbours = t.neighbours.filter { alive[Int($0)] }
      let index = Int32(regions.count)
      regions.append(t)
      alive.append(true)
      for m in t.neighbours.sorted() {
        regions[Int(m)].neighbours.remove(Int32(i))
        regions[Int(m)].neighbours.remove(Int32(j))
        regions[Int(m)].neighbours.insert(index)
        heap.push(score(Int(index), Int(m)), m, index)
      }
    }
    return regions
  }

  /// Histogram intersection of two L1-normalized histograms.
  @inline(__always)
  static func intersection(_ a: [Float], _ b: [Float]) -> Double {
    var s: Float = 0
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        for k in 0..<pa.count { s += min(pa[k], pb[k]) }
      }
    }
    return Double(s)
  }
}

/// A binary max-heap of region pairs by similarity (ties: smaller a, then smaller b first).
struct PairHeap {
  struct Entry { var s: Double; var a: Int32; var b: Int32 }
  var items: [Entry] = []

  @inline(__always)
  static func before(_ x: Entry, _ y: Entry) -> Bool {
    x.s != y.s ? x.s > y.s : (x.a != y.a ? x.a < y.a : x.b < y.b)
  }

  mutating func push(_ s: Double, _ a: Int32, _ b: Int32) {
    let (lo, hi) = a < b ? (a, b) : (b, a)
    items.append(Entry(s: s, a: lo, b: hi))
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard PairHeap.before(items[i], items[parent]) else { break }
      items.swapAt(i, parent)
      i = parent
    }
  }

  mutating func pop() -> Entry? {
    guard let first = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      while true {
        let (l, r) = (2 * i + 1, 2 * i + 2)
        var best = i
        if l < items.count && PairHeap.before(items[l], items[best]) { best = l }
        if r < items.count && PairHeap.before(items[r], items[best]) { best = r }
        if best == i { break }
        items.swapAt(i, best)
        i = best
      }
    }
    return first
  }
}
