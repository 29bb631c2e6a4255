// The grid generator of a spatial transformer (Jaderberg, Simonyan,
// Zisserman & Kavukcuoglu, "Spatial Transformer Networks", NIPS 2015, eq. 1):
// for every output pixel i, the source point (x_s, y_s) = θ (x_t, y_t, 1)ᵀ.
//
// Conventions are PyTorch's `F.affine_grid(theta, size, align_corners)`:
// θ is (N, 2, 3); the grid is (N, H, W, 2) holding (x, y) in normalized
// coordinates, -1 the left/top and +1 the right/bottom of the image. With
// `alignCorners` the target points are the pixel centres linspace(-1, 1, W),
// so ±1 are the centres of the corner pixels; without it they are
// (2j + 1) / W - 1, so ±1 are the outer edges of the corner pixels.
// Backward: the grid is linear in θ, so dθ[n] = Σ_ij dgrid[n, i, j] ⊗ (x_j, y_i, 1).
import Tensor

public struct AffineGrid: Sendable {
  public var height: Int
  public var width: Int
  public var alignCorners: Bool

  public init(height: Int, width: Int, alignCorners: Bool) {
    (self.height, self.width, self.alignCorners) = (height, width, alignCorners)
  }

  /// The normalized target coordinate of pixel `index` along an axis of `size` pixels.
  public static func base(_ index: Int, size: Int, alignCorners: Bool) -> Float {
    if alignCorners { return size > 1 ? Float(2 * index) / Float(size - 1) - 1 : 0 }
    return Float(2 * index + 1) / Float(size) - 1
  }

  // snippet.grid
  /// θ (N, 2, 3) -> grid (N, H, W, 2) of source points (x, y).
  public func callAsFunction(_ theta: Tensor) -> Tensor {
    precondition(theta.rank == 3 && theta.shape[1] == 2 && theta.shape[2] == 3, "AffineGrid: θ must be (N, 2, 3), got \(theta.shape)")
    let n = theta.shape[0]
    let xs = (0..<width).map { Self.base($0, size: width, alignCorners: alignCorners) }
    let ys = (0..<height).map { Self.base($0, size: height, alignCorners: alignCorners) }
    var grid = Tensor(uninitialized: [n, height, width, 2])
    grid.withMutablePointer { g in
      theta.withPointer { t in
        for b in 0..<n {
          let a = t + 6 * b
          for i in 0..<height {
            for j in 0..<width {
              let o = 2 * ((b * height + i) * width + j)
              g[o] = a[0] * xs[j] + a[1] * ys[i] + a[2]
              g[o + 1] = a[3] * xs[j] + a[4] * ys[i] + a[5]
            }
          }
        }
      }
    }
    return grid
  }
  // snippet.end

  /// dL/dθ (N, 2, 3) from dL/dgrid (N, H, W, 2). Sums in Double.
  public func backward(_ dgrid: Tensor) -> Tensor {
    precondition(dgrid.rank == 4 && dgrid.shape[1] == height && dgrid.shape[2] == width && dgrid.shape[3] == 2,
      "AffineGrid.backward: dgrid must be (N, \(height), \(width), 2), got \(dgrid.shape)")
    let n = dgrid.shape[0]
    let xs = (0..<width).map { Double(Self.base($0, size: width, alignCorners: alignCorners)) }
    let ys = (0..<height).map { Double(Self.base($0, size: height, alignCorners: alignCorners)) }
    var dtheta = Tensor(zeros: [n, 2, 3])
    dgrid.withPointer { g in
      for b in 0..<n {
        var sums = [Double](repeating: 0, count: 6)
        for i in 0..<height {
          for j in 0..<width {
            let o = 2 * ((b * height + i) * width + j)
            let (gx, gy) = (Double(g[o]), Double(g[o + 1]))
            sums[0] += gx * xs[j]
            sums[1] += gx * ys[i]
            sums[2] += gx
            sums[3] += gy * xs[j]
            sums[4] += gy * ys[i]
            sums[5] += gy
          }
        }
        for k in 0..<6 { dtheta.scalars[6 * b + k] = Float(sums[k]) }
      }
    }
    return dtheta
  }
}
