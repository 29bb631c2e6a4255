// Separable Gaussian smoothing with scipy.ndimage.gaussian_filter's
// conventions, so that the graph-based segmentation starts from the same
// smoothed image as scikit-image's felzenszwalb:
// - kernel radius int(4 * sigma + 0.5) (truncate = 4), taps
//   exp(-x^2 / (2 sigma^2)) divided by their sum (numpy's pairwise sum);
// - borders by scipy's "reflect" mode, half-sample symmetric (d c b a | a b c d);
// - rows (axis 0) first, then columns, in Double; each output is
//   w0 x[i] + sum over j = r ... 1 of (x[i-j] + x[i+j]) w_j, in that order
//   (scipy's symmetric correlate1d loop);
// - sigma = 0 leaves the image unchanged (scipy skips the axis).
import Foundation

public enum GaussianSmoothing {
  /// The normalized taps w_0 ... w_r of a Gaussian of `sigma`.
  public static func taps(sigma: Double) -> [Double] {
    let radius = Int(4 * sigma + 0.5)
    let raw = (-radius...radius).map { x in exp(-0.5 / (sigma * sigma) * Double(x * x)) }
    let total = numpySum(raw)
    return (0...radius).map { raw[radius + $0] / total }
  }

  /// numpy's pairwise summation for fewer than 128 values (8 partial sums).
  static func numpySum(_ v: [Double]) -> Double {
    if v.count < 8 { return v.reduce(0, +) }
    var r = Array(v[0..<8])
    var i = 8
    while i + 8 <= v.count {
      for k in 0..<8 { r[k] += v[i + k] }
      i += 8
    }
    var s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < v.count { s += v[i]; i += 1 }
    return s
  }

  /// Each channel of `planes` (channels * height * width, channel-major), smoothed in place.
  public static func smooth(_ planes: inout [Double], width: Int, height: Int, channels: Int, sigma: Double) {
    guard sigma > 1e-15 else { return }
    let w = taps(sigma: sigma)
    let r = w.count - 1
    let n = width * height
    planes.withUnsafeMutableBufferPointer { p in
      var line = [Double](repeating: 0, count: max(width, height) + 2 * r)
      var out = [Double](repeating: 0, count: max(width, height))
      line.withUnsafeMutableBufferPointer { l in
        out.withUnsafeMutableBufferPointer { o in
          for c in 0..<channels {
            let base = c * n
            // Axis 0: along each column.
            for x in 0..<width {
              for y in 0..<height { l[r + y] = p[base + y * width + x] }
              filterLine(l, length: height, taps: w, out: o)
              for y in 0..<height { p[base + y * width + x] = o[y] }
            }
            // Axis 1: along each row.
            for y in 0..<height {
              for x in 0..<width { l[r + x] = p[base + y * width + x] }
              filterLine(l, length: width, taps: w, out: o)
              for x in 0..<width { p[base + y * width + x] = o[x] }
            }
          }
        }
      }
    }
  }

  /// Filters line[r ..< r + length] (reflected into its margins first) into out[0 ..< length].
  @inline(__always)
  static func filterLine(_ line: UnsafeMutableBufferPointer<Double>, length: Int, taps w: [Double], out: UnsafeMutableBufferPointer<Double>) {
    let r = w.count - 1
    for j in 1...max(r, 1) where j <= r {
      line[r - j] = line[r + reflect(-j, length)]
      line[r + length - 1 + j] = line[r + reflect(length - 1 + j, length)]
    }
    for i in 0..<length {
      var t = line[r + i] * w[0]
      var j = r
      while j >= 1 {
        t += (line[r + i - j] + line[r + i + j]) * w[j]
        j -= 1
      }
      out[i] = t
    }
  }

  /// scipy's "reflect" index: ... 1 0 | 0 1 ... n-1 | n-1 n-2 ..., periodic with period 2n.
  @inline(__always)
  static func reflect(_ i: Int, _ n: Int) -> Int {
    let period = 2 * n
    var k = i % period
    if k < 0 { k += period }
    return k < n ? k : period - 1 - k
  }
}
