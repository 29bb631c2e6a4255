// t-SNE's input affinities (van der Maaten & Hinton, "Visualizing Data using
// t-SNE", JMLR 2008; van der Maaten, "Accelerating t-SNE using Tree-Based
// Algorithms", JMLR 2014).
//
// For each point i, a Gaussian over its k = min(N - 1, 3 * perplexity)
// nearest neighbours, p_{j|i} ∝ exp(-β_i d²_ij), with β_i found by binary
// search so that the entropy H = -Σ p log p equals log(perplexity) (natural
// log, as scikit-learn; tolerance 1e-5, at most 200 steps). Then the
// symmetric joint P = (P_cond + P_condᵀ) / (2N), stored sparse (CSR), which
// sums to 1.
import Tensor

public struct SparseAffinities: Sendable {
  public let count: Int
  /// CSR: row i's entries are columns[rowStart[i]..<rowStart[i+1]].
  public var rowStart: [Int]
  public var columns: [Int32]
  public var values: [Double]

  /// The symmetric joint affinities of points with the given neighbours.
  public static func compute(_ neighbors: Neighbors, count n: Int, perplexity: Double) -> SparseAffinities {
    let k = neighbors.k
    var conditional = [Double](repeating: 0, count: n * k)
    let target = log(perplexity)
    conditional.withUnsafeMutableBufferPointer { cb in
      let cp = SendablePointer(cb.baseAddress!)
      Parallel.chunks(n, cost: k * 50) { range in
        var row = [Double](repeating: 0, count: k)
        for i in range {
          let d = (0..<k).map { Double(neighbors.distances[i * k + $0]) }
          var (beta, low, high) = (1.0, -Double.infinity, Double.infinity)
          for _ in 0..<200 {
            // Subtract the nearest distance for numerical stability (it cancels in the normalization).
            var sum = 0.0
            for j in 0..<k {
              row[j] = exp(-beta * (d[j] - d[0]))
              sum += row[j]
            }
            var entropy = 0.0
            for j in 0..<k {
              row[j] /= sum
              if row[j] > 1e-300 { entropy -= row[j] * log(row[j]) }
            }
            if abs(entropy - target) < 1e-5 { break }
            if entropy > target {
              low = beta
              beta = high.isFinite ? (beta + high) / 2 : beta * 2
            } else {
              high = beta
              beta = low.isFinite ? (beta + low) / 2 : beta / 2
            }
          }
          for j in 0..<k { cp.base[i * k + j] = row[j] }
        }
      }
    }
    // Symmetrize: p_ij = (p_{j|i} + p_{i|j}) / 2N, over the union of both neighbour lists.
    var entries = [[(Int32, Double)]](repeating: [], count: n)
    for i in 0..<n {
      for j in 0..<k {
        let c = Int(neighbors.indices[i * k + j])
        let v = conditional[i * k + j] / Double(2 * n)
        entries[i].append((Int32(c), v))
        entries[c].append((Int32(i), v))
      }
    }
    var rowStart = [0], columns: [Int32] = [], values: [Double] = []
    for i in 0..<n {
      let sorted = entries[i].sorted { $0.0 < $1.0 }
      var last: Int32 = -1
      for (c, v) in sorted {
        if c == last { values[values.count - 1] += v } else { columns.append(c); values.append(v); last = c }
      }
      rowStart.append(columns.count)
    }
    return SparseAffinities(count: n, rowStart: rowStart, columns: columns, values: values)
  }
}

#if canImport(Glibc)
  import Glibc
#endif
