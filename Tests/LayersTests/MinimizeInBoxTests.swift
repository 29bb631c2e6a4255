// minimizeLBFGSInBox on objectives whose box-constrained minimum is known by hand.
import Testing

@testable import Layers
@testable import Tensor

struct BoxConstrainedLBFGSTests {
  /// f(x) = ½ xᵀ A x - bᵀ x with A = [[2, 1], [1, 2]] and b = (3, -3): the
  /// unconstrained minimum (3, -3) lies outside [0, 1]²; with x₂ held at 0
  /// the minimum over x₁ of x₁² - 3 x₁ is 1.5, outside again, so the box
  /// minimum is the corner (1, 0) (the KKT conditions by hand: g = (2 - 3,
  /// 1 + 3) = (-1, 4), pushing outwards at both bounds).
  @Test func quadraticMinimumOnACorner() {
    let objective: Objective = { x in
      let (a, b) = (x.scalars[0], x.scalars[1])
      return (0.5 * (2 * a * a + 2 * a * b + 2 * b * b) - 3 * a + 3 * b, Tensor([2 * a + b - 3, a + 2 * b + 3]))
    }
    let (x, value) = minimizeLBFGSInBox(objective, from: Tensor([0.5, 0.5]), lower: 0, upper: 1, iterations: 50)
    #expect(abs(x.scalars[0] - 1) < 1e-5 && abs(x.scalars[1]) < 1e-5, "\(x.scalars)")
    #expect(abs(value - (1 - 3)) < 1e-5)
  }

  /// A separable objective with an interior and two clipped minima: Σ (x_i - a_i)⁴ + (x_i - a_i)².
  @Test func separableMinimumIsTheClippedTarget() {
    let a: [Float] = [0.3, -0.5, 1.7, 0.9, 0.05]
    let objective: Objective = { x in
      let d = zip(x.scalars, a).map { $0 - $1 }
      return (d.map { $0 * $0 * $0 * $0 + $0 * $0 }.reduce(0, +), Tensor(d.map { 4 * $0 * $0 * $0 + 2 * $0 }))
    }
    let (x, _) = minimizeLBFGSInBox(objective, from: Tensor(shape: [5], repeating: 0.5), lower: 0, upper: 1, iterations: 100)
    #expect(maxDifference(x.scalars, a.map { min(max($0, 0), 1) }) < 1e-3, "\(x.scalars)")
  }
}
