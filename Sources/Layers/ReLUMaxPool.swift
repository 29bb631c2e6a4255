// ReLU followed by max pooling, in one pass over memory each way: the
// forward pass reads x once and writes only the pooled output (no ReLU
// output the size of x), the backward pass writes dx once (no pooled
// gradient the size of x followed by a ReLU mask over it).
//
// Same bits as the two layers run one after the other, for every
// BackwardRule:
//   - forward: each window's maximum of max(x, 0), the first one on ties
//     (MaxPool2D's rule applied to the ReLU's output), so a window of
//     non-positive values yields 0 at its first element exactly as the
//     unfused pair does;
//   - backward: MaxPool2D sends dout to that element (summed where windows
//     overlap) and ReLU then applies the rule at it; the rule reads only x
//     at the element and the gradient arriving there, so summing first and
//     masking after is what the pair computes.
// Non-overlapping 2 x 2 windows (stride 2, every pooling layer of the model
// zoo) keep the winner as a 1-byte corner and the pooled output, whose sign
// is the mask (y > 0 exactly when x > 0 at the winner): backward then reads
// a quarter of x's size and writes dx once, with no zeroing pass and no read
// of x. Other windows keep a 4-byte index per output.
// Sequential fuses a ReLU directly followed by a MaxPool2D when it runs
// without a trace, or with a trace made by `Trace(fusingReLUPool: true)`
// (training loops, which never ask for the ReLU's activation).
import Tensor

public enum ReLUMaxPool {
  public struct Cache {
    let input: Tensor
    let routing: Routing
  }

  /// Where each pooled value came from.
  enum Routing {
    /// Non-overlapping 2 x 2 windows (stride 2): the winner's corner in its
    /// window (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) and
    /// the pooled output, whose sign is the ReLU's mask at the winner
    /// (y = max(x[p], 0) > 0 exactly when x[p] > 0). The backward pass then
    /// never reads x and writes each element of dx once, with no zeroing pass.
    case corners([UInt8], output: Tensor)
    /// Any other window: per output element, the index within its plane of
    /// the window's first maximum.
    case indices([Int32])
  }

  public static func forward(_ x: Tensor, window: PoolWindow, layer: String) -> (output: Tensor, cache: Cache) {
    if window.size == 2 && window.stride == 2 { return forwardCorners(x, window: window, layer: layer) }
    let (n, c, h, w, oh, ow) = window.dimensions(x, layer: layer)
    var y = Tensor(uninitialized: [n, c, oh, ow])
    var argmax = [Int32](repeating: 0, count: n * c * oh * ow)
    let (size, stride) = (window.size, window.stride)
    x.withPointer { px in
      y.withMutablePointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          guard let argBase = pa.baseAddress else { return }
          let (px, py, pa) = (SendableConstPointer(px), SendablePointer(py), SendablePointer(argBase))
          Parallel.chunks(n * c, cost: h * w) { planes in
            for plane in planes {
              let src = px.base + plane &* h &* w
              let dst = py.base + plane &* oh &* ow
              let arg = pa.base + plane &* oh &* ow
              for i in 0..<oh {
                for j in 0..<ow {
                  var best = (i &* stride) &* w &+ j &* stride
                  var value = max(src[best], 0)
                  for di in 0..<size {
                    for dj in 0..<size {
                      let k = (i &* stride &+ di) &* w &+ j &* stride &+ dj
                      let v = max(src[k], 0)
                      if v > value { (best, value) = (k, v) }
                    }
                  }
                  dst[i &* ow &+ j] = value
                  arg[i &* ow &+ j] = Int32(truncatingIfNeeded: best)
                }
              }
            }
          }
        }
      }
    }
    return (y, Cache(input: x, routing: .indices(argmax)))
  }

  /// 2 x 2 windows, stride 2: the same maxima, the winner kept as its corner
  /// (the loop is VectorLoops/PoolCornerLoops.swift, built per instruction set).
  static func forwardCorners(_ x: Tensor, window: PoolWindow, layer: String) -> (output: Tensor, cache: Cache) {
    let (n, c, h, w, oh, ow) = window.dimensions(x, layer: layer)
    var y = Tensor(uninitialized: [n, c, oh, ow])
    var corners = [UInt8](repeating: 0, count: n * c * oh * ow)
    x.withPointer { px in
      y.withMutablePointer { py in
        corners.withUnsafeMutableBufferPointer { pa in
          guard let cornerBase = pa.baseAddress else { return }
          let (px, py, pa) = (SendableConstPointer(px), SendablePointer(py), SendablePointer(cornerBase))
          Parallel.chunks(n * c, cost: h * w) { planes in
            VectorLoopsDoor.reluPoolForward(px.base, height: h, width: w, planes: planes, into: py.base, corners: pa.base)
          }
        }
      }
    }
    return (y, Cache(input: x, routing: .corners(corners, output: y)))
  }

  public static func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    switch cache.routing {
    case .corners(let corners, let output): backwardCorners(dout, corners: corners, output: output, shape: cache.input.shape, rule: rule)
    case .indices(let argmax): backwardIndices(dout, argmax: argmax, input: cache.input, rule: rule)
    }
  }

  /// Any window: route dout to each window's winner (summing where windows
  /// overlap), then apply the ReLU's rule there.
  static func backwardIndices(_ dout: Tensor, argmax: [Int32], input: Tensor, rule: BackwardRule) -> Tensor {
    let shape = input.shape
    precondition(
      dout.rank == 4 && dout.shape[0] * dout.shape[1] * dout.shape[2] * dout.shape[3] == argmax.count,
      "ReLUMaxPool.backward: gradient \(dout.shape) for \(argmax.count) pooled outputs")
    var dx = Tensor(uninitialized: shape)  // each plane is zeroed by its own thread below
    let (h, w) = (shape[2], shape[3])
    let perPlane = dout.shape[2] * dout.shape[3]
    let planes = shape[0] * shape[1]
    dx.withMutablePointer { pdx in
      dout.withPointer { pd in
        input.withPointer { px in
          argmax.withUnsafeBufferPointer { argBuffer in
            guard let argBase = argBuffer.baseAddress else { return }
            let (pdx, pd, px, pa) = (SendablePointer(pdx), SendableConstPointer(pd), SendableConstPointer(px), SendableConstPointer(argBase))
            Parallel.chunks(planes, cost: h * w) { range in
              for plane in range {
                let base = pdx.base + plane &* h &* w
                base.update(repeating: 0, count: h &* w)
                let o = plane &* perPlane
                // Pooling's routing (sums where windows overlap)...
                for k in 0..<perPlane { base[Int(pa.base[o &+ k])] += pd.base[o &+ k] }
                // ...then the ReLU's rule at the elements that received gradient.
                let x = px.base + plane &* h &* w
                for k in 0..<perPlane {
                  let p = Int(pa.base[o &+ k])
                  let g = base[p]
                  switch rule {
                  case .gradient: base[p] = x[p] > 0 ? g : 0
                  case .deconvnet: base[p] = max(g, 0)
                  case .guided: base[p] = x[p] > 0 ? max(g, 0) : 0
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx
  }

  /// 2 x 2 windows, stride 2: each element of dx is written once, from its
  /// window's gradient and pooled value (VectorLoops/PoolCornerLoops.swift).
  static func backwardCorners(_ dout: Tensor, corners: [UInt8], output: Tensor, shape: [Int], rule: BackwardRule) -> Tensor {
    precondition(
      dout.shape == output.shape,
      "ReLUMaxPool.backward: gradient \(dout.shape) for pooled output \(output.shape)")
    var dx = Tensor(uninitialized: shape)
    let (h, w) = (shape[2], shape[3])
    let planes = shape[0] * shape[1]
    let cornerRule: CornerRule =
      switch rule {
      case .gradient: .gradient
      case .deconvnet: .deconvnet
      case .guided: .guided
      }
    dx.withMutablePointer { pdx in
      dout.withPointer { pd in
        output.withPointer { py in
          corners.withUnsafeBufferPointer { cornerBuffer in
            guard let cornerBase = cornerBuffer.baseAddress else { return }
            let (pdx, pd, py, pc) = (SendablePointer(pdx), SendableConstPointer(pd), SendableConstPointer(py), SendableConstPointer(cornerBase))
            Parallel.chunks(planes, cost: h * w) { range in
              VectorLoopsDoor.reluPoolBackward(
                gradient: pd.base, output: py.base, corners: pc.base, height: h, width: w, planes: range, rule: cornerRule,
                into: pdx.base)
            }
          }
        }
      }
    }
    return dx
  }
}
