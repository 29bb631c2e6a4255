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

  /// A label with as many decimals as the step needs; U+2212 for minus.
  static func label(_ value: Double, step: Double) -> String {
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    let text = String(format: "%.\(decimals)f", abs(value) < step * 1e-9 ? 0 : value)
    return text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
  }
}
