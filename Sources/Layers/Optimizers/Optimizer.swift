// Optimizers update trainable parameters from their accumulated gradients.
//
// SGD (with momentum and L2 weight decay, PyTorch's convention):
//   g = grad + λ w;  v = μ v + g;  w -= η v
// Adam (Kingma & Ba, ICLR 2015), bias-corrected:
//   m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  w -= η m̂ / (sqrt(v̂) + ε)
// State is kept per parameter object.
import Tensor

public protocol Optimizer {
  mutating func step(_ parameters: [Parameter])
}

public struct SGD: Optimizer {
  public var learningRate: Float
  public var momentum: Float
  public var weightDecay: Float
  var velocity: [ObjectIdentifier: Tensor] = [:]

  public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
    (self.learningRate, self.momentum, self.weightDecay) = (learningRate, momentum, weightDecay)
  }

  public mutating func step(_ parameters: [Parameter]) {
    for p in parameters where p.isTrainable {
      let key = ObjectIdentifier(p)
      var v = velocity[key] ?? Tensor.zeros(like: p.value)
      velocity[key] = nil  // keep v uniquely referenced while it is updated in place
      let (lr, mu, wd, count) = (learningRate, momentum, weightDecay, p.value.count)
      v.withMutablePointer { pv in
        p.grad.withPointer { pg in
          p.value.withMutablePointer { pw in
            for i in 0..<count {
              let g = pg[i] + wd * pw[i]
              pv[i] = mu * pv[i] + g
              pw[i] -= lr * pv[i]
            }
          }
        }
      }
      velocity[key] = v
    }
  }
}

public struct Adam: Optimizer {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  var moments: [ObjectIdentifier: (m: Tensor, v: Tensor)] = [:]
  var steps = 0

  public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
    (self.learningRate, self.beta1, self.beta2, self.epsilon) = (learningRate, beta1, beta2, epsilon)
  }

  public mutating func step(_ parameters: [Parameter]) {
    steps += 1
    let c1 = 1 - Float(pow(Double(beta1), Double(steps)))
    let c2 = 1 - Float(pow(Double(beta2), Double(steps)))
    for p in parameters where p.isTrainable {
      let key = ObjectIdentifier(p)
      var (m, v) = moments[key] ?? (Tensor.zeros(like: p.value), Tensor.zeros(like: p.value))
      moments[key] = nil
      let (b1, b2, lr, eps, count) = (beta1, beta2, learningRate, epsilon, p.value.count)
      m.withMutablePointer { pm in
        v.withMutablePointer { pv in
          p.grad.withPointer { pg in
            p.value.withMutablePointer { pw in
              for i in 0..<count {
                pm[i] = b1 * pm[i] + (1 - b1) * pg[i]
                pv[i] = b2 * pv[i] + (1 - b2) * pg[i] * pg[i]
                pw[i] -= lr * (pm[i] / c1) / ((pv[i] / c2).squareRoot() + eps)
              }
            }
          }
        }
      }
      moments[key] = (m, v)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
