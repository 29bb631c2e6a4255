// Fully connected layer: y = x W^T + b, x (N, D), W (M, D), b (M), y (N, M).
// Backward: dx = dy W, dW += dy^T x, db += Σ_n dy. Three sgemm-shaped products.
import Tensor

public final class Linear: Layer {
  public struct Cache { let input: Tensor }

  public let name: String
  public let weight: Parameter  // (M, D)
  public let bias: Parameter  // (M)
  public var parameters: [Parameter] { [weight, bias] }

  public init(name: String, inputs: Int, outputs: Int, using rng: inout SplitMix64) {
    self.name = name
    weight = Parameter(name: "weight", heNormal(shape: [outputs, inputs], fanIn: inputs, using: &rng))
    bias = Parameter(name: "bias", Tensor(zeros: [outputs]))
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let (m, d) = (weight.value.shape[0], weight.value.shape[1])
    precondition(x.rank == 2 && x.shape[1] == d, "Linear(\(name)): input \(x.shape), weights expect (N, \(d))")
    let n = x.shape[0]
    var y = Tensor(zeros: [n, m])  // (N, M)
    y.withMutablePointer { py in
      bias.value.withPointer { pb in
        for i in 0..<n { (py + i &* m).update(from: pb, count: m) }
      }
    }
    gemm(x, transposeA: false, weight.value, transposeB: true, into: &y, beta: 1)
    return (y, Cache(input: x))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let x = cache.input
    gemm(dout, transposeA: true, x, transposeB: false, into: &weight.grad, beta: 1)  // (M, D)
    let (n, m) = (dout.shape[0], dout.shape[1])
    bias.grad.scalars.withUnsafeMutableBufferPointer { db in
      dout.scalars.withUnsafeBufferPointer { g in
        for i in 0..<n { for j in 0..<m { db[j] += g[i &* m &+ j] } }
      }
    }
    var dx = Tensor(zeros: x.shape)  // (N, D)
    gemm(dout, transposeA: false, weight.value, transposeB: false, into: &dx, beta: 0)
    return dx
  }
}

/// c = op(a) op(b) + beta c for 2-D tensors, through BLAS.
func gemm(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool, into c: inout Tensor, beta: Float) {
  let m = transposeA ? a.shape[1] : a.shape[0]
  let k = transposeA ? a.shape[0] : a.shape[1]
  let n = transposeB ? b.shape[0] : b.shape[1]
  precondition((transposeB ? b.shape[1] : b.shape[0]) == k && c.shape == [m, n], "gemm: \(a.shape) x \(b.shape) -> \(c.shape)")
  a.withPointer { pa in
    b.withPointer { pb in
      c.withMutablePointer { pc in
        BLAS.sgemm(
          transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: pa,
          lda: a.shape[1], b: pb, ldb: b.shape[1], beta: beta, c: pc, ldc: n)
      }
    }
  }
}
