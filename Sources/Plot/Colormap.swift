// Colour maps for images and heat maps.
//
// - viridis: perceptually uniform and readable in grey (van der Walt & Smith,
//   matplotlib 2015), linearly interpolated between 9 samples of the original.
// - diverging: blue-white-red for signed values (gradients); the middle of
//   the range is white.
// - grey: black to white; ink: white to black (dark = more, for saliency).
import Support

public enum Colormap: String, Sendable, Equatable {
  case grey, viridis, diverging, ink

  static let viridisSamples: [(Double, Double, Double)] = [
    (0.267, 0.005, 0.329), (0.283, 0.141, 0.458), (0.254, 0.265, 0.530), (0.207, 0.372, 0.553),
    (0.164, 0.471, 0.558), (0.128, 0.567, 0.551), (0.135, 0.659, 0.518), (0.267, 0.749, 0.441),
    (0.478, 0.821, 0.318), (0.741, 0.873, 0.150), (0.993, 0.906, 0.144),
  ]

  /// The colour of t in [0, 1] (clamped).
  public func color(_ t: Double) -> Color {
    let t = t.isFinite ? min(max(t, 0), 1) : 0
    switch self {
    case .grey:
      return Color(red: t, green: t, blue: t)
    case .ink:
      return Color(red: 1 - t, green: 1 - t, blue: 1 - t)
    case .viridis:
      let s = Self.viridisSamples
      let x = t * Double(s.count - 1)
      let i = min(Int(x), s.count - 2)
      let f = x - Double(i)
      return Color(
        red: s[i].0 + f * (s[i + 1].0 - s[i].0), green: s[i].1 + f * (s[i + 1].1 - s[i].1),
        blue: s[i].2 + f * (s[i + 1].2 - s[i].2))
    case .diverging:
      let blue = (0.129, 0.400, 0.674), red = (0.698, 0.094, 0.168)
      if t < 0.5 {
        let f = t / 0.5
        return Color(red: blue.0 + f * (1 - blue.0), green: blue.1 + f * (1 - blue.1), blue: blue.2 + f * (1 - blue.2))
      }
      let f = (t - 0.5) / 0.5
      return Color(red: 1 + f * (red.0 - 1), green: 1 + f * (red.1 - 1), blue: 1 + f * (red.2 - 1))
    }
  }
}

/// A raster to draw: width x height RGBA bytes, row-major, top row first.
public struct Raster: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var rgba: [UInt8]

  public init(width: Int, height: Int, rgba: [UInt8]) {
    precondition(rgba.count == width * height * 4, "Raster: \(rgba.count) bytes for \(width)x\(height)")
    (self.width, self.height, self.rgba) = (width, height, rgba)
  }

  /// Scalar values (row-major) through a colour map, scaled from `range`.
  public init(values: [Double], width: Int, height: Int, colormap: Colormap, range: ClosedRange<Double>) {
    precondition(values.count == width * height, "Raster: \(values.count) values for \(width)x\(height)")
    var bytes = [UInt8](repeating: 255, count: width * height * 4)
    let span = range.upperBound - range.lowerBound
    for (i, v) in values.enumerated() {
      let c = colormap.color(span > 0 ? (v - range.lowerBound) / span : 0.5)
      bytes[4 * i] = UInt8((c.red * 255).rounded())
      bytes[4 * i + 1] = UInt8((c.green * 255).rounded())
      bytes[4 * i + 2] = UInt8((c.blue * 255).rounded())
    }
    self.init(width: width, height: height, rgba: bytes)
  }

  /// A short fingerprint of the pixels, for the Scene's text form.
  var fingerprint: String {
    String(fnv1a64(rgba), radix: 16)
  }
}
