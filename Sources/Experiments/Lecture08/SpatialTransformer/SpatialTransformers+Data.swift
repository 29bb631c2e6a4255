// The distorted Fashion-MNIST of the spatial-transformer chapter, after the
// RTS set of Jaderberg et al. 2015 (section 4.1: digits rotated by ±45°,
// scaled by 0.7-1.2 and translated in a larger canvas): every item is put in
// the middle of a `canvas` × `canvas` image, then rotated by φ ~ U(-45°, 45°),
// scaled by s ~ U(0.7, 1.2) about the centre and shifted by up to `shift`
// pixels in x and y, all drawn from a seeded generator. The warp is done by
// the same AffineGrid + BilinearSampler the transformer uses.
//
// Conventions: normalized coordinates (x right, y down, ±1 the canvas edges,
// align_corners = false). The distortion maps an undistorted canvas point p
// to q = s R(φ) p + t; the sampler needs the inverse, p = R(-φ)(q - t) / s.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Tensor

extension SpatialTransformers {
  struct Distortion: Codable, Sendable {
    var angle: Double  // radians
    var scale: Double
    var tx: Double  // normalized
    var ty: Double

    /// The forward map's 2x2 linear part s R(φ).
    var linear: [Double] { [scale * cos(angle), -scale * sin(angle), scale * sin(angle), scale * cos(angle)] }

    /// θ for the sampler: output (distorted) point -> source (undistorted) point.
    var inverseTheta: [Float] {
      let (c, s) = (cos(angle) / scale, sin(angle) / scale)
      // R(-φ)/s = [[c, s], [-s, c]]; translation -R(-φ) t / s.
      return [c, s, -(c * tx + s * ty), -s, c, -(-s * tx + c * ty)].map(Float.init)
    }
  }

  struct DistortedSet {
    var images: Tensor  // (N, 1, canvas, canvas)
    var labels: [Int]
    var distortions: [Distortion]
    var items: Tensor  // the undistorted items in the canvas, for figures
  }

  static func distortions(count: Int, config: Config, using rng: inout SplitMix64) -> [Distortion] {
    (0..<count).map { _ in
      Distortion(
        angle: rng.uniform(-config.maxAngle, config.maxAngle) * Double.pi / 180, scale: rng.uniform(config.minScale, config.maxScale),
        tx: rng.uniform(-config.shift, config.shift) * 2 / Double(config.canvas), ty: rng.uniform(-config.shift, config.shift) * 2 / Double(config.canvas))
    }
  }

  /// Items (N, 1, 28, 28) in the middle of an empty canvas.
  static func centred(_ items: Tensor, canvas: Int) -> Tensor {
    let n = items.shape[0], pad = (canvas - 28) / 2
    var out = Tensor(zeros: [n, 1, canvas, canvas])
    for i in 0..<n {
      for y in 0..<28 {
        for x in 0..<28 { out.scalars[(i * canvas + y + pad) * canvas + x + pad] = items.scalars[(i * 28 + y) * 28 + x] }
      }
    }
    return out
  }

  // snippet.distort
  static func distorted(_ data: FashionMNIST, count: Int, config: Config, using rng: inout SplitMix64) -> DistortedSet {
    let d = distortions(count: count, config: config, using: &rng)
    let grid = AffineGrid(height: config.canvas, width: config.canvas, alignCorners: false)
    let sampler = BilinearSampler(alignCorners: false)
    let items = centred(data.images.slice(0..<count), canvas: config.canvas)
    var images: [Float] = []
    for start in Swift.stride(from: 0, to: count, by: 500) {
      let range = start..<min(start + 500, count)
      let theta = Tensor(shape: [range.count, 2, 3], scalars: range.flatMap { d[$0].inverseTheta })
      images += sampler(items.slice(range), grid: grid(theta)).scalars
    }
    return DistortedSet(
      images: Tensor(shape: [count, 1, config.canvas, config.canvas], scalars: images), labels: Array(data.labels.prefix(count)), distortions: d, items: items)
  }
  // snippet.end

  /// The canvas resampled to 28 x 28 at θ = identity: the plain CNN's input,
  /// the same pixels an untrained transformer would pass on.
  static func identityResampled(_ images: Tensor) -> Tensor {
    let grid = AffineGrid(height: 28, width: 28, alignCorners: false)
    let sampler = BilinearSampler(alignCorners: false)
    var out: [Float] = []
    for start in Swift.stride(from: 0, to: images.shape[0], by: 500) {
      let n = min(500, images.shape[0] - start)
      let theta = Tensor(shape: [n, 2, 3], scalars: (0..<n).flatMap { _ in [1, 0, 0, 0, 1, 0] as [Float] })
      out += sampler(images.slice(start..<(start + n)), grid: grid(theta)).scalars
    }
    return Tensor(shape: [images.shape[0], 1, 28, 28], scalars: out)
  }
}
