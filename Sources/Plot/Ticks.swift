// Tick positions and labels for a linear axis: "nice numbers" (Heckbert,
// "Nice numbers for graph labels", Graphics Gems, 1990): a step of 1, 2 or 5
// times a power of ten, about `target` ticks over the range.
import Foundation

enum Ticks {
  /// Tick values inside [low, high].
  static func linear(_ low: Double, _ high: Double, target: Int = 5) -> (values: [Double], step: Double) {
    guard high > low else { return ([low], 1) }
    let rough = (high - low) / Double(max(target, 1))
    let magnitude = pow(10, floor(log10(rough)))
    let fraction = rough / magnitude
    let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    let step = nice * magnitude
    var values: [Double] = []
    var k = ceil(low / step - 1e-9)
    while k * step <= high + step * 1e-9 {
      values.append(k * step == 0 ? 0 : k * step)
      k += 1
    }
    return (values, step)
  }

  /// Ticks of a log axis, given its range in log10 space: powers of ten, and
  /// 2x and 5x as well when the range spans fewer than three decades.
  static func log(_ low: Double, _ high: Double) -> [(Double, String)] {
    var out: [(Double, String)] = []
    let few = high - low < 3
    var k = floor(low)
    while k <= high + 1e-9 {
      for m in few ? [1.0, 2, 5] : [1.0] {
        let v = m * pow(10, k)
        let lv = log10(v)
        if lv >= low - 1e-9 && lv <= high + 1e-9 { out.append((v, powerLabel(m, Int(k)))) }
      }
      k += 1
    }
    return out
  }

  /// "1", "20", "0.05" for small exponents; "10⁶", "2×10⁻⁵" beyond.
  static func powerLabel(_ mantissa: Double, _ exponent: Int) -> String {
    if exponent >= -3 && exponent <= 4 {
      let v = mantissa * pow(10, Double(exponent))
      return label(v, step: pow(10, Double(min(exponent, 0))))
    }
    let superscripts: [Character: Character] = [
      "-": "\u{207B}", "0": "\u{2070}", "1": "\u{00B9}", "2": "\u{00B2}", "3": "\u{00B3}", "4": "\u{2074}",
      "5": "\u{2075}", "6": "\u{2076}", "7": "\u{2077}", "8": "\u{2078}", "9": "\u{2079}",
    ]
    let power = "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
    return mantissa == 1 ? power : "\(Int(mantissa))\u{00D7}" + power
  }

  /// A label with as many decimals as the step needs; U+2212 for minus.
  static func label(_ value: Double, step: Double) -> String {
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    let text = String(format: "%.\(decimals)f", abs(value) < step * 1e-9 ? 0 : value)
    return text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
  }
}
