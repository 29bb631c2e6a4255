// Softmax cross-entropy, mean over the batch, with its gradient:
//   L = -(1/N) Σ_n log softmax(z_n)[y_n],  dL/dz = (softmax(z) - onehot(y)) / N.
// The log-sum-exp subtracts the row maximum first, so large logits do not overflow.
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Softmax probabilities of an (N, C) tensor of logits, row by row.
public func softmax(_ logits: Tensor) -> Tensor {
  precondition(logits.rank == 2, "softmax: expected (N, C), got \(logits.shape)")
  let (n, c) = (logits.shape[0], logits.shape[1])
  var p = logits
  p.withMutablePointer { q in
    for i in 0..<n {
      let row = q + i &* c
      var m = row[0]
      for j in 1..<c { m = max(m, row[j]) }
      var s: Float = 0
      for j in 0..<c {
        row[j] = expf(row[j] - m)
        s += row[j]
      }
      for j in 0..<c { row[j] /= s }
    }
  }
  return p
}

/// (mean loss, dL/dlogits) for logits (N, C) and integer labels in 0..<C.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
  precondition(logits.rank == 2 && logits.shape[0] == labels.count, "softmaxCrossEntropy: logits \(logits.shape), \(labels.count) labels")
  // BEGIN SOLUTION softmax-cross-entropy
  let (n, c) = (logits.shape[0], logits.shape[1])
  var grad = softmax(logits)
  var loss = 0.0
  grad.withMutablePointer { g in
    for i in 0..<n {
      let y = labels[i]
      precondition(y >= 0 && y < c, "softmaxCrossEntropy: label \(y) not in 0..<\(c)")
      loss -= log(max(Double(g[i &* c &+ y]), 1e-30))
      g[i &* c &+ y] -= 1
    }
  }
  grad.scale(by: 1 / Float(n))
  return (Float(loss / Double(n)), grad)
  // END SOLUTION
}
