// L-BFGS inside a box, lower <= x <= upper, by projection: the two-loop
// recursion of `minimizeLBFGS` restricted to the free variables, and a
// backtracking line search along the projected path P(x + α d) (Bertsekas,
// "Projected Newton methods for optimization problems with simple
// constraints", SIAM J. Control Optim. 1982; Kim, Sra & Dhillon, "Tackling
// box-constrained optimization via a new projected quasi-Newton approach",
// SIAM J. Sci. Comput. 2010). Szegedy et al.'s adversarial search (2013)
// used box-constrained L-BFGS to keep images in [0, 1]; this is a simpler
// relative of Byrd, Lu, Nocedal & Zhu's L-BFGS-B (no generalized Cauchy
// point), which is enough for the objectives here.
//
// Conventions: a variable is fixed for an iteration when it sits on a
// bound and the gradient pushes it outwards; the direction is zero there.
// The Armijo test uses the projected step: f(x⁺) <= f(x) + 1e-4 gᵀ(x⁺ - x).
// Stops when no step decreases f or the projected gradient vanishes.
import Tensor

/// Minimizes `objective` over lower <= x <= upper from `x0` (projected into
/// the box first); returns the last point and its value.
public func minimizeLBFGSInBox(
  _ objective: Objective, from x0: Tensor, lower: Float, upper: Float, iterations: Int, memory: Int = 10
) -> (x: Tensor, value: Float) {
  precondition(lower < upper, "minimizeLBFGSInBox: empty box \(lower)...\(upper)")
  func project(_ t: Tensor) -> Tensor { t.map { min(max($0, lower), upper) } }
  /// 1 where the variable may move, 0 where it is held at a bound.
  func freeMask(_ x: Tensor, _ g: Tensor) -> Tensor {
    Tensor(shape: x.shape, scalars: zip(x.scalars, g.scalars).map { xi, gi in (xi <= lower && gi > 0) || (xi >= upper && gi < 0) ? 0 : 1 })
  }
  var x = project(x0)
  var (f, g) = objective(x)
  var history = LBFGSMemory(capacity: memory)
  for _ in 0..<iterations {
    let free = freeMask(x, g)
    let gFree = g * free
    if gFree.dot(gFree) == 0 { break }
    let q = history.apply(gFree)  // two-loop recursion on the free variables: d = -H g
    var direction = (-1 as Float) * (q * free)
    if !(g.dot(direction) < 0) {  // not a descent direction: restart with projected steepest descent
      history.clear()
      direction = (-1 as Float) * gFree
    }
    var step: Float = history.isEmpty ? Float(1 / max(1, gFree.dot(gFree).squareRoot())) : 1
    var accepted = false
    for _ in 0..<30 {
      var candidate = x
      candidate.add(direction, scaledBy: step)
      candidate = project(candidate)
      let moved = candidate - x
      let (fc, gc) = objective(candidate)
      if Double(fc) <= Double(f) + 1e-4 * g.dot(moved) && moved.dot(moved) > 0 {
        history.record(s: moved, y: gc - g)
        (x, f, g) = (candidate, fc, gc)
        accepted = true
        break
      }
      step /= 2
    }
    if !accepted { break }
  }
  return (x, f)
}
