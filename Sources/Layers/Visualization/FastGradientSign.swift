// The fast gradient sign method (Goodfellow, Shlens & Szegedy, "Explaining and
// Harnessing Adversarial Examples", ICLR 2015, eq. 3):
//   x_adv = x + ε sign(∇_x J(θ, x, y)),
// one step that raises the loss J (use the gradient of the negated target
// score for a targeted attack). sign(0) = 0 (torch.sign); the result is
// clamped to [low, high] (the valid pixel range) when one is given.
import Tensor

/// x + ε sign(gradient), optionally clamped to `range`.
public func fastGradientSign(
  image: Tensor, lossGradient: Tensor, epsilon: Float, range: ClosedRange<Float>? = nil
) -> Tensor {
  precondition(image.shape == lossGradient.shape, "fastGradientSign: image \(image.shape) but gradient \(lossGradient.shape)")
  // BEGIN SOLUTION fgsm
  var out = image
  for i in 0..<out.count {
    let g = lossGradient.scalars[i]
    var v = out.scalars[i] + epsilon * (g > 0 ? 1 : g < 0 ? -1 : 0)
    if let range { v = min(max(v, range.lowerBound), range.upperBound) }
    out.scalars[i] = v
  }
  return out
  // END SOLUTION
}
