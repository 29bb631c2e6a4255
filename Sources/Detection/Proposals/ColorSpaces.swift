// The colour spaces of Selective Search (Uijlings et al., IJCV 2013, Table 1):
// each has different invariances, and diversifying over them is one of the
// paper's three diversification strategies.
//
// Conventions: input is RGB in [0, 1]; every output channel is mapped into
// [0, 1] so that one segmentation k and one 25-bin histogram fit all spaces:
// - rgb: unchanged;
// - hsv: H = hue / 360 degrees, S, V as usual (H of a grey pixel is 0);
// - lab: CIE L*a*b* (sRGB gamma undone, D65 white), L* / 100 and
//   (a* + 128) / 256, (b* + 128) / 256;
// - rgI: normalized r = R / (R + G + B), g = G / (R + G + B) (1/3 on black),
//   and intensity I = (R + G + B) / 3;
// - hue: H alone; intensity: I alone (one channel each).
import Foundation

public enum ColorSpace: String, Sendable, Codable, CaseIterable {
  case rgb, hsv, lab, rgI, hue, intensity

  public var channels: Int { self == .hue || self == .intensity ? 1 : 3 }

  /// `image` (RGB or grey, in [0, 1]) in this colour space.
  public func convert(_ image: PlanarImage) -> PlanarImage {
    let source = image.rgb
    let n = source.pixelCount
    var out = [Float](repeating: 0, count: channels * n)
    source.values.withUnsafeBufferPointer { p in
      for i in 0..<n {
        let (r, g, b) = (p[i], p[n + i], p[2 * n + i])
        switch self {
        case .rgb:
          (out[i], out[n + i], out[2 * n + i]) = (r, g, b)
        case .hsv:
          let hsv = ColorSpace.hsv(r, g, b)
          (out[i], out[n + i], out[2 * n + i]) = hsv
        case .lab:
          let lab = ColorSpace.lab(r, g, b)
          (out[i], out[n + i], out[2 * n + i]) = (lab.0 / 100, (lab.1 + 128) / 256, (lab.2 + 128) / 256)
        case .rgI:
          let s = r + g + b
          (out[i], out[n + i], out[2 * n + i]) = s > 0 ? (r / s, g / s, s / 3) : (1 / 3, 1 / 3, 0)
        case .hue:
          out[i] = ColorSpace.hsv(r, g, b).0
        case .intensity:
          out[i] = (r + g + b) / 3
        }
      }
    }
    for i in out.indices { out[i] = min(max(out[i], 0), 1) }
    return PlanarImage(width: source.width, height: source.height, channels: channels, values: out)
  }

  /// (hue / 360, saturation, value).
  static func hsv(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
    let high = max(r, g, b), low = min(r, g, b)
    let delta = high - low
    var h: Float = 0
    if delta > 0 {
      if high == r {
        h = (g - b) / delta
        if h < 0 { h += 6 }
      } else if high == g {
        h = (b - r) / delta + 2
      } else {
        h = (r - g) / delta + 4
      }
      h /= 6
    }
    return (h >= 1 ? h - 1 : h, high > 0 ? delta / high : 0, high)
  }

  /// CIE L*a*b* of an sRGB colour (D65).
  static func lab(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
    func linear(_ c: Float) -> Float { c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4) }
    let (lr, lg, lb) = (linear(r), linear(g), linear(b))
    let x = (0.412453 * lr + 0.357580 * lg + 0.180423 * lb) / 0.950456
    let y = 0.212671 * lr + 0.715160 * lg + 0.072169 * lb
    let z = (0.019334 * lr + 0.119193 * lg + 0.950227 * lb) / 1.088754
    func f(_ t: Float) -> Float { t > 0.008856 ? cbrtf(t) : 7.787 * t + 16 / 116 }
    let (fx, fy, fz) = (f(x), f(y), f(z))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
  }
}
