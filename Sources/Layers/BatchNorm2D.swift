// Batch normalization over (N, H, W) per channel (Ioffe & Szegedy, ICML 2015).
//
// train: y = γ (x - μ_B) / sqrt(σ²_B + ε) + β with the batch's biased
//        variance; running statistics move by `momentum` toward the batch's
//        (unbiased variance for the running value, as PyTorch does).
// test:  the running statistics replace the batch's.
// Backward (train), with x̂ the normalized input and M = N·H·W:
//   dx = γ / (M sqrt(σ² + ε)) · (M dy - Σ dy - x̂ Σ(dy x̂))
import Tensor

public final class BatchNorm2D: Layer {
  public struct Cache {
    let normalized: Tensor  // x̂
    let inverseStd: [Float]  // per channel
    let mode: Mode
  }

  public let name: String
  public let gamma: Parameter
  public let beta: Parameter
  public let runningMean: Parameter
  public let runningVariance: Parameter
  public let momentum: Float
  public let epsilon: Float
  public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance] }

  public init(name: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
    self.name = name
    gamma = Parameter(name: "weight", Tensor(shape: [channels], repeating: 1))
    beta = Parameter(name: "bias", Tensor(zeros: [channels]))
    runningMean = Parameter(name: "running_mean", Tensor(zeros: [channels]), trainable: false)
    runningVariance = Parameter(name: "running_var", Tensor(shape: [channels], repeating: 1), trainable: false)
    self.momentum = momentum
    self.epsilon = epsilon
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let c = gamma.value.count
    precondition(x.rank == 4 && x.shape[1] == c, "BatchNorm2D(\(name)): input \(x.shape), expected (N, \(c), H, W)")
    let (n, plane) = (x.shape[0], x.shape[2] * x.shape[3])
    let m = n * plane
    var mean = [Float](repeating: 0, count: c)
    var variance = [Float](repeating: 0, count: c)
    if mode == .train {
      x.withPointer { px in
        for k in 0..<c {
          var s = 0.0, s2 = 0.0
          for i in 0..<n {
            let p = px + (i &* c &+ k) &* plane
            for j in 0..<plane { s += Double(p[j]) }
          }
          let mu = s / Double(m)
          for i in 0..<n {
            let p = px + (i &* c &+ k) &* plane
            for j in 0..<plane { let d = Double(p[j]) - mu; s2 += d * d }
          }
          mean[k] = Float(mu)
          variance[k] = Float(s2 / Double(m))
        }
      }
      for k in 0..<c {
        let unbiased = m > 1 ? variance[k] * Float(m) / Float(m - 1) : variance[k]
        runningMean.value.scalars[k] = (1 - momentum) * runningMean.value.scalars[k] + momentum * mean[k]
        runningVariance.value.scalars[k] = (1 - momentum) * runningVariance.value.scalars[k] + momentum * unbiased
      }
    } else {
      mean = runningMean.value.scalars
      variance = runningVariance.value.scalars
    }
    let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    var normalized = x
    var y = x
    normalized.withMutablePointer { pn in
      y.withMutablePointer { py in
        for i in 0..<n {
          for k in 0..<c {
            let base = (i &* c &+ k) &* plane
            let (mu, s, g, b) = (mean[k], inverseStd[k], gamma.value.scalars[k], beta.value.scalars[k])
            for j in 0..<plane {
              let xh = (pn[base &+ j] - mu) * s
              pn[base &+ j] = xh
              py[base &+ j] = g * xh + b
            }
          }
        }
      }
    }
    return (y, Cache(normalized: normalized, inverseStd: inverseStd, mode: mode))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let c = gamma.value.count
    let (n, plane) = (dout.shape[0], dout.shape[2] * dout.shape[3])
    let m = Float(n * plane)
    var dx = dout
    dout.withPointer { pd in
      cache.normalized.withPointer { pn in
        dx.withMutablePointer { px in
          for k in 0..<c {
            var sumDy = 0.0, sumDyXh = 0.0
            for i in 0..<n {
              let base = (i &* c &+ k) &* plane
              for j in 0..<plane {
                sumDy += Double(pd[base &+ j])
                sumDyXh += Double(pd[base &+ j]) * Double(pn[base &+ j])
              }
            }
            gamma.grad.scalars[k] += Float(sumDyXh)
            beta.grad.scalars[k] += Float(sumDy)
            let g = gamma.value.scalars[k] * cache.inverseStd[k]
            for i in 0..<n {
              let base = (i &* c &+ k) &* plane
              for j in 0..<plane {
                if cache.mode == .train {
                  px[base &+ j] = g / m * (m * pd[base &+ j] - Float(sumDy) - pn[base &+ j] * Float(sumDyXh))
                } else {
                  px[base &+ j] = g * pd[base &+ j]
                }
              }
            }
          }
        }
      }
    }
    return dx
  }
}
