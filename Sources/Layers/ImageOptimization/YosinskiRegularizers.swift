// The four image regularizers of Yosinski, Clune, Nguyen, Fuchs & Lipson,
// "Understanding Neural Networks Through Deep Visualization" (ICML Deep
// Learning workshop 2015), section 3, applied after each ascent step as
// x <- r_θ(x + η ∂a/∂x):
//   1. L2 decay:               x <- (1 - θ_decay) x
//   2. Gaussian blur:          every θ_b_every steps, blur with σ = θ_b_width
//   3. clip pixels of small norm: a pixel's norm over channels below the
//      θ_n_pct percentile (per image) -> the pixel set to 0
//   4. clip pixels of small contribution: |Σ_c x_c ∂a/∂x_c| (the first-order
//      change of the activation if the pixel were set to 0) below the
//      θ_c_pct percentile -> 0
// Zero is the data's "nothing" (the ImageNet mean after centring there; the
// black background of Fashion-MNIST here). Percentiles: the pixels strictly
// below the value at rank floor(pct/100 · pixels) of the sorted list.
import Tensor

public struct YosinskiRegularization: Sendable, Codable, Equatable {
  public var decay: Float
  public var blurWidth: Double
  public var blurEvery: Int
  public var normPercentile: Double
  public var contributionPercentile: Double

  public init(decay: Float = 0, blurWidth: Double = 0, blurEvery: Int = 0, normPercentile: Double = 0, contributionPercentile: Double = 0) {
    (self.decay, self.blurWidth, self.blurEvery) = (decay, blurWidth, blurEvery)
    (self.normPercentile, self.contributionPercentile) = (normPercentile, contributionPercentile)
  }

  /// The four hyper-parameter sets of the paper's Table 1, in its order.
  public static let table1: [YosinskiRegularization] = [
    YosinskiRegularization(decay: 0, blurWidth: 0.5, blurEvery: 4, normPercentile: 50, contributionPercentile: 0),
    YosinskiRegularization(decay: 0.3, blurWidth: 0, blurEvery: 0, normPercentile: 20, contributionPercentile: 0),
    YosinskiRegularization(decay: 0.0001, blurWidth: 1.0, blurEvery: 4, normPercentile: 0, contributionPercentile: 0),
    YosinskiRegularization(decay: 0, blurWidth: 0.5, blurEvery: 4, normPercentile: 0, contributionPercentile: 90),
  ]

  /// r_θ applied to x (N, C, H, W) after ascent step `step` (0-based);
  /// `ascent` is ∂a/∂x, the direction the step went.
  public func apply(_ x: inout Tensor, ascent: Tensor, step: Int) {
    // snippet.apply
    if decay != 0 { x.scale(by: 1 - decay) }
    if blurWidth > 0 && blurEvery > 0 && (step + 1) % blurEvery == 0 { x = GaussianBlur(sigma: blurWidth)(x) }
    if normPercentile > 0 { Self.clipPixels(&x, below: normPercentile) { c, _ in c.reduce(0) { $0 + $1.x * $1.x } } }
    if contributionPercentile > 0 {
      Self.clipPixels(&x, ascent: ascent, below: contributionPercentile) { c, _ in abs(c.reduce(0) { $0 + $1.x * $1.g }) }
    }
    // snippet.end
  }

  /// Sets to 0 (in every channel) the pixels of each image whose `score`
  /// is below its `percentile`. `score` sees the pixel's (x, g) per channel.
  static func clipPixels(
    _ x: inout Tensor, ascent: Tensor? = nil, below percentile: Double, score: ([(x: Float, g: Float)], Int) -> Float
  ) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let plane = h * w
    for i in 0..<n {
      var scores = [Float](repeating: 0, count: plane)
      for p in 0..<plane {
        let channels = (0..<c).map { k in
          let index = (i * c + k) * plane + p
          return (x: x.scalars[index], g: ascent?.scalars[index] ?? 0)
        }
        scores[p] = score(channels, p)
      }
      let rank = min(plane - 1, Int(percentile / 100 * Double(plane)))
      let threshold = scores.sorted()[rank]
      for p in 0..<plane where scores[p] < threshold {
        for k in 0..<c { x.scalars[(i * c + k) * plane + p] = 0 }
      }
    }
  }
}
