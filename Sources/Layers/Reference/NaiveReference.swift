// Naive reference twins of the fast kernels (cs231n's conv_forward_naive,
// max_pool_forward_naive): seven nested loops, no BLAS, used by tests and
// benchmarks to validate the fast paths, never by experiments.
import Tensor

public enum Reference {
  /// Direct convolution: x (N, C, H, W), w (F, C, K, K), b (F).
  public static func conv2d(_ x: Tensor, weight w: Tensor, bias b: Tensor, stride: Int, padding: Int) -> Tensor {
    // BEGIN SOLUTION conv-forward
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (f, k) = (w.shape[0], w.shape[2])
    let oh = (h + 2 * padding - k) / stride + 1, ow = (wd + 2 * padding - k) / stride + 1
    var y = Tensor(zeros: [n, f, oh, ow])
    for i in 0..<n {
      for o in 0..<f {
        for r in 0..<oh {
          for s in 0..<ow {
            var sum = Double(b.scalars[o])
            for ch in 0..<c {
              for ki in 0..<k {
                for kj in 0..<k {
                  let yy = r * stride - padding + ki, xx = s * stride - padding + kj
                  guard yy >= 0 && yy < h && xx >= 0 && xx < wd else { continue }
                  sum += Double(x.scalars[((i * c + ch) * h + yy) * wd + xx]) * Double(w.scalars[((o * c + ch) * k + ki) * k + kj])
                }
              }
            }
            y.scalars[((i * f + o) * oh + r) * ow + s] = Float(sum)
          }
        }
      }
    }
    return y
    // END SOLUTION
  }

  /// Max pooling, first maximum wins.
  public static func maxPool(_ x: Tensor, size: Int, stride: Int) -> Tensor {
    // BEGIN SOLUTION maxpool-forward
    pool(x, size: size, stride: stride) { $0.max() ?? 0 }
    // END SOLUTION
  }

  /// Average pooling.
  public static func avgPool(_ x: Tensor, size: Int, stride: Int) -> Tensor {
    pool(x, size: size, stride: stride) { $0.reduce(0, +) / Float($0.count) }
  }

  static func pool(_ x: Tensor, size: Int, stride: Int, _ reduce: ([Float]) -> Float) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let oh = (h - size) / stride + 1, ow = (w - size) / stride + 1
    var y = Tensor(zeros: [n, c, oh, ow])
    for p in 0..<(n * c) {
      for i in 0..<oh {
        for j in 0..<ow {
          var window: [Float] = []
          for di in 0..<size { for dj in 0..<size { window.append(x.scalars[(p * h + i * stride + di) * w + j * stride + dj]) } }
          y.scalars[(p * oh + i) * ow + j] = reduce(window)
        }
      }
    }
    return y
  }
}
