// Gradient checks as a public utility (cs231n's gradient_check.py; JAX's
// check_vjp). Both use float32 tolerances: relative errors near 1e-3 are
// normal, 1e-2 is the usual bar (JAX's default without x64).
//
// - checkLayer: centered differences on a few sampled coordinates of every
//   parameter and of the input, for the scalar L = Σ y ⊙ c with a fixed
//   random c; sums in Double; error |a - n| / max(|a| + |n|, tiny).
// - checkVJP: the dot-product test <c, J t> ≈ <Jᵀ c, t> with random t, c;
//   costs two forward passes whatever the size.
// Keep inputs away from kinks (ReLU at 0, max-pool ties).
import Tensor

public struct GradientCheckReport: CustomStringConvertible, Sendable {
  /// The largest relative error found.
  public var worstRelativeError: Double
  /// Where it was: "input[17]" or "weight[3]".
  public var worstAt: String
  public var checked: Int

  public var description: String {
    "worst relative error \(worstRelativeError) at \(worstAt) over \(checked) coordinates"
  }
}

func relativeError(_ a: Double, _ b: Double) -> Double {
  let scale = abs(a) + abs(b)
  return scale < 1e-12 ? 0 : abs(a - b) / scale
}

/// Centered differences on `samples` coordinates of the input and of each parameter.
public func checkLayer<L: Layer>(
  _ layer: L, input: Tensor, mode: Mode = .train, samples: Int = 6, step h: Float = 1e-2,
  using rng: inout SplitMix64, beforeForward: () -> Void = {}
) -> GradientCheckReport {
  beforeForward()
  let (y0, cache) = layer.forward(input, mode: mode)
  let projection = Tensor.randomNormal(shape: y0.shape, std: 1, using: &rng)
  for p in layer.parameters { p.zeroGrad() }
  let dx = layer.backward(projection, cache: cache, rule: .gradient)
  func loss(_ x: Tensor) -> Double {
    beforeForward()
    return layer.forward(x, mode: mode).output.dot(projection)
  }
  var worst = (0.0, "nothing")
  var checked = 0
  // Input coordinates.
  for _ in 0..<min(samples, input.count) {
    let i = rng.nextInt(below: input.count)
    var plus = input, minus = input
    plus.scalars[i] += h
    minus.scalars[i] -= h
    let numeric = (loss(plus) - loss(minus)) / (2 * Double(h))
    let e = relativeError(Double(dx.scalars[i]), numeric)
    if e > worst.0 { worst = (e, "input[\(i)]") }
    checked += 1
  }
  // Parameter coordinates.
  for p in layer.parameters where p.isTrainable {
    let analytic = p.grad
    for _ in 0..<min(samples, p.value.count) {
      let i = rng.nextInt(below: p.value.count)
      let original = p.value.scalars[i]
      p.value.scalars[i] = original + h
      let lp = loss(input)
      p.value.scalars[i] = original - h
      let lm = loss(input)
      p.value.scalars[i] = original
      let numeric = (lp - lm) / (2 * Double(h))
      let e = relativeError(Double(analytic.scalars[i]), numeric)
      if e > worst.0 { worst = (e, "\(p.name)[\(i)]") }
      checked += 1
    }
  }
  return GradientCheckReport(worstRelativeError: worst.0, worstAt: worst.1, checked: checked)
}

/// The dot-product test for f: x -> y with vector-Jacobian product `vjp`.
public func checkVJP(
  _ f: (Tensor) -> Tensor, vjp: (Tensor) -> Tensor, at x: Tensor, step h: Float = 1e-2,
  using rng: inout SplitMix64
) -> (relativeError: Double, numeric: Double, analytic: Double) {
  let y = f(x)
  let t = Tensor.randomNormal(shape: x.shape, std: 1, using: &rng)
  let c = Tensor.randomNormal(shape: y.shape, std: 1, using: &rng)
  var plus = x, minus = x
  plus.add(t, scaledBy: h)
  minus.add(t, scaledBy: -h)
  let numeric = (f(plus).dot(c) - f(minus).dot(c)) / (2 * Double(h))
  let analytic = vjp(c).dot(t)
  return (relativeError(numeric, analytic), numeric, analytic)
}

/// Centered differences on sampled coordinates of an objective's input.
public func checkObjective(
  _ objective: Objective, at x: Tensor, samples: Int = 8, step h: Float = 1e-2, using rng: inout SplitMix64
) -> GradientCheckReport {
  let g = objective(x).gradient
  var worst = (0.0, "nothing")
  for _ in 0..<min(samples, x.count) {
    let i = rng.nextInt(below: x.count)
    var plus = x, minus = x
    plus.scalars[i] += h
    minus.scalars[i] -= h
    let numeric = (Double(objective(plus).value) - Double(objective(minus).value)) / (2 * Double(h))
    let e = relativeError(Double(g.scalars[i]), numeric)
    if e > worst.0 { worst = (e, "x[\(i)]") }
  }
  return GradientCheckReport(worstRelativeError: worst.0, worstAt: worst.1, checked: min(samples, x.count))
}
