// Losses for regression and binary targets, each as (value, gradient), with
// the batch convention stated: sum over coordinates, mean over the N rows of
// an (N, ...) prediction.
//
// - L2:         Σ (p - t)² / N;                  grad 2 (p - t) / N
// - smooth L1:  Σ s(p - t) / N, s(d) = d²/(2β) if |d| < β else |d| - β/2
//               (Girshick, Fast R-CNN 2015, with β = 1); grad s'(d) / N
// - sigmoid binary cross-entropy, mean over all elements (PyTorch's
//   BCEWithLogits): -[t log σ(z) + (1 - t) log(1 - σ(z))], computed stably
//   as max(z, 0) - z t + log(1 + e^{-|z|}); grad (σ(z) - t) / count.
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

public func l2Loss(prediction: Tensor, target: Tensor) -> (value: Float, gradient: Tensor) {
  precondition(prediction.shape == target.shape, "l2Loss: shapes \(prediction.shape) and \(target.shape) differ")
  let n = Float(max(prediction.shape.first ?? 1, 1))
  var grad = prediction - target
  let value = grad.dot(grad) / Double(n)
  grad.scale(by: 2 / n)
  return (Float(value), grad)
}

public func smoothL1Loss(prediction: Tensor, target: Tensor, beta: Float = 1) -> (value: Float, gradient: Tensor) {
  precondition(prediction.shape == target.shape, "smoothL1Loss: shapes \(prediction.shape) and \(target.shape) differ")
  precondition(beta > 0, "smoothL1Loss: beta \(beta) must be positive")
  let n = Float(max(prediction.shape.first ?? 1, 1))
  var grad = prediction - target
  var value = 0.0
  grad.withMutablePointer { g in
    for i in 0..<prediction.count {
      let d = g[i]
      if abs(d) < beta {
        value += Double(d * d / (2 * beta))
        g[i] = d / beta / n
      } else {
        value += Double(abs(d) - beta / 2)
        g[i] = (d > 0 ? 1 : -1) / n
      }
    }
  }
  return (Float(value / Double(n)), grad)
}

public func sigmoidBinaryCrossEntropy(logits: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
  precondition(logits.shape == targets.shape, "sigmoidBinaryCrossEntropy: shapes \(logits.shape) and \(targets.shape) differ")
  let count = Float(max(logits.count, 1))
  var grad = logits
  var value = 0.0
  grad.withMutablePointer { g in
    targets.withPointer { t in
      for i in 0..<logits.count {
        let z = g[i]
        value += Double(max(z, 0) - z * t[i] + log1pf(expf(-abs(z))))
        g[i] = (1 / (1 + expf(-z)) - t[i]) / count
      }
    }
  }
  return (Float(value / Double(count)), grad)
}
