// Gradient checks of a submission's backward outputs, run by the grader
// against the reference's forward pass: the dot-product test of
// Layers/GradientCheck.swift (checkVJP), with the cotangent fixed to the
// test's upstream gradient: <dout, J t> by centered differences of the
// forward (in this process) against <submitted gradient, t>. It says whether
// a wrong gradient is wrong as a derivative, not only different.
import Layers
import Tensor

enum GradientChecks {
  /// "gradient check of `name` against the forward: relative error e".
  static func dotProduct(
    _ name: String, forward f: (Tensor) -> Tensor, at x: Tensor, cotangent c: Tensor, gradient: Tensor, step h: Float = 1e-2
  ) -> String {
    guard gradient.shape == x.shape else { return "gradient check of `\(name)` skipped (wrong shape)" }
    var rng = SplitMix64(seed: 99)
    let t = Tensor.randomNormal(shape: x.shape, std: 1, using: &rng)
    var plus = x, minus = x
    plus.add(t, scaledBy: h)
    minus.add(t, scaledBy: -h)
    let numeric = (f(plus).dot(c) - f(minus).dot(c)) / (2 * Double(h))
    let analytic = gradient.dot(t)
    let scale = abs(numeric) + abs(analytic)
    let error = scale < 1e-12 ? 0 : abs(numeric - analytic) / scale
    return "gradient check of `\(name)` against the forward (dot-product test): relative error \(Compare.sci(error))"
  }
}
