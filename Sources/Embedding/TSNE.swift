// t-SNE (van der Maaten & Hinton, JMLR 2008) with Barnes-Hut gradients
// (van der Maaten, JMLR 2014), optimized as scikit-learn and openTSNE do.
//
// Gradient of KL(P || Q) with Student-t similarities w_ij = 1/(1 + |y_i - y_j|²),
// Z = Σ_{k≠l} w_kl, q_ij = w_ij / Z:
//   dC/dy_i = 4 [ Σ_j α p_ij w_ij (y_i - y_j) - (1/Z) Σ_j w_ij² (y_i - y_j) ]
// with α the exaggeration. Learning-rate conventions: scikit-learn steps
// along this full gradient; bhtsne, FIt-SNE and openTSNE drop the factor 4,
// so their learning rate is 4x scikit-learn's for the same step.
// `LearningRateConvention` says which one a rate is given in.
// Schedule (both libraries' defaults): `exaggerationIterations` iterations at
// exaggeration 12 with momentum 0.5, then exaggeration 1 and momentum 0.8;
// per-coordinate gains (+0.2 when the gradient changes sign against the
// update, x0.8 otherwise, at least 0.01). Initialization: the data's first
// two principal components, scaled so the first has standard deviation 1e-4
// (openTSNE's and scikit-learn's "pca" init). The reported KL divergence uses
// the final Z of the same approximation (exact when θ = 0).
import Tensor

public enum LearningRateConvention: String, Sendable, Codable, CaseIterable {
  /// Steps along the full gradient (scikit-learn).
  case sklearn
  /// Steps along the gradient without its factor 4 (bhtsne, FIt-SNE, openTSNE): 4x scikit-learn's rate for the same step.
  case openTSNE
}

/// The repulsive half of the gradient: all pairs, a Barnes-Hut tree, or FFT
/// interpolation on a grid (FIt-SNE).
public enum RepulsionMethod: String, Sendable, Codable, CaseIterable {
  case auto
  /// Barnes-Hut with `theta` (θ = 0: every pair, exactly).
  case barnesHut = "bh"
  /// Polynomial interpolation on a grid and FFT convolution (FFTRepulsion.swift).
  case fft

  /// From this many points up, `.auto` interpolates. Measured on this
  /// project's 2-core machine (Fashion-MNIST, PCA 50, the benchmark's
  /// settings): at 5,000 points Barnes-Hut takes 7.5 s and interpolation
  /// with 3 nodes 9.7 s; at 20,000 Barnes-Hut 42 s (KL 1.881), interpolation
  /// 20 s with 3 nodes (KL 1.993), 30 s with 4 (1.936), 42 s with 5 (1.887).
  /// Barnes-Hut is the more accurate until its N log N overtakes the grid.
  public static let interpolationThreshold = 50_000

  /// The method actually used for `count` points.
  public func resolved(count: Int) -> RepulsionMethod {
    self == .auto ? (count >= Self.interpolationThreshold ? .fft : .barnesHut) : self
  }
}

public struct TSNEOptions: Sendable, Codable {
  public var perplexity = 30.0
  public var iterations = 1000
  public var exaggerationIterations = 250
  public var exaggeration = 12.0
  public var learningRate = 200.0
  public var convention = LearningRateConvention.sklearn
  /// How the repulsive forces are computed (`.auto`: Barnes-Hut below
  /// `RepulsionMethod.interpolationThreshold` points, interpolation above).
  public var method = RepulsionMethod.auto
  /// Barnes-Hut accuracy; 0 computes every pair exactly.
  public var theta = 0.5
  /// Interpolation nodes per box and axis of the FFT method (openTSNE: 3).
  public var interpolationNodes = 3
  public var seed: UInt64 = 0

  public init() {}
}

public struct TSNEResult: Sendable {
  /// (N, 2) embedding.
  public var embedding: Tensor
  public var klDivergence: Double
  /// KL divergence at iterations 50, 100, ... (as the libraries report it).
  public var klHistory: [(iteration: Int, kl: Double)]
}

public enum TSNE {
  /// Embeds the rows of `data` (N, D) in two dimensions.
  public static func embed(_ data: Tensor, options: TSNEOptions, log: (String) -> Void = { _ in }) -> TSNEResult {
    let n = data.shape[0]
    precondition(data.rank == 2 && n >= 4, "t-SNE: expected (N >= 4, D) data, got \(data.shape)")
    precondition(options.perplexity > 0 && Double(n - 1) >= options.perplexity, "t-SNE: perplexity \(options.perplexity) needs N - 1 >= perplexity (N = \(n))")
    let k = min(n - 1, Int(3 * options.perplexity))
    let neighbors = Neighbors.exact(data, k: k)
    let p = SparseAffinities.compute(neighbors, count: n, perplexity: options.perplexity)
    let initial = PCA(fitting: data, components: 2, seed: options.seed).transform(data)
    let std = standardDeviation((0..<n).map { Double(initial.scalars[2 * $0]) })
    let start = initial.scalars.map { Double($0) / max(std, 1e-12) * 1e-4 }
    return optimize(p, from: start, options: options, log: log)
  }

  /// Gradient descent on KL(P || Q) from the (N x 2, row-major) start.
  public static func optimize(_ p: SparseAffinities, from start: [Double], options: TSNEOptions, log: (String) -> Void = { _ in }) -> TSNEResult {
    let n = p.count
    var y = start
    var update = [Double](repeating: 0, count: 2 * n)
    var gains = [Double](repeating: 1, count: 2 * n)
    var gradient = [Double](repeating: 0, count: 2 * n)
    let stepScale = options.convention == .sklearn ? 4.0 : 1.0  // the gradient's factor 4, or not
    var history: [(Int, Double)] = []
    var lastKL = 0.0
    let method = options.method.resolved(count: n)
    let interpolation = method == .fft ? FFTRepulsion(nodesPerBox: options.interpolationNodes) : nil
    for iteration in 0..<options.iterations {
      let exaggerating = iteration < options.exaggerationIterations
      let alpha = exaggerating ? options.exaggeration : 1
      let momentum = exaggerating ? 0.5 : 0.8
      let wantKL = (iteration + 1) % 50 == 0 || iteration == options.iterations - 1
      let kl = computeGradient(p, y, alpha: alpha, theta: options.theta, interpolation: interpolation, into: &gradient, klWanted: wantKL)
      // snippet.step
      for c in 0..<(2 * n) {
        let g = stepScale * gradient[c]
        gains[c] = (update[c] * g < 0) ? gains[c] + 0.2 : max(gains[c] * 0.8, 0.01)
        update[c] = momentum * update[c] - options.learningRate * gains[c] * g
        y[c] += update[c]
      }
      // snippet.end
      if wantKL, let kl {
        lastKL = kl
        history.append((iteration + 1, kl))
        log("iteration \(iteration + 1): KL \(String(format: "%.4f", kl))\(exaggerating ? " (exaggerated)" : "")")
      }
    }
    return TSNEResult(embedding: Tensor(shape: [n, 2], scalars: y.map(Float.init)), klDivergence: lastKL, klHistory: history)
  }

  /// Writes dC/dy without the factor 4 (openTSNE's convention) into `gradient`;
  /// returns KL(αP || Q) when asked (the exaggerated P during early exaggeration, as scikit-learn reports).
  @discardableResult
  static func computeGradient(
    _ p: SparseAffinities, _ y: [Double], alpha: Double, theta: Double, interpolation: FFTRepulsion? = nil,
    into gradient: inout [Double], klWanted: Bool
  ) -> Double? {
    let n = p.count
    let xs = (0..<n).map { y[2 * $0] }, ys = (0..<n).map { y[2 * $0 + 1] }
    var repulsive = [Double](repeating: 0, count: 2 * n)
    let z: Double
    if let interpolation {
      z = interpolation.repulsion(xs: xs, ys: ys, forces: &repulsive, threads: Parallel.threadOverride ?? BLAS.threads)
    } else {
      z = treeRepulsion(xs, ys, theta: theta, into: &repulsive)
    }
    var attractive = [Double](repeating: 0, count: 2 * n)
    var klParts = [Double](repeating: 0, count: n)
    attractive.withUnsafeMutableBufferPointer { ab in
      klParts.withUnsafeMutableBufferPointer { kb in
        y.withUnsafeBufferPointer { yb in
          p.rowStart.withUnsafeBufferPointer { rb in
            p.columns.withUnsafeBufferPointer { cb in
              p.values.withUnsafeBufferPointer { vb in
                let (ap, kp, yp) = (SendablePointer(ab.baseAddress!), SendablePointer(kb.baseAddress!), SendableConstPointer(yb.baseAddress!))
                let (rows, columns, values) = (SendableConstPointer(rb.baseAddress!), SendableConstPointer(cb.baseAddress!), SendableConstPointer(vb.baseAddress!))
                Parallel.chunks(n, cost: 256) { range in
                  let y = yp.base
                  for i in range {
                    let (px, py) = (y[2 &* i], y[2 &* i &+ 1])
                    var (fx, fy, kl) = (0.0, 0.0, 0.0)
                    for e in rows.base[i]..<rows.base[i &+ 1] {
                      let j = Int(columns.base[e])
                      let dx = px - y[2 &* j], dy = py - y[2 &* j &+ 1]
                      let w = 1 / (1 + dx * dx + dy * dy)
                      let pij = alpha * values.base[e]
                      fx += pij * w * dx
                      fy += pij * w * dy
                      if klWanted { kl += pij * log(max(pij, 1e-300) / w) }  // + pij log Z added below
                    }
                    ap.base[2 &* i] = fx
                    ap.base[2 &* i &+ 1] = fy
                    kp.base[i] = kl
                  }
                }
              }
            }
          }
        }
      }
    }
    for c in 0..<(2 * n) { gradient[c] = attractive[c] - repulsive[c] / z }
    guard klWanted else { return nil }
    // KL = Σ p log(p / (w / Z)) = Σ p log(p / w) + (Σ p) log Z.
    return klParts.reduce(0, +) + alpha * p.values.reduce(0, +) * log(z)
  }

  /// Z and the unnormalised repulsive forces by the Barnes-Hut tree (θ = 0: exact).
  static func treeRepulsion(_ xs: [Double], _ ys: [Double], theta: Double, into repulsive: inout [Double]) -> Double {
    let n = xs.count
    let tree = QuadTree(x: xs, y: ys)
    let packed = tree.packed()
    let visitOrder = tree.order  // points in tree order: neighbours in a chunk walk similar paths
    var zParts = [Double](repeating: 0, count: n)
    zParts.withUnsafeMutableBufferPointer { zb in
      repulsive.withUnsafeMutableBufferPointer { rb in
        let (zp, rp) = (SendablePointer(zb.baseAddress!), SendablePointer(rb.baseAddress!))
        Parallel.chunks(n, cost: 1 << 12) { range in
          var stack: [Int] = []
          stack.reserveCapacity(256)
          for slot in range {
            let i = Int(visitOrder[slot])
            let r = theta > 0
              ? packed.withUnsafeBufferPointer { tree.repulsion(of: i, px: xs[i], py: ys[i], theta: theta, nodes: $0, stack: &stack) }
              : exactRepulsion(i, xs, ys)
            zp.base[i] = r.z
            rp.base[2 * i] = r.fx
            rp.base[2 * i + 1] = r.fy
          }
        }
      }
    }
    return zParts.reduce(0, +)
  }

  static func exactRepulsion(_ i: Int, _ xs: [Double], _ ys: [Double]) -> (z: Double, fx: Double, fy: Double) {
    var (z, fx, fy) = (0.0, 0.0, 0.0)
    for j in xs.indices where j != i {
      let dx = xs[i] - xs[j], dy = ys[i] - ys[j]
      let w = 1 / (1 + dx * dx + dy * dy)
      z += w
      fx += w * w * dx
      fy += w * w * dy
    }
    return (z, fx, fy)
  }

  static func standardDeviation(_ v: [Double]) -> Double {
    let m = v.reduce(0, +) / Double(max(v.count, 1))
    return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(v.count, 1))).squareRoot()
  }
}

#if canImport(Glibc)
  import Glibc
#endif
