// Bilinear upsampling by an integer factor, PyTorch's
// `interpolate(mode="bilinear", align_corners=False)` convention: output
// pixel i samples the input at (i + 0.5) / s - 0.5, clamped to [0, H-1].
// Backward scatters each output gradient to its four input neighbours with
// the same weights (the adjoint of the forward pass).
import Tensor

public final class Upsample: Layer {
  public struct Cache { let inputShape: [Int] }

  public let name: String
  public let factor: Int

  public init(name: String, factor: Int) {
    precondition(factor >= 1, "Upsample(\(name)): factor \(factor) must be >= 1")
    self.name = name
    self.factor = factor
  }

  /// For each output coordinate: the two input indices and the weight of the second.
  static func taps(input: Int, factor: Int) -> [(Int, Int, Float)] {
    (0..<(input * factor)).map { i in
      let src = max((Double(i) + 0.5) / Double(factor) - 0.5, 0)
      let i0 = min(Int(src), input - 1)
      let i1 = min(i0 + 1, input - 1)
      return (i0, i1, Float(src - Double(i0)))
    }
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    precondition(x.rank == 4, "Upsample(\(name)): expected (N, C, H, W), got \(x.shape)")
    let (nc, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    let ys = Self.taps(input: h, factor: factor), xs = Self.taps(input: w, factor: factor)
    var y = Tensor(zeros: [x.shape[0], x.shape[1], h * factor, w * factor])
    let (oh, ow) = (h * factor, w * factor)
    x.withPointer { px in
      y.withMutablePointer { py in
        for p in 0..<nc {
          let src = px + p &* h &* w
          let dst = py + p &* oh &* ow
          for i in 0..<oh {
            let (y0, y1, ly) = ys[i]
            for j in 0..<ow {
              let (x0, x1, lx) = xs[j]
              let top = (1 - lx) * src[y0 &* w &+ x0] + lx * src[y0 &* w &+ x1]
              let bottom = (1 - lx) * src[y1 &* w &+ x0] + lx * src[y1 &* w &+ x1]
              dst[i &* ow &+ j] = (1 - ly) * top + ly * bottom
            }
          }
        }
      }
    }
    return (y, Cache(inputShape: x.shape))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let (h, w) = (cache.inputShape[2], cache.inputShape[3])
    let nc = cache.inputShape[0] * cache.inputShape[1]
    let ys = Self.taps(input: h, factor: factor), xs = Self.taps(input: w, factor: factor)
    let (oh, ow) = (h * factor, w * factor)
    var dx = Tensor(zeros: cache.inputShape)
    dout.withPointer { pd in
      dx.withMutablePointer { px in
        for p in 0..<nc {
          let src = pd + p &* oh &* ow
          let dst = px + p &* h &* w
          for i in 0..<oh {
            let (y0, y1, ly) = ys[i]
            for j in 0..<ow {
              let (x0, x1, lx) = xs[j]
              let g = src[i &* ow &+ j]
              dst[y0 &* w &+ x0] += (1 - ly) * (1 - lx) * g
              dst[y0 &* w &+ x1] += (1 - ly) * lx * g
              dst[y1 &* w &+ x0] += ly * (1 - lx) * g
              dst[y1 &* w &+ x1] += ly * lx * g
            }
          }
        }
      }
    }
    return dx
  }
}
