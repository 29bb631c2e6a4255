// Linear SVM trained by dual coordinate descent (Hsieh, Chang, Lin, Keerthi
// and Sundararajan, "A Dual Coordinate Descent Method for Large-scale Linear
// SVM", ICML 2008; liblinear's L2-regularized L1-loss dual solver).
//
// Primal: min_w  1/2 |w|^2 + C sum_i max(0, 1 - y_i w.x_i),  y_i in {-1, +1}.
// Dual:   min_a  1/2 a'Qa - sum_i a_i,  0 <= a_i <= C_i,  Q_ij = y_i y_j x_i.x_j,
// with w = sum_i a_i y_i x_i. One pass visits the coordinates in a seeded
// random order; coordinate i moves to clip(a_i - G_i / Q_ii, 0, C_i) with
// G_i = y_i w.x_i - 1, and w follows. It stops when the projected gradient's
// spread max PG - min PG over a pass is below `tolerance` (liblinear's rule,
// without shrinking) or after `maxPasses`.
// Conventions: the bias is an extra feature of constant value `biasFeature`
// (liblinear's -B), so it is regularized too; positives and negatives may
// have their own C (DPM and Dalal-Triggs weight them alike: both 1).
import Tensor

public struct LinearSVM: Sendable, Codable {
  /// Weights, without the bias.
  public var weights: [Float]
  public var bias: Float

  public init(weights: [Float], bias: Float) { (self.weights, self.bias) = (weights, bias) }

  public func score(_ x: UnsafePointer<Float>) -> Float { dot(weights, x) + bias }
  public func score(_ x: [Float]) -> Float { x.withUnsafeBufferPointer { score($0.baseAddress!) } }

  public struct Options: Sendable, Codable {
    public var c: Double = 0.01
    /// Cost of a positive's slack relative to a negative's.
    public var positiveWeight: Double = 1
    public var biasFeature: Float = 1
    /// liblinear's default for the dual solvers.
    public var tolerance: Double = 0.1
    public var maxPasses: Int = 500
    public var seed: UInt64 = 1
    public init(c: Double = 0.01, positiveWeight: Double = 1, tolerance: Double = 0.1, maxPasses: Int = 500, seed: UInt64 = 1) {
      (self.c, self.positiveWeight, self.tolerance, self.maxPasses, self.seed) = (c, positiveWeight, tolerance, maxPasses, seed)
    }
  }

  /// What training found: the model, its dual variables and how long it took.
  public struct Training: Sendable {
    public var model: LinearSVM
    public var alphas: [Double]
    public var passes: Int
    public var primal: Double
    public var dual: Double
  }

  /// Trains on the rows of `x` (n rows of `dimension`) with labels +-1.
  public static func train(_ x: [Float], labels: [Float], dimension d: Int, options o: Options = Options()) -> Training {
    let n = labels.count
    precondition(x.count == n * d && n > 0, "LinearSVM.train: \(x.count) values for \(n) rows of \(d)")
    precondition(labels.allSatisfy { $0 == 1 || $0 == -1 }, "LinearSVM.train: labels must be +1 or -1")
    var w = [Float](repeating: 0, count: d + 1)  // last: bias
    var alpha = [Double](repeating: 0, count: n)
    let bf = o.biasFeature
    var qii = [Double](repeating: 0, count: n)
    var order = Array(0..<n)
    var rng = SplitMix64(seed: o.seed)
    var passes = 0
    x.withUnsafeBufferPointer { xb in
      for i in 0..<n { qii[i] = Double(dot(xb.baseAddress! + i * d, xb.baseAddress! + i * d, d)) + Double(bf * bf) }
      w.withUnsafeMutableBufferPointer { wb in
        let wp = wb.baseAddress!
        while passes < o.maxPasses {
          passes += 1
          for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
          var (maxPG, minPG) = (-Double.infinity, Double.infinity)
          for i in order {
            let xi = xb.baseAddress! + i * d
            let y = Double(labels[i])
            let upper = y > 0 ? o.c * o.positiveWeight : o.c
            let g = y * Double(dot(wp, xi, d) + wp[d] * bf) - 1
            var pg = g
            if alpha[i] == 0 { pg = min(g, 0) } else if alpha[i] == upper { pg = max(g, 0) }
            maxPG = max(maxPG, pg)
            minPG = min(minPG, pg)
            guard abs(pg) > 1e-12, qii[i] > 0 else { continue }
            let old = alpha[i]
            alpha[i] = min(max(old - g / qii[i], 0), upper)
            let step = Float((alpha[i] - old) * y)
            if step != 0 {
              for k in 0..<d { wp[k] += step * xi[k] }
              wp[d] += step * bf
            }
          }
          if maxPG - minPG < o.tolerance { break }
        }
      }
    }
    let model = LinearSVM(weights: Array(w[0..<d]), bias: w[d] * bf)
    // Objectives, for the duality gap (0 at the optimum).
    var hinge = 0.0
    for i in 0..<n {
      let s = x.withUnsafeBufferPointer { Double(model.score($0.baseAddress! + i * d)) }
      let upper = labels[i] > 0 ? o.c * o.positiveWeight : o.c
      hinge += upper * max(0, 1 - Double(labels[i]) * s)
    }
    let norm2 = w.reduce(0.0) { $0 + Double($1) * Double($1) }
    let primal = 0.5 * norm2 + hinge
    let dual = alpha.reduce(0, +) - 0.5 * norm2
    return Training(model: model, alphas: alpha, passes: passes, primal: primal, dual: dual)
  }
}

/// Dot product of two float vectors of length `n` (8 partial sums).
@inlinable public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
  var acc = SIMD8<Float>()
  var k = 0
  while k + 8 <= n {
    acc += UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Float>.self)
    k += 8
  }
  var s = acc.sum()
  while k < n { s += a[k] * b[k]; k += 1 }
  return s
}

func dot(_ a: [Float], _ b: UnsafePointer<Float>) -> Float {
  a.withUnsafeBufferPointer { dot($0.baseAddress!, b, a.count) }
}
