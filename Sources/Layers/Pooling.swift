// Max and average pooling over k x k windows with a stride (no padding).
//
// MaxPool2D routes the gradient to the first maximum of each window when
// values tie (PyTorch's rule; splitting it among ties disagrees with PyTorch
// wherever a ReLU leaves a window of zeros). AvgPool2D spreads it evenly.
// OH = (H - k) / stride + 1. Reference twins: Reference/NaivePool.swift.
import Tensor

/// A k x k window moved by a stride, no padding: what both pools share.
public struct PoolWindow: Sendable {
  public let size: Int
  public let stride: Int

  public init(size: Int, stride: Int?) {
    precondition(size >= 1 && (stride ?? size) >= 1, "pooling: size \(size) and stride \(stride ?? size) must be positive")
    (self.size, self.stride) = (size, stride ?? size)
  }

  /// (N, C, H, W, OH, OW) of an input, checked against the window.
  func dimensions(_ x: Tensor, layer: String) -> (n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int) {
    precondition(x.rank == 4 && x.shape[2] >= size && x.shape[3] >= size, "\(layer): input \(x.shape) too small for \(size)x\(size)")
    let (h, w) = (x.shape[2], x.shape[3])
    return (x.shape[0], x.shape[1], h, w, (h - size) / stride + 1, (w - size) / stride + 1)
  }
}

public final class MaxPool2D: Layer {
  public struct Cache {
    let inputShape: [Int]
    let argmax: [Int32]  // per output element: the input index (within its plane) of the max
  }

  public let name: String
  public let window: PoolWindow
  public var size: Int { window.size }
  public var stride: Int { window.stride }

  public init(name: String, size: Int = 2, stride: Int? = nil) {
    self.name = name
    window = PoolWindow(size: size, stride: stride)
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let (n, c, h, w, oh, ow) = window.dimensions(x, layer: "MaxPool2D(\(name))")
    var y = Tensor(uninitialized: [n, c, oh, ow])
    var argmax = [Int32](repeating: 0, count: n * c * oh * ow)
    if size == 2 && stride == 2 {
      Self.forward2x2(x, n * c, h, w, &y, &argmax)
      return (y, Cache(inputShape: x.shape, argmax: argmax))
    }
    x.withPointer { px in
      y.withMutablePointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          for plane in 0..<(n &* c) {
            let src = px + plane &* h &* w
            for i in 0..<oh {
              for j in 0..<ow {
                var best = (i &* stride) &* w &+ j &* stride
                for di in 0..<size {
                  for dj in 0..<size {
                    let k = (i &* stride &+ di) &* w &+ j &* stride &+ dj
                    if src[k] > src[best] { best = k }
                  }
                }
                let o = (plane &* oh &+ i) &* ow &+ j
                py[o] = src[best]
                pa[o] = Int32(truncatingIfNeeded: best)
              }
            }
          }
        }
      }
    }
    return (y, Cache(inputShape: x.shape, argmax: argmax))
  }

  /// The common 2x2, stride-2 case without inner window loops.
  static func forward2x2(_ x: Tensor, _ planes: Int, _ h: Int, _ w: Int, _ y: inout Tensor, _ argmax: inout [Int32]) {
    let (oh, ow) = (h / 2, w / 2)
    x.withPointer { px in
      y.withMutablePointer { py in
        argmax.withUnsafeMutableBufferPointer { argBuffer in
          guard let argBase = argBuffer.baseAddress else { return }
          let (px, py, pa) = (SendableConstPointer(px), SendablePointer(py), SendablePointer(argBase))
          Parallel.chunks(planes, cost: h * w) { range in
          for plane in range {
            let src = px.base + plane &* h &* w
            let dst = py.base + plane &* oh &* ow
            let arg: UnsafeMutablePointer<Int32>? = pa.base + plane &* oh &* ow
            for i in 0..<oh {
              let r0 = (2 &* i) &* w, r1 = r0 &+ w
              for j in 0..<ow {
                let k = r0 &+ 2 &* j
                var best = k
                var value = src[k]
                if src[k &+ 1] > value { best = k &+ 1; value = src[k &+ 1] }
                let k2 = r1 &+ 2 &* j
                if src[k2] > value { best = k2; value = src[k2] }
                if src[k2 &+ 1] > value { best = k2 &+ 1; value = src[k2 &+ 1] }
                dst[i &* ow &+ j] = value
                arg?[i &* ow &+ j] = Int32(truncatingIfNeeded: best)
              }
            }
          }
          }
        }
      }
    }
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    var dx = Tensor(uninitialized: cache.inputShape)  // each plane is zeroed by its own thread below
    let (h, w) = (cache.inputShape[2], cache.inputShape[3])
    let perPlane = dout.shape[2] * dout.shape[3]
    dx.withMutablePointer { pdx in
      dout.withPointer { pd in
        cache.argmax.withUnsafeBufferPointer { argBuffer in
          guard let argBase = argBuffer.baseAddress else { return }
          let planes = cache.argmax.count / max(perPlane, 1)
          let (pdx, pd, pa) = (SendablePointer(pdx), SendableConstPointer(pd), SendableConstPointer(argBase))
          Parallel.chunks(planes, cost: perPlane) { range in
            for plane in range {
              let base = pdx.base + plane &* h &* w
              base.update(repeating: 0, count: h &* w)
              let o = plane &* perPlane
              for k in 0..<perPlane { base[Int(pa.base[o &+ k])] += pd.base[o &+ k] }
            }
          }
        }
      }
    }
    return dx
  }
}

public final class AvgPool2D: Layer {
  public struct Cache { let inputShape: [Int] }

  public let name: String
  public let window: PoolWindow
  public var size: Int { window.size }
  public var stride: Int { window.stride }

  public init(name: String, size: Int = 2, stride: Int? = nil) {
    self.name = name
    window = PoolWindow(size: size, stride: stride)
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let (n, c, h, w, oh, ow) = window.dimensions(x, layer: "AvgPool2D(\(name))")
    let scale = 1 / Float(size * size)
    var y = Tensor(zeros: [n, c, oh, ow])
    x.withPointer { px in
      y.withMutablePointer { py in
        for plane in 0..<(n &* c) {
          let src = px + plane &* h &* w
          for i in 0..<oh {
            for j in 0..<ow {
              var sum: Float = 0
              for di in 0..<size { for dj in 0..<size { sum += src[(i &* stride &+ di) &* w &+ j &* stride &+ dj] } }
              py[(plane &* oh &+ i) &* ow &+ j] = sum * scale
            }
          }
        }
      }
    }
    return (y, Cache(inputShape: x.shape))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    var dx = Tensor(zeros: cache.inputShape)
    let (n, c, h, w) = (cache.inputShape[0], cache.inputShape[1], cache.inputShape[2], cache.inputShape[3])
    let (oh, ow) = (dout.shape[2], dout.shape[3])
    let scale = 1 / Float(size * size)
    dx.withMutablePointer { pdx in
      dout.withPointer { pd in
        for plane in 0..<(n &* c) {
          let dst = pdx + plane &* h &* w
          for i in 0..<oh {
            for j in 0..<ow {
              let g = pd[(plane &* oh &+ i) &* ow &+ j] * scale
              for di in 0..<size { for dj in 0..<size { dst[(i &* stride &+ di) &* w &+ j &* stride &+ dj] += g } }
            }
          }
        }
      }
    }
    return dx
  }
}
