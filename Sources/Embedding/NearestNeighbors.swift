// Exact k nearest neighbours by blocks of matrix products:
// |a - b|² = |a|² + |b|² - 2 a·b, one sgemm per block of 512 queries against
// every point, then the k smallest per row kept in a bounded max-heap.
// Quadratic in N, but at BLAS speed it is exact and, up to a few tens of
// thousands of points in 50 dimensions, faster than a vantage-point tree in
// the dimensions t-SNE is usually given.
//
// Conventions: rows are points; a point is not its own neighbour; ties go to
// the lower index; distances are squared Euclidean, computed in Float and
// clamped at 0.
import Tensor

public struct Neighbors: Sendable {
  /// (N, k) neighbour indices, nearest first.
  public var indices: [Int32]
  /// (N, k) squared distances, matching `indices`.
  public var distances: [Float]
  public let k: Int

  /// The k nearest other points of every point (a point is not its own neighbour).
  public static func exact(_ points: Tensor, k: Int) -> Neighbors {
    precondition(points.rank == 2, "Neighbors.exact: expected (N, D) points, got \(points.shape)")
    precondition(k >= 1 && k < points.shape[0], "Neighbors.exact: k = \(k) needs 1 <= k < N = \(points.shape[0])")
    return search(points, in: points, k: k, excludingSelf: true)
  }

  /// The k nearest rows of `database` (M, D) for every row of `queries` (N, D).
  public static func exact(queries: Tensor, database: Tensor, k: Int) -> Neighbors {
    precondition(queries.rank == 2 && database.rank == 2 && queries.shape[1] == database.shape[1],
      "Neighbors.exact: queries \(queries.shape) and database \(database.shape) must be (N, D) and (M, D)")
    precondition(k >= 1 && k <= database.shape[0], "Neighbors.exact: k = \(k) needs 1 <= k <= M = \(database.shape[0])")
    return search(queries, in: database, k: k, excludingSelf: false)
  }

  static func search(_ queries: Tensor, in database: Tensor, k: Int, excludingSelf: Bool) -> Neighbors {
    let (q, n, d) = (queries.shape[0], database.shape[0], database.shape[1])
    func squaredNorms(_ t: Tensor) -> [Float] {
      (0..<t.shape[0]).map { i in (0..<d).reduce(Float(0)) { $0 + t.scalars[i * d + $1] * t.scalars[i * d + $1] } }
    }
    let norms = squaredNorms(database)
    let queryNorms = excludingSelf ? norms : squaredNorms(queries)
    let transposed = database.transposed()
    var indices = [Int32](repeating: 0, count: q * k)
    var distances = [Float](repeating: 0, count: q * k)
    let block = 512
    for start in Swift.stride(from: 0, to: q, by: block) {
      let rows = min(block, q - start)
      let dots = Tensor.matmul(queries.slice(start..<(start + rows)), transposed)
      indices.withUnsafeMutableBufferPointer { ib in
        distances.withUnsafeMutableBufferPointer { db in
          let (ip, dp) = (SendablePointer(ib.baseAddress!), SendablePointer(db.baseAddress!))
          Parallel.chunks(rows, cost: n) { range in
            var heap = BoundedMaxHeap(capacity: k)
            for r in range {
              let i = start + r
              heap.removeAll()
              dots.withPointer { dot in
                let row = dot + r * n
                for j in 0..<n where !(excludingSelf && j == i) {
                  heap.insert(max(queryNorms[i] + norms[j] - 2 * row[j], 0), Int32(j))
                }
              }
              for (slot, item) in heap.sorted().enumerated() {
                ip.base[i * k + slot] = item.index
                dp.base[i * k + slot] = item.distance
              }
            }
          }
        }
      }
    }
    return Neighbors(indices: indices, distances: distances, k: k)
  }
}

extension Neighbors {
  /// Leave-one-out k-NN accuracy of `points` (N, D) with integer `labels`
  /// (0..<classes): each point's class predicted by the majority of its k
  /// nearest other points, ties to the smaller class.
  public static func leaveOneOutAccuracy(_ points: Tensor, labels: [Int], k: Int = 10) -> Double {
    precondition(points.shape[0] == labels.count, "leaveOneOutAccuracy: \(points.shape[0]) points, \(labels.count) labels")
    let classes = (labels.max() ?? 0) + 1
    let nn = exact(points, k: k)
    var right = 0
    for i in labels.indices {
      var votes = [Int](repeating: 0, count: classes)
      for j in 0..<k { votes[labels[Int(nn.indices[i * k + j])]] += 1 }
      if votes.indices.max(by: { (votes[$0], -$0) < (votes[$1], -$1) }) == labels[i] { right += 1 }
    }
    return Double(right) / Double(labels.count)
  }
}

/// The k smallest (distance, index) pairs seen, as a max-heap on (distance, index).
struct BoundedMaxHeap {
  let capacity: Int
  private(set) var items: [(distance: Float, index: Int32)] = []

  init(capacity: Int) {
    self.capacity = capacity
    items.reserveCapacity(capacity)
  }

  mutating func removeAll() { items.removeAll(keepingCapacity: true) }

  @inline(__always) static func less(_ a: (distance: Float, index: Int32), _ b: (distance: Float, index: Int32)) -> Bool {
    a.distance < b.distance || (a.distance == b.distance && a.index < b.index)
  }

  mutating func insert(_ distance: Float, _ index: Int32) {
    let item = (distance: distance, index: index)
    if items.count < capacity {
      items.append(item)
      var c = items.count - 1
      while c > 0 {
        let p = (c - 1) / 2
        guard Self.less(items[p], items[c]) else { break }
        items.swapAt(p, c)
        c = p
      }
    } else if Self.less(item, items[0]) {
      items[0] = item
      var p = 0
      while true {
        let (l, r) = (2 * p + 1, 2 * p + 2)
        var largest = p
        if l < items.count && Self.less(items[largest], items[l]) { largest = l }
        if r < items.count && Self.less(items[largest], items[r]) { largest = r }
        if largest == p { break }
        items.swapAt(p, largest)
        p = largest
      }
    }
  }

  func sorted() -> [(distance: Float, index: Int32)] { items.sorted(by: Self.less) }
}
