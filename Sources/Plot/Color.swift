// Colours and the palettes figures use.
//
// The qualitative palette is Okabe & Ito's ("Color Universal Design", 2008):
// eight colours that stay distinguishable for the common forms of colour
// blindness. It is the default colour cycle of every chart.

/// An sRGB colour with alpha, components in [0, 1].
public struct Color: Sendable, Equatable, Hashable {
  public var red, green, blue, alpha: Double

  public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
    (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
  }

  /// A colour from a 24-bit hex value, e.g. `Color(hex: 0x0072B2)`.
  public init(hex: UInt32, alpha: Double = 1) {
    self.init(
      red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
      blue: Double(hex & 0xFF) / 255, alpha: alpha)
  }

  public func withAlpha(_ alpha: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: alpha) }

  /// `#rrggbb` (and `/a.aa` when not opaque): how the Scene prints colours.
  public var hexString: String {
    func byte(_ v: Double) -> String {
      let b = Int((min(max(v, 0), 1) * 255).rounded())
      let s = String(b, radix: 16)
      return s.count == 1 ? "0" + s : s
    }
    let rgb = "#" + byte(red) + byte(green) + byte(blue)
    return alpha >= 1 ? rgb : rgb + "/" + String(format2(alpha))
  }

  public static let black = Color(hex: 0x000000)
  public static let white = Color(hex: 0xFFFFFF)
  public static let text = Color(hex: 0x222222)
  public static let axis = Color(hex: 0x444444)
  public static let gridLine = Color(hex: 0xE3E3E3)
  public static let lightGray = Color(hex: 0xBBBBBB)
}

/// Okabe-Ito, in the order charts cycle through it (black last).
public let qualitativePalette: [Color] = [
  Color(hex: 0x0072B2), Color(hex: 0xE69F00), Color(hex: 0x009E73), Color(hex: 0xD55E00),
  Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0xF0E442), Color(hex: 0x000000),
]

/// A number with two decimals, without Foundation.
func format2(_ v: Double) -> String {
  let scaled = (v * 100).rounded()
  let sign = scaled < 0 ? "-" : ""
  let a = abs(Int(scaled))
  let frac = a % 100
  return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
}
