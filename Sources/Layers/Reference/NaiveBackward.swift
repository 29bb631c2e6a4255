// Naive backward passes of the reference convolution and max pooling
// (cs231n's conv_backward_naive, max_pool_backward_naive): the same loops as
// NaiveReference.swift, each forward product scattered back. Used by tests and
// by the `layers` assignment (Sources/Assignments), never by experiments.
//
// Conventions as the forward twins: NCHW, cross-correlation, zero padding;
// max pooling routes the gradient to the first maximum of each window
// (PyTorch's rule), so tied windows are deterministic.
import Tensor

extension Reference {
  /// Gradients of `conv2d` for upstream gradient dout (N, F, OH, OW):
  /// dx (N, C, H, W), dw (F, C, K, K), db (F).
  public static func conv2dBackward(
    _ dout: Tensor, input x: Tensor, weight w: Tensor, stride: Int, padding: Int
  ) -> (dx: Tensor, dw: Tensor, db: Tensor) {
    // BEGIN SOLUTION conv-backward
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (f, k) = (w.shape[0], w.shape[2])
    let (oh, ow) = (dout.shape[2], dout.shape[3])
    var dx = [Double](repeating: 0, count: x.count)
    var dw = [Double](repeating: 0, count: w.count)
    var db = [Double](repeating: 0, count: f)
    for i in 0..<n {
      for o in 0..<f {
        for r in 0..<oh {
          for s in 0..<ow {
            let g = Double(dout.scalars[((i * f + o) * oh + r) * ow + s])
            db[o] += g
            for ch in 0..<c {
              for ki in 0..<k {
                for kj in 0..<k {
                  let yy = r * stride - padding + ki, xx = s * stride - padding + kj
                  guard yy >= 0 && yy < h && xx >= 0 && xx < wd else { continue }
                  let xi = ((i * c + ch) * h + yy) * wd + xx, wi = ((o * c + ch) * k + ki) * k + kj
                  dx[xi] += g * Double(w.scalars[wi])
                  dw[wi] += g * Double(x.scalars[xi])
                }
              }
            }
          }
        }
      }
    }
    return (
      Tensor(shape: x.shape, scalars: dx.map { Float($0) }), Tensor(shape: w.shape, scalars: dw.map { Float($0) }),
      Tensor(shape: [f], scalars: db.map { Float($0) })
    )
    // END SOLUTION
  }

  /// Gradient of `maxPool` for upstream gradient dout (N, C, OH, OW): dx (N, C, H, W).
  public static func maxPoolBackward(_ dout: Tensor, input x: Tensor, size: Int, stride: Int) -> Tensor {
    // BEGIN SOLUTION maxpool-backward
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (dout.shape[2], dout.shape[3])
    var dx = Tensor(zeros: x.shape)
    for p in 0..<(n * c) {
      for i in 0..<oh {
        for j in 0..<ow {
          var best = (index: -1, value: -Float.infinity)
          for di in 0..<size {
            for dj in 0..<size {
              let index = (p * h + i * stride + di) * w + j * stride + dj
              if best.index < 0 || x.scalars[index] > best.value { best = (index, x.scalars[index]) }
            }
          }
          dx.scalars[best.index] += dout.scalars[(p * oh + i) * ow + j]
        }
      }
    }
    return dx
    // END SOLUTION
  }
}
