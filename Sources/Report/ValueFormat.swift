// How a recorded number is printed in prose and tables.
//
// Formats are a small printf-like language:
//   ".3f"  fixed, 3 decimals           0.812
//   "+.3f" with a sign                  +0.012
//   ".1%"  percent, 1 decimal           81.2%
//   ".2e"  scientific                   1.25e-04
//   "d"    integer                      600
//   ",d"   integer, thousands grouped   12,345
//   ".3g"  3 significant digits         0.000123
// Negative numbers use the typographic minus sign (U+2212).
import Foundation

public enum ValueFormat {
  /// `value` printed with `format`; throws on a format it does not know.
  public static func string(_ value: Double, format: String) throws -> String {
    var spec = Substring(format)
    let sign = spec.first == "+"
    if sign { spec = spec.dropFirst() }
    let grouped = spec.first == ","
    if grouped { spec = spec.dropFirst() }
    guard let kind = spec.last else { throw FormatError(format: format) }
    spec = spec.dropLast()
    var decimals: Int? = nil
    if spec.first == "." {
      guard let d = Int(spec.dropFirst()), d >= 0, d <= 12 else { throw FormatError(format: format) }
      decimals = d
    } else if !spec.isEmpty {
      throw FormatError(format: format)
    }
    var text: String
    switch kind {
    case "f": text = String(format: "%.\(decimals ?? 3)f", value)
    case "%": text = String(format: "%.\(decimals ?? 1)f", value * 100) + "%"
    case "e": text = String(format: "%.\(decimals ?? 2)e", value)
    case "g": text = String(format: "%.\(decimals ?? 3)g", value)
    case "d":
      guard decimals == nil else { throw FormatError(format: format) }
      text = String(Int(value.rounded()))
      if grouped { text = groupThousands(text) }
    default: throw FormatError(format: format)
    }
    if text.hasPrefix("-") {
      // "-0.000" is zero.
      let digits = text.dropFirst()
      text = digits.allSatisfy { $0 == "0" || $0 == "." || $0 == "%" } ? String(digits) : "\u{2212}" + digits
    } else if sign {
      text = "+" + text
    }
    return text
  }

  static func groupThousands(_ digits: String) -> String {
    let negative = digits.hasPrefix("-")
    let body = Array(negative ? digits.dropFirst() : Substring(digits))
    var out: [Character] = []
    for (i, c) in body.enumerated() {
      if i > 0 && (body.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (negative ? "-" : "") + String(out)
  }

  public struct FormatError: Error, CustomStringConvertible {
    public var format: String
    public var description: String {
      "unknown number format `\(format)` (expected e.g. .3f, +.3f, .1%, .2e, .3g, d, ,d)"
    }
  }
}
