import Testing
import Tensor

@testable import Detection

struct LinearSVMTests {
  @Test func twoPointsGiveTheMaximumMarginByHand() {
    // x = +1 (y = +1) and x = -1 (y = -1), bias feature 1, large C: the hard-margin solution is
    // w = 1, b = 0 (both points on the margin, w.x = +-1), alphas 1/2 each (w = sum a y x = a1 + a2).
    let t = LinearSVM.train([1, -1], labels: [1, -1], dimension: 1, options: .init(c: 100, tolerance: 1e-6, maxPasses: 10_000))
    #expect(abs(t.model.weights[0] - 1) < 1e-3)
    #expect(abs(t.model.bias) < 1e-3)
    #expect(abs(t.alphas[0] - 0.5) < 1e-3 && abs(t.alphas[1] - 0.5) < 1e-3)
  }

  @Test func dualityGapClosesOnOverlappingClasses() {
    // Two overlapping Gaussian clouds in 20-D: the primal and dual objectives, computed
    // independently of the solver's updates, meet at the optimum (weak duality: gap >= 0).
    var rng = SplitMix64(seed: 3)
    let (n, d) = (300, 20)
    var x = [Float](), y = [Float]()
    for i in 0..<n {
      let label: Float = i % 3 == 0 ? 1 : -1
      for k in 0..<d { x.append(Float(rng.nextGaussian()) + (k < 3 ? 0.8 * label : 0)) }
      y.append(label)
    }
    let t = LinearSVM.train(x, labels: y, dimension: d, options: .init(c: 0.1, tolerance: 1e-4, maxPasses: 5_000))
    #expect(t.primal >= t.dual - 1e-6)
    #expect((t.primal - t.dual) / t.primal < 1e-3, "primal \(t.primal), dual \(t.dual)")
    // The informative coordinates carry the weight.
    #expect(t.model.weights[0..<3].allSatisfy { $0 > 0.1 })
    #expect(t.alphas.allSatisfy { $0 >= 0 && $0 <= 0.1 + 1e-12 })
  }
}
