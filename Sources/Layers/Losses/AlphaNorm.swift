// The α-norm image prior of Mahendran & Vedaldi, "Understanding Deep Image
// Representations by Inverting Them" (CVPR 2015), section 3.1: a large
// even α (they use 6) keeps pixels inside the range of natural images
// while barely touching those well inside it.
//
// Convention: pixels are centred at `center` and scaled by `halfRange`,
// u = (x - center) / halfRange, so the valid range maps to [-1, 1];
//   value = Σ u^α,   d value / dx = α u^(α-1) / halfRange.
import Tensor

public func alphaNorm(_ x: Tensor, alpha: Int = 6, center: Float = 0.5, halfRange: Float = 0.5) -> (value: Float, gradient: Tensor) {
  precondition(alpha >= 2 && alpha % 2 == 0, "alphaNorm: alpha must be an even integer >= 2, got \(alpha)")
  var value = 0.0
  var gradient = Tensor(zeros: x.shape)
  for i in 0..<x.count {
    let u = Double((x.scalars[i] - center) / halfRange)
    let p = pow(u, Double(alpha - 1))
    value += p * u
    gradient.scalars[i] = Float(Double(alpha) * p / Double(halfRange))
  }
  return (Float(value), gradient)
}

#if canImport(Glibc)
  import Glibc
#endif
