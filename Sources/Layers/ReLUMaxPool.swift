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
// Sequential fuses a ReLU directly followed by a MaxPool2D when it runs
// without a trace, or with a trace made by `Trace(fusingReLUPool: true)`
// (training loops, which never ask for the ReLU's activation).
import Tensor

public enum ReLUMaxPool {
  public struct Cache {
    let input: Tensor
    let argmax: [Int32]  // per output element: the index within its plane of the window's first maximum
  }

  public static func forward(_ x: Tensor, window: PoolWindow, layer: String) -> (output: Tensor, cache: Cache) {
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
              if size == 2 && stride == 2 {
                for i in 0..<oh {
                  let r0 = (2 &* i) &* w, r1 = r0 &+ w
                  for j in 0..<ow {
                    let k = r0 &+ 2 &* j, k2 = r1 &+ 2 &* j
                    // Selects, not branches: which element wins is data-dependent
                    // and mispredicted branches cost more than the comparisons.
                    var best = k
                    var value = max(src[k], 0)
                    let v1 = max(src[k &+ 1], 0)
                    let m1 = v1 > value
                    value = m1 ? v1 : value
                    best = m1 ? k &+ 1 : best
                    let v2 = max(src[k2], 0)
                    let m2 = v2 > value
                    value = m2 ? v2 : value
                    best = m2 ? k2 : best
                    let v3 = max(src[k2 &+ 1], 0)
                    let m3 = v3 > value
                    value = m3 ? v3 : value
                    best = m3 ? k2 &+ 1 : best
                    dst[i &* ow &+ j] = value
                    arg[i &* ow &+ j] = Int32(truncatingIfNeeded: best)
                  }
                }
                continue
              }
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
    return (y, Cache(input: x, argmax: argmax))
  }

  public static func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let shape = cache.input.shape
    precondition(
      dout.rank == 4 && dout.shape[0] * dout.shape[1] * dout.shape[2] * dout.shape[3] == cache.argmax.count,
      "ReLUMaxPool.backward: gradient \(dout.shape) for \(cache.argmax.count) pooled outputs")
    var dx = Tensor(uninitialized: shape)  // each plane is zeroed by its own thread below
    let (h, w) = (shape[2], shape[3])
    let perPlane = dout.shape[2] * dout.shape[3]
    let planes = shape[0] * shape[1]
    dx.withMutablePointer { pdx in
      dout.withPointer { pd in
        cache.input.withPointer { px in
          cache.argmax.withUnsafeBufferPointer { argBuffer in
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
}
