// The memory of L-BFGS (Nocedal, "Updating quasi-Newton matrices with
// limited storage", 1980): the last `capacity` pairs s = x_{k+1} - x_k,
// y = g_{k+1} - g_k with rho = 1 / sᵀy, and the two-loop recursion that
// applies the implied inverse-Hessian estimate H to a gradient, scaled by
// sᵀy / yᵀy of the newest pair. Shared by minimizeLBFGS and minimizeLBFGSInBox.
import Tensor

struct LBFGSMemory {
  private(set) var pairs: [(s: Tensor, y: Tensor, rho: Double)] = []
  let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  var isEmpty: Bool { pairs.isEmpty }

  mutating func clear() { pairs.removeAll() }

  /// Keeps the pair when it has positive curvature (sᵀy > 1e-10); drops the oldest beyond capacity.
  mutating func record(s: Tensor, y: Tensor) {
    let sy = s.dot(y)
    guard sy > 1e-10 else { return }
    pairs.append((s, y, 1 / sy))
    if pairs.count > capacity { pairs.removeFirst() }
  }

  /// H g by the two-loop recursion (the search direction is its negative).
  func apply(_ g: Tensor) -> Tensor {
    var q = g
    var alphas: [Double] = []
    for (s, y, rho) in pairs.reversed() {
      let a = rho * s.dot(q)
      alphas.append(a)
      q.add(y, scaledBy: Float(-a))
    }
    if let last = pairs.last { q.scale(by: Float(last.s.dot(last.y) / last.y.dot(last.y))) }
    for ((s, y, rho), a) in zip(pairs, alphas.reversed()) {
      let b = rho * y.dot(q)
      q.add(s, scaledBy: Float(a - b))
    }
    return q
  }
}
