// The losses of image optimization (Gatys et al., "A Neural Algorithm of
// Artistic Style", 2015; Mahendran & Vedaldi, "Understanding Deep Image
// Representations by Inverting Them", 2015).
//
// Gram matrix of features F (1, C, H, W) viewed as (C, H·W):
//   G = F Fᵀ / (C·H·W)        (cs231n's normalize=True)
//   dF = (dG + dGᵀ) F / (C·H·W)
// Style loss against a target Gram A: Σ (G - A)², so dG = 2 (G - A).
// Total variation of x (N, C, H, W): Σ (x[i+1,j] - x[i,j])² + (x[i,j+1] - x[i,j])².
import Tensor

public struct GramCache {
  let features: Tensor  // (C, H*W)
  let normalizer: Float

  /// The cache `gramForward(features)` returns, without computing the Gram matrix.
  public init(features: Tensor) {
    precondition(features.rank == 4 && features.shape[0] == 1, "GramCache: expected (1, C, H, W), got \(features.shape)")
    let (c, hw) = (features.shape[1], features.shape[2] * features.shape[3])
    self.init(features: features.reshaped([c, hw]), normalizer: Float(c * hw))
  }

  init(features: Tensor, normalizer: Float) { (self.features, self.normalizer) = (features, normalizer) }
}

public func gramForward(_ features: Tensor) -> (gram: Tensor, cache: GramCache) {
  precondition(features.rank == 4 && features.shape[0] == 1, "gramForward: expected (1, C, H, W), got \(features.shape)")
  // BEGIN SOLUTION gram-forward
  let c = features.shape[1]
  let hw = features.shape[2] * features.shape[3]
  let f = features.reshaped([c, hw])
  let normalizer = Float(c * hw)
  var g = Tensor(zeros: [c, c])
  gemm(f, transposeA: false, f, transposeB: true, into: &g, beta: 0)
  g.scale(by: 1 / normalizer)
  return (g, GramCache(features: f, normalizer: normalizer))
  // END SOLUTION
}

public func gramBackward(_ dGram: Tensor, cache: GramCache) -> Tensor {
  // BEGIN SOLUTION gram-backward
  let c = cache.features.shape[0]
  var symmetric = dGram
  symmetric.withMutablePointer { s in
    dGram.withPointer { d in
      for i in 0..<c { for j in 0..<c { s[i &* c &+ j] = d[i &* c &+ j] + d[j &* c &+ i] } }
    }
  }
  var df = Tensor(zeros: cache.features.shape)
  gemm(symmetric, transposeA: false, cache.features, transposeB: false, into: &df, beta: 0)
  df.scale(by: 1 / cache.normalizer)
  return df
  // END SOLUTION
}

/// Σ (G(F) - A)² and its gradient with respect to F (1, C, H, W).
public func styleLoss(features: Tensor, targetGram: Tensor) -> (value: Float, gradient: Tensor) {
  // BEGIN SOLUTION style-loss
  let (g, cache) = gramForward(features)
  var diff = g - targetGram
  let value = diff.dot(diff)
  diff.scale(by: 2)
  return (Float(value), gramBackward(diff, cache: cache).reshaped(features.shape))
  // END SOLUTION
}

/// Total variation (squared differences of neighbours) and its gradient.
public func totalVariation(_ x: Tensor) -> (value: Float, gradient: Tensor) {
  precondition(x.rank == 4, "totalVariation: expected (N, C, H, W), got \(x.shape)")
  let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
  var grad = Tensor(zeros: x.shape)
  var value = 0.0
  x.withPointer { p in
    grad.withMutablePointer { g in
      for plane in 0..<planes {
        let src = p + plane &* h &* w
        let dst = g + plane &* h &* w
        for i in 0..<h {
          for j in 0..<w {
            let v = src[i &* w &+ j]
            if i + 1 < h {
              let d = src[(i &+ 1) &* w &+ j] - v
              value += Double(d * d)
              dst[(i &+ 1) &* w &+ j] += 2 * d
              dst[i &* w &+ j] -= 2 * d
            }
            if j + 1 < w {
              let d = src[i &* w &+ j &+ 1] - v
              value += Double(d * d)
              dst[i &* w &+ j &+ 1] += 2 * d
              dst[i &* w &+ j] -= 2 * d
            }
          }
        }
      }
    }
  }
  return (Float(value), grad)
}
