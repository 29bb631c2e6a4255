// The image update of CS231n's class visualization: a step of fixed length
// along the gradient, x <- x - η g / ‖g‖, with the norm taken per image
// (each slice along the first axis), so the learning rate sets how far the
// image moves per step whatever the scale of the score. (The assignment
// writes it as ascent, img += η ∇/‖∇‖; here objectives are minimized.)
import Tensor

public struct NormalizedGradientStep: Optimizer {
  public var learningRate: Float

  public init(learningRate: Float) { self.learningRate = learningRate }

  public mutating func step(_ parameters: [Parameter]) {
    for p in parameters where p.isTrainable {
      let rows = p.value.shape.first ?? 1
      let size = p.value.count / max(rows, 1)
      for r in 0..<rows {
        var norm = 0.0
        for i in (r * size)..<((r + 1) * size) { norm += Double(p.grad.scalars[i] * p.grad.scalars[i]) }
        guard norm > 0 else { continue }
        let s = learningRate / Float(norm.squareRoot())
        for i in (r * size)..<((r + 1) * size) { p.value.scalars[i] -= s * p.grad.scalars[i] }
      }
    }
  }
}
