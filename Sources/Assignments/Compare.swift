// How a submission's outputs are compared with the reference's.
//
// Real-valued outputs: CS231n's rel_error, max_i |x_i - y_i| / max(|x_i| + |y_i|, floor),
// with the floor raised from 1e-8 to 1% of the largest expected magnitude (plus
// 1e-8), so values that cancel to nearly zero are compared absolutely
// instead of failing a correct float32 answer. Integral outputs (indices)
// must be equal. A failure names the worst element (index, expected, got) and
// the first index that differs.
import Foundation

public enum Compare {
  /// The relative error of `actual` against `expected` (same length), and where it is worst.
  public static func relativeError(expected: [Double], actual: [Double]) -> (error: Double, worst: Int, firstDiffering: Int?) {
    let scale = expected.reduce(0) { max($0, abs($1)) }
    let floor = 1e-2 * scale + 1e-8
    var worst = (0.0, 0)
    var first: Int?
    for i in expected.indices {
      let (e, a) = (expected[i], actual[i])
      let err = a.isFinite ? abs(e - a) / max(abs(e) + abs(a), floor) : .infinity
      if err > worst.0 { worst = (err, i) }
      if first == nil && err > 1e-6 { first = i }
    }
    return (worst.0, worst.1, first)
  }

  /// nil when `actual` matches `expected`, else what is wrong.
  public static func mismatch(_ key: String, expected: NumericArray, actual: NumericArray?, tolerance: Double) -> String? {
    guard let actual else { return "no output `\(key)`" }
    if expected.integral {
      if actual.shape == expected.shape && actual.values == expected.values { return nil }
      if expected.values.count <= 20 && actual.values.count <= 20 {
        return "`\(key)` is \(list(actual.values)), expected \(list(expected.values))"
      }
      let first = zip(expected.values, actual.values).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.values.count, actual.values.count)
      return "`\(key)` has \(actual.values.count) entries (expected \(expected.values.count)); first difference at position \(first)"
    }
    guard actual.shape == expected.shape, actual.values.count == expected.values.count else {
      return "`\(key)` has shape \(actual.shape), expected \(expected.shape)"
    }
    if let bad = actual.values.firstIndex(where: { !$0.isFinite }) {
      return "`\(key)`\(index(bad, expected.shape)) is \(actual.values[bad]), not a finite number"
    }
    let r = relativeError(expected: expected.values, actual: actual.values)
    guard r.error > tolerance else { return nil }
    var text = "`\(key)`: rel_error \(sci(r.error)) > \(sci(tolerance)); worst at \(key)\(index(r.worst, expected.shape)) "
    text += "(expected \(number(expected.values[r.worst])), got \(number(actual.values[r.worst])))"
    if let first = r.firstDiffering, first != r.worst {
      text += "; first differing index \(key)\(index(first, expected.shape))"
    }
    return text
  }

  static func index(_ flat: Int, _ shape: [Int]) -> String {
    guard shape.count > 1 else { return "[\(flat)]" }
    var rest = flat
    var parts = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
      parts[d] = rest % max(shape[d], 1)
      rest /= max(shape[d], 1)
    }
    return "[" + parts.map(String.init).joined(separator: ", ") + "]"
  }

  static func list(_ v: [Double]) -> String { "[" + v.map { String(Int($0)) }.joined(separator: ", ") + "]" }
  static func sci(_ x: Double) -> String { x.isFinite ? String(format: "%.1e", x) : "\(x)" }
  static func number(_ x: Double) -> String { String(format: "%.6g", x) }
}
