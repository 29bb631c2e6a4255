// The neural-style chapter's measures of how alike two textures are.
//
// - gramDistance: Σ_l ‖G_l(x) − G_l(y)‖²_F / ‖G_l(y)‖²_F / L over a net's
//   style layers (y the reference): the statistic an optimizing net matches.
// - patchCovarianceDistance: a net-free, held-out measure (neither
//   optimizing net uses it). The covariance of every k x k x 3 patch
//   (stride 1, the image's mean removed) is the image's local
//   autocorrelation, i.e. its power spectrum seen through a k px window
//   (Portilla & Simoncelli, "A Parametric Texture Model Based on Joint
//   Statistics of Complex Wavelet Coefficients", IJCV 2000, use such
//   second-order statistics at several scales). Distance ‖C_x − C_y‖_F /
//   ‖C_y‖_F, averaged over scales 1 and ½ (a 2 x 2 average pool).
// - histogramDistance: the Wasserstein-1 distance between the two images'
//   pixel value distributions, all channels pooled (first-order statistics).
import Layers
import Tensor

extension NeuralStyle {
  /// Mean over `layers` of ‖G_l(x) − G_l(y)‖² / ‖G_l(y)‖² in `net` (inputs normalized as in `weights`).
  static func gramDistance(_ net: Sequential, _ x: Tensor, _ y: Tensor, layers: [String], weights: StyleWeights) -> Double {
    let tx = styleTargets(net, content: nil, contentLayer: nil, style: x, styleLayers: layers, weights: weights)
    let ty = styleTargets(net, content: nil, contentLayer: nil, style: y, styleLayers: layers, weights: weights)
    var sum = 0.0
    for (gx, gy) in zip(tx.grams, ty.grams) {
      let d = gx - gy
      sum += d.dot(d) / max(gy.dot(gy), 1e-30)
    }
    return sum / Double(layers.count)
  }

  /// The covariance (k²·C x k²·C, Double) of every k x k patch of image (1, C, H, W), stride 1, around the image's mean.
  static func patchCovariance(_ image: Tensor, side k: Int) -> [Double] {
    let (c, h, w) = (image.shape[1], image.shape[2], image.shape[3])
    precondition(h >= k && w >= k, "patchCovariance: \(w) x \(h) image smaller than \(k) px patches")
    let mean = image.scalars.reduce(0.0) { $0 + Double($1) } / Double(image.count)
    let d = k * k * c
    var cov = [Double](repeating: 0, count: d * d)
    var v = [Double](repeating: 0, count: d)
    var count = 0
    for y in 0...(h - k) {
      for x in 0...(w - k) {
        var i = 0
        for ch in 0..<c {
          for r in 0..<k { for q in 0..<k { v[i] = Double(image.scalars[(ch * h + y + r) * w + x + q]) - mean; i += 1 } }
        }
        for a in 0..<d where v[a] != 0 {
          let va = v[a]
          for b in a..<d { cov[a * d + b] += va * v[b] }
        }
        count += 1
      }
    }
    for a in 0..<d {
      for b in a..<d {
        cov[a * d + b] /= Double(count)
        cov[b * d + a] = cov[a * d + b]
      }
    }
    return cov
  }

  /// ‖C_x − C_y‖_F / ‖C_y‖_F for k x k patch covariances, averaged over scales 1 and ½.
  static func patchCovarianceDistance(_ x: Tensor, _ y: Tensor, side k: Int = 5) -> Double {
    func relative(_ a: Tensor, _ b: Tensor) -> Double {
      let (ca, cb) = (patchCovariance(a, side: k), patchCovariance(b, side: k))
      let num = zip(ca, cb).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      return (num / max(cb.reduce(0.0) { $0 + $1 * $1 }, 1e-30)).squareRoot()
    }
    let pool = AvgPool2D(name: "half")
    return (relative(x, y) + relative(pool.forward(x, mode: .test).output, pool.forward(y, mode: .test).output)) / 2
  }

  /// W1 between the pixel-value distributions of x and y (all channels): the mean gap between matching quantiles.
  static func histogramDistance(_ x: Tensor, _ y: Tensor, quantiles: Int = 256) -> Double {
    let (sx, sy) = (x.scalars.sorted(), y.scalars.sorted())
    var sum = 0.0
    for q in 0..<quantiles {
      let p = (Double(q) + 0.5) / Double(quantiles)
      sum += abs(Double(sx[Int(p * Double(sx.count))]) - Double(sy[Int(p * Double(sy.count))]))
    }
    return sum / Double(quantiles)
  }
}
