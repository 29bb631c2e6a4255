// Principal component analysis by subspace (block power) iteration on the
// covariance matrix, then Rayleigh-Ritz with a Jacobi eigensolver on the
// small projected matrix (Golub & Van Loan, "Matrix Computations", 8.2 and
// 8.5). Enough for the top few dozen components of a few hundred dimensions.
//
// Conventions: rows are samples; data are centred by the column means; the
// covariance divides by N - 1 (as scikit-learn's explained_variance_);
// components are unit vectors, ordered by decreasing variance, each with
// its largest-magnitude coordinate made positive (a deterministic sign; the
// projections flip with it). The start block is seeded, so results are
// deterministic.
import Tensor

public struct PCA: Sendable {
  /// (k, D), one component per row.
  public var components: Tensor
  /// Variance along each component.
  public var variances: [Double]
  /// Column means (D).
  public var mean: [Float]

  /// Fits the top `k` components of `data` (N, D).
  public init(fitting data: Tensor, components k: Int, iterations: Int = 30, seed: UInt64 = 0) {
    precondition(data.rank == 2 && data.shape[0] >= 2, "PCA: expected (N >= 2, D) data, got \(data.shape)")
    let (n, d) = (data.shape[0], data.shape[1])
    precondition(k >= 1 && k <= d, "PCA: \(k) components of \(d)-dimensional data")
    var mean = [Float](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += data.scalars[i * d + j] } }
    for j in 0..<d { mean[j] /= Float(n) }
    var centred = data
    for i in 0..<n { for j in 0..<d { centred.scalars[i * d + j] -= mean[j] } }
    // Covariance C = XᵀX / (N - 1), D x D.
    var covariance = Tensor.matmul(centred.transposed(), centred)
    covariance.scale(by: 1 / Float(n - 1))
    // Subspace iteration on a block a little wider than k, for faster convergence.
    let width = min(d, k + 8)
    var rng = SplitMix64(seed: seed)
    var block = Tensor.randomNormal(shape: [d, width], std: 1, using: &rng)
    for _ in 0..<iterations { block = Self.orthonormalized(Tensor.matmul(covariance, block)) }
    // Rayleigh-Ritz: eigenvectors of BᵀCB rotate the block onto the eigenvectors.
    let small = Tensor.matmul(block.transposed(), Tensor.matmul(covariance, block))
    let (values, vectors) = Self.jacobiEigen(small.scalars.map(Double.init), size: width)
    let order = values.indices.sorted { values[$0] > values[$1] }
    var components = [Float](repeating: 0, count: k * d)
    for (row, e) in order.prefix(k).enumerated() {
      var v = (0..<d).map { r in (0..<width).reduce(0.0) { $0 + Double(block.scalars[r * width + $1]) * vectors[$1 * width + e] } }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = v.map { $0 / norm }
      let largest = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
      let sign = v[largest] < 0 ? -1.0 : 1.0
      for c in 0..<d { components[row * d + c] = Float(sign * v[c]) }
    }
    self.components = Tensor(shape: [k, d], scalars: components)
    self.variances = order.prefix(k).map { values[$0] }
    self.mean = mean
  }

  /// The data (N, D) projected on the components: (N, k).
  public func transform(_ data: Tensor) -> Tensor {
    let d = mean.count
    precondition(data.rank == 2 && data.shape[1] == d, "PCA.transform: expected (N, \(d)) data, got \(data.shape)")
    var centred = data
    for i in 0..<data.shape[0] { for j in 0..<d { centred.scalars[i * d + j] -= mean[j] } }
    return Tensor.matmul(centred, components.transposed())
  }

  /// Columns made orthonormal by modified Gram-Schmidt (in Double).
  static func orthonormalized(_ m: Tensor) -> Tensor {
    let (rows, columns) = (m.shape[0], m.shape[1])
    var q = (0..<columns).map { c in (0..<rows).map { Double(m.scalars[$0 * columns + c]) } }
    for c in 0..<columns {
      for p in 0..<c {
        let dot = zip(q[c], q[p]).reduce(0) { $0 + $1.0 * $1.1 }
        for r in 0..<rows { q[c][r] -= dot * q[p][r] }
      }
      let norm = max(q[c].reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-300)
      q[c] = q[c].map { $0 / norm }
    }
    return Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { Float(q[$0 % columns][$0 / columns]) })
  }

  /// Eigenvalues and eigenvectors (columns of a row-major size x size matrix) of a symmetric matrix, by cyclic Jacobi rotations.
  static func jacobiEigen(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [Double]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<n { for j in 0..<n where i != j { off += a[i * n + j] * a[i * n + j] } }
      if off < 1e-22 * max(1, (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] * a[$1 * n + $1] }) { break }
      for p in 0..<n {
        for q in (p + 1)..<n where abs(a[p * n + q]) > 1e-300 {
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let (akp, akq) = (a[k * n + p], a[k * n + q])
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let (apk, aqk) = (a[p * n + k], a[q * n + k])
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let (vkp, vkq) = (v[k * n + p], v[k * n + q])
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
  }
}

extension Tensor {
  /// The transpose of a matrix.
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed: expected a matrix, got shape \(shape)")
    let (r, c) = (shape[0], shape[1])
    var out = [Float](repeating: 0, count: count)
    for i in 0..<r { for j in 0..<c { out[j * r + i] = scalars[i * c + j] } }
    return Tensor(shape: [c, r], scalars: out)
  }
}
