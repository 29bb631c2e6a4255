// The sampler of a spatial transformer (Jaderberg et al., "Spatial
// Transformer Networks", NIPS 2015, eqs. 3-7): every output pixel reads the
// input at its grid point by bilinear interpolation,
//   V_i = Σ_nm U_nm max(0, 1 - |x_i - m|) max(0, 1 - |y_i - n|),
// which is differentiable in U (the image) and in (x_i, y_i) (the grid),
// so the gradient reaches the transform and the localization network.
//
// Conventions are PyTorch's `F.grid_sample(input, grid, mode="bilinear",
// padding_mode="zeros", align_corners)`: input (N, C, H, W), grid
// (N, Ho, Wo, 2) of normalized (x, y); output (N, C, Ho, Wo). A grid
// coordinate becomes a pixel coordinate by ix = (x + 1) / 2 · (W - 1) with
// `alignCorners`, ix = ((x + 1) · W - 1) / 2 without. Corners outside the
// image read 0. At integer pixel coordinates the sampler has a kink; like
// PyTorch, the derivative there is the one from the right (floor's side).
import Tensor

public struct BilinearSampler: Sendable {
  public var alignCorners: Bool

  public init(alignCorners: Bool) { self.alignCorners = alignCorners }

  /// Pixel coordinate of normalized coordinate `v` along an axis of `size`
  /// pixels, and d(pixel)/d(normalized).
  @inline(__always)
  func unnormalize(_ v: Float, size: Int) -> (Float, Float) {
    alignCorners ? ((v + 1) / 2 * Float(size - 1), Float(size - 1) / 2) : (((v + 1) * Float(size) - 1) / 2, Float(size) / 2)
  }

  // snippet.sample
  /// input (N, C, H, W), grid (N, Ho, Wo, 2) -> output (N, C, Ho, Wo).
  public func callAsFunction(_ input: Tensor, grid: Tensor) -> Tensor {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    precondition(input.rank == 4 && grid.rank == 4 && grid.shape[0] == n && grid.shape[3] == 2,
      "BilinearSampler: input (N, C, H, W) and grid (N, Ho, Wo, 2), got \(input.shape) and \(grid.shape)")
    let (ho, wo) = (grid.shape[1], grid.shape[2])
    var out = Tensor(zeros: [n, c, ho, wo])
    let sampler = self
    out.withMutablePointer { po in
      input.withPointer { pi in
        grid.withPointer { pg in
          let (po, pi, pg) = (SendablePointer(po), SendableConstPointer(pi), SendableConstPointer(pg))
          Parallel.chunks(n, cost: c * ho * wo * 8) { images in
            for b in images {
              for p in 0..<(ho * wo) {
                let (ix, _) = sampler.unnormalize(pg.base[2 * (b * ho * wo + p)], size: w)
                let (iy, _) = sampler.unnormalize(pg.base[2 * (b * ho * wo + p) + 1], size: h)
                let (x0, y0) = (Int(ix.rounded(.down)), Int(iy.rounded(.down)))
                let (fx, fy) = (ix - Float(x0), iy - Float(y0))
                // The four neighbours, weights (1-fx)(1-fy), fx(1-fy), (1-fx)fy, fx·fy.
                for k in 0..<4 {
                  let (x, y) = (x0 + (k & 1), y0 + (k >> 1))
                  guard x >= 0 && x < w && y >= 0 && y < h else { continue }
                  let weight = (k & 1 == 1 ? fx : 1 - fx) * (k >> 1 == 1 ? fy : 1 - fy)
                  for ch in 0..<c {
                    po.base[(b * c + ch) * ho * wo + p] += weight * pi.base[((b * c + ch) * h + y) * w + x]
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
  // snippet.end

  /// dL/dinput (N, C, H, W) and dL/dgrid (N, Ho, Wo, 2) from dL/doutput.
  public func backward(_ dout: Tensor, input: Tensor, grid: Tensor) -> (input: Tensor, grid: Tensor) {
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (ho, wo) = (grid.shape[1], grid.shape[2])
    precondition(dout.shape == [n, c, ho, wo], "BilinearSampler.backward: dout \(dout.shape), expected \([n, c, ho, wo])")
    var dinput = Tensor(zeros: input.shape)
    var dgrid = Tensor(zeros: grid.shape)
    let sampler = self
    dinput.withMutablePointer { pdi in
      dgrid.withMutablePointer { pdg in
        input.withPointer { pi in
          grid.withPointer { pg in
            dout.withPointer { pd in
              let (pdi, pdg) = (SendablePointer(pdi), SendablePointer(pdg))
              let (pi, pg, pd) = (SendableConstPointer(pi), SendableConstPointer(pg), SendableConstPointer(pd))
              // Each image writes only its own slices: split by image.
              Parallel.chunks(n, cost: c * ho * wo * 16) { images in
                for b in images {
                  for p in 0..<(ho * wo) {
                    let (ix, sx) = sampler.unnormalize(pg.base[2 * (b * ho * wo + p)], size: w)
                    let (iy, sy) = sampler.unnormalize(pg.base[2 * (b * ho * wo + p) + 1], size: h)
                    let (x0, y0) = (Int(ix.rounded(.down)), Int(iy.rounded(.down)))
                    let (fx, fy) = (ix - Float(x0), iy - Float(y0))
                    var gix: Float = 0, giy: Float = 0
                    for k in 0..<4 {
                      let (x, y) = (x0 + (k & 1), y0 + (k >> 1))
                      guard x >= 0 && x < w && y >= 0 && y < h else { continue }
                      // weight = wx · wy with wx = fx or 1 - fx, wy = fy or 1 - fy; dwx/dix = ±1, dwy/diy = ±1.
                      let (wx, wy) = (k & 1 == 1 ? fx : 1 - fx, k >> 1 == 1 ? fy : 1 - fy)
                      let (sgx, sgy): (Float, Float) = (k & 1 == 1 ? 1 : -1, k >> 1 == 1 ? 1 : -1)
                      let (weight, dwx, dwy) = (wx * wy, sgx * wy, sgy * wx)
                      for ch in 0..<c {
                        let g = pd.base[(b * c + ch) * ho * wo + p]
                        let at = ((b * c + ch) * h + y) * w + x
                        pdi.base[at] += weight * g
                        gix += dwx * pi.base[at] * g
                        giy += dwy * pi.base[at] * g
                      }
                    }
                    pdg.base[2 * (b * ho * wo + p)] = gix * sx
                    pdg.base[2 * (b * ho * wo + p) + 1] = giy * sy
                  }
                }
              }
            }
          }
        }
      }
    }
    return (dinput, dgrid)
  }
}
