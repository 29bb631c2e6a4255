// Ridge regression for R-CNN's bounding-box regressors (Girshick et al.,
// CVPR 2014, appendix C: w = argmin Σ_i (t_i - w·φ(P_i))² + λ |w|², "we
// found that λ = 1000 works well"). Conventions: an unregularized bias
// (inputs and targets are centred, the bias restores the means), several
// target columns solved at once; the normal equations (XᵀX + λI) W = XᵀY are
// formed by sgemm in Float and solved by Cholesky in Double.
import Tensor

public enum RidgeRegression {
  /// Weights (d, m) and bias (m) for rows `x` (n, d) and targets `y` (n, m).
  public static func fit(_ x: Tensor, _ y: Tensor, lambda: Double) -> (weights: [[Double]], bias: [Double]) {
    let (n, d, m) = (x.shape[0], x.shape[1], y.shape[1])
    precondition(y.shape[0] == n && n > 0 && lambda > 0, "RidgeRegression.fit: \(n) rows, \(y.shape[0]) targets, lambda \(lambda)")
    var xMean = [Double](repeating: 0, count: d), yMean = [Double](repeating: 0, count: m)
    for i in 0..<n {
      for k in 0..<d { xMean[k] += Double(x.scalars[i * d + k]) / Double(n) }
      for j in 0..<m { yMean[j] += Double(y.scalars[i * m + j]) / Double(n) }
    }
    let xc = Tensor(shape: [n, d], scalars: (0..<(n * d)).map { x.scalars[$0] - Float(xMean[$0 % d]) })
    let yc = Tensor(shape: [n, m], scalars: (0..<(n * m)).map { y.scalars[$0] - Float(yMean[$0 % m]) })
    var xtScalars = [Float](repeating: 0, count: n * d)
    for i in 0..<n { for k in 0..<d { xtScalars[k * n + i] = xc.scalars[i * d + k] } }
    let xt = Tensor(shape: [d, n], scalars: xtScalars)
    let gram = Tensor.matmul(xt, xc)  // (d, d)
    let rhs = Tensor.matmul(xt, yc)  // (d, m)
    var a = gram.scalars.map(Double.init)
    for k in 0..<d { a[k * d + k] += lambda }
    let w = solvePositiveDefinite(&a, d: d, rhs: rhs.scalars.map(Double.init), m: m)
    let weights = (0..<d).map { k in Array(w[(k * m)..<((k + 1) * m)]) }
    let bias = (0..<m).map { j in yMean[j] - (0..<d).reduce(0.0) { $0 + xMean[$1] * weights[$1][j] } }
    return (weights, bias)
  }

  /// Solves A X = B for symmetric positive-definite A (d x d, row-major, overwritten by its Cholesky factor), B (d x m).
  public static func solvePositiveDefinite(_ a: inout [Double], d: Int, rhs: [Double], m: Int) -> [Double] {
    // A = L Lᵀ, L in the lower triangle of a.
    a.withUnsafeMutableBufferPointer { l in
      for j in 0..<d {
        var s = l[j * d + j]
        for k in 0..<j { s -= l[j * d + k] * l[j * d + k] }
        precondition(s > 0, "RidgeRegression: matrix not positive definite")
        let diag = s.squareRoot()
        l[j * d + j] = diag
        for i in (j + 1)..<max(d, j + 1) {
          var t = l[i * d + j]
          let (ri, rj) = (i * d, j * d)
          for k in 0..<j { t -= l[ri + k] * l[rj + k] }
          l[i * d + j] = t / diag
        }
      }
    }
    var x = rhs
    for c in 0..<m {
      // L z = b, then Lᵀ x = z.
      for i in 0..<d {
        var s = x[i * m + c]
        for k in 0..<i { s -= a[i * d + k] * x[k * m + c] }
        x[i * m + c] = s / a[i * d + i]
      }
      for i in stride(from: d - 1, through: 0, by: -1) {
        var s = x[i * m + c]
        for k in (i + 1)..<max(d, i + 1) { s -= a[k * d + i] * x[k * m + c] }
        x[i * m + c] = s / a[i * d + i]
      }
    }
    return x
  }
}
