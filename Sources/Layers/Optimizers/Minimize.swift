// One loop for everything that optimizes an input rather than weights:
// class visualization, fooling images, feature inversion, style transfer,
// t-SNE embeddings. Objectives share sklearn's shape, x -> (value, gradient).
//
// `minimize` runs a first-order Optimizer for a fixed number of steps.
// `minimizeLBFGS` is L-BFGS (Nocedal, "Updating quasi-Newton matrices with
// limited storage", 1980): the two-loop recursion over the last `memory`
// (s, y) pairs, with a backtracking line search on the Armijo condition.
import Tensor

public typealias Objective = (Tensor) -> (value: Float, gradient: Tensor)

/// Gradient descent on `x0` with `optimizer`; `observe` sees every step;
/// `project` may then change x (clamping, blurring, clipping: the r_θ of
/// regularized image optimization), given the step's gradient.
public func minimize(
  _ objective: Objective, from x0: Tensor, steps: Int, optimizer: inout some Optimizer,
  observe: (_ step: Int, _ value: Float, _ x: Tensor) -> Void = { _, _, _ in },
  project: (_ step: Int, _ x: inout Tensor, _ gradient: Tensor) -> Void = { _, _, _ in }
) -> Tensor {
  let x = Parameter(name: "x", x0)
  for step in 0..<steps {
    let (value, gradient) = objective(x.value)
    observe(step, value, x.value)
    x.grad = gradient
    optimizer.step([x])
    project(step, &x.value, gradient)
  }
  return x.value
}

/// L-BFGS with backtracking; returns the last point and its value.
public func minimizeLBFGS(
  _ objective: Objective, from x0: Tensor, iterations: Int, memory: Int = 10,
  observe: (_ iteration: Int, _ value: Float, _ x: Tensor) -> Void = { _, _, _ in }
) -> (x: Tensor, value: Float) {
  var x = x0
  var (f, g) = objective(x)
  var history = LBFGSMemory(capacity: memory)
  for iteration in 0..<iterations {
    observe(iteration, f, x)
    let q = history.apply(g)  // two-loop recursion: d = -H g
    var direction = (-1 as Float) * q
    var slope = g.dot(direction)
    if !(slope < 0) {  // not a descent direction: restart with steepest descent
      history.clear()
      direction = (-1 as Float) * g
      slope = g.dot(direction)
    }
    if slope == 0 { break }
    var step: Float = history.isEmpty ? Float(1 / max(1, sqrt(g.dot(g)))) : 1
    var accepted = false
    for _ in 0..<30 {
      var candidate = x
      candidate.add(direction, scaledBy: step)
      let (fc, gc) = objective(candidate)
      if Double(fc) <= Double(f) + 1e-4 * Double(step) * slope {
        history.record(s: candidate - x, y: gc - g)
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

#if canImport(Glibc)
  import Glibc
#endif
