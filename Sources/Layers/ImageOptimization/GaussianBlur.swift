// Gaussian blur of NCHW images and its adjoint, the smoothing step of class
// visualization (Yosinski et al., "Understanding Neural Networks Through Deep
// Visualization", ICML DL workshop 2015: "blur x a bit"; CS231n's
// `blur_image`, which calls scipy's `gaussian_filter1d` along H and W).
//
// Conventions (scipy.ndimage.gaussian_filter1d's defaults): weights
// exp(-k²/2σ²) for |k| <= round(4σ), normalized to sum 1; mode "reflect",
// the border pixel repeated (d c b a | a b c d | d c b a). Separable: one
// pass along W, then one along H. `adjoint` scatters through the same
// index map, <blur(x), y> = <x, adjoint(y)>, which is what a gradient
// through a blur needs (tested by the dot-product identity). With this
// half-sample reflection and a symmetric kernel the matrix happens to be
// symmetric, so the two agree (also tested); with other border rules
// (clamp, zero-padding renormalized) they would not.
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

public struct GaussianBlur: Sendable {
  public let sigma: Double
  /// The normalized 1-D weights, index k + radius for offset k.
  public let weights: [Float]
  public var radius: Int { weights.count / 2 }

  public init(sigma: Double) {
    precondition(sigma > 0, "GaussianBlur: sigma must be positive, got \(sigma)")
    self.sigma = sigma
    let radius = Int((4 * sigma).rounded())
    let raw = (-radius...radius).map { k in exp(-Double(k * k) / (2 * sigma * sigma)) }
    let total = raw.reduce(0, +)
    weights = raw.map { Float($0 / total) }
  }

  /// scipy's "reflect" index for position i of a line of length n.
  static func reflect(_ i: Int, _ n: Int) -> Int {
    var i = i
    while i < 0 || i >= n { i = i < 0 ? -i - 1 : 2 * n - i - 1 }
    return i
  }

  /// One pass along a line of `n` values spaced `stride` apart. `transpose`
  /// scatters instead of gathers (the adjoint of the same pass).
  func pass(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, n: Int, stride: Int, transpose: Bool) {
    let r = radius
    for i in 0..<n { dst[i * stride] = 0 }
    for i in 0..<n {
      for k in -r...r {
        let j = Self.reflect(i + k, n)
        if transpose {
          dst[j * stride] += weights[k + r] * src[i * stride]
        } else {
          dst[i * stride] += weights[k + r] * src[j * stride]
        }
      }
    }
  }

  func apply(_ x: Tensor, transpose: Bool) -> Tensor {
    precondition(x.rank == 4, "GaussianBlur: expected (N, C, H, W), got \(x.shape)")
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    var tmp = Tensor(zeros: x.shape)
    var out = Tensor(zeros: x.shape)
    x.withPointer { src in
      tmp.withMutablePointer { t in
        out.withMutablePointer { o in
          for p in 0..<planes {
            let base = p * h * w
            if !transpose {
              for row in 0..<h { pass(src + base + row * w, t + base + row * w, n: w, stride: 1, transpose: false) }
              for col in 0..<w { pass(UnsafePointer(t + base + col), o + base + col, n: h, stride: w, transpose: false) }
            } else {  // (B_H B_W)ᵀ = B_Wᵀ B_Hᵀ
              for col in 0..<w { pass(src + base + col, t + base + col, n: h, stride: w, transpose: true) }
              for row in 0..<h { pass(UnsafePointer(t + base + row * w), o + base + row * w, n: w, stride: 1, transpose: true) }
            }
          }
        }
      }
    }
    return out
  }

  /// Every plane of `x` (N, C, H, W) blurred.
  public func callAsFunction(_ x: Tensor) -> Tensor { apply(x, transpose: false) }

  /// The adjoint: <blur(x), y> = <x, blur.adjoint(y)>.
  public func adjoint(_ y: Tensor) -> Tensor { apply(y, transpose: true) }
}
