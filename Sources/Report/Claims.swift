// Claims: the checkable statements of a chapter, one per line of a
// ```claim block.
//
//   key op number        ap50 > 0.5
//   key op key           coco.apSmall < coco.apLarge
//   key ~ v +- tol       example.iouContinuous ~ 0.142857 +- 1e-6
//   ... # note           text after `#` is a note shown beside the claim
//
// op is one of == != < <= > >=. A key may name another experiment's value
// as `other-id:key`. Claims hold at our scale: orderings, bands, ratios
// measured in one run; never an absolute time.
import Foundation

public struct Claim: Sendable, Equatable {
  public enum Comparison: String, Sendable, CaseIterable {
    case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

    func holds(_ a: Double, _ b: Double) -> Bool {
      switch self {
      case .lessOrEqual: a <= b
      case .greaterOrEqual: a >= b
      case .equal: a == b
      case .notEqual: a != b
      case .less: a < b
      case .greater: a > b
      }
    }
  }

  public enum Operand: Sendable, Equatable {
    case key(String)
    case number(Double)
  }

  public enum Relation: Sendable, Equatable {
    case compare(Comparison, Operand)
    case within(center: Double, tolerance: Double)
  }

  public var source: String
  public var line: Int
  public var key: String
  public var relation: Relation
  public var note: String?

  /// Parses one line of a claim block; throws a message on bad syntax.
  public static func parse(_ text: String, line: Int) throws -> Claim {
    var body = text
    var note: String? = nil
    if let hash = text.firstIndex(of: "#") {
      note = text[text.index(after: hash)...].trimmingCharacters(in: .whitespaces)
      body = String(text[..<hash])
    }
    body = body.trimmingCharacters(in: .whitespaces)
    let source = body
    if let tilde = body.firstIndex(of: "~") {
      let key = body[..<tilde].trimmingCharacters(in: .whitespaces)
      let rest = body[body.index(after: tilde)...].replacingOccurrences(of: "±", with: "+-")
      let parts = rest.components(separatedBy: "+-").map { $0.trimmingCharacters(in: .whitespaces) }
      guard isKey(key), parts.count == 2, let center = Double(parts[0]), let tolerance = Double(parts[1]),
        tolerance >= 0
      else {
        throw ClaimSyntaxError(text: text, expected: "`key ~ value +- tolerance`")
      }
      return Claim(source: source, line: line, key: key, relation: .within(center: center, tolerance: tolerance), note: note)
    }
    for op in Comparison.allCases {  // two-character operators are tried first
      guard let range = body.range(of: op.rawValue) else { continue }
      let key = body[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
      let right = body[range.upperBound...].trimmingCharacters(in: .whitespaces)
      guard isKey(key), !right.isEmpty else { break }
      if let number = Double(right) {
        return Claim(source: source, line: line, key: key, relation: .compare(op, .number(number)), note: note)
      }
      guard isKey(right) else { break }
      return Claim(source: source, line: line, key: key, relation: .compare(op, .key(right)), note: note)
    }
    throw ClaimSyntaxError(text: text, expected: "`key op value`, `keyA op keyB` or `key ~ value +- tolerance`, op one of == != < <= > >=")
  }

  /// A result key: `name(.name)*`, optionally prefixed by `experiment-id:`.
  public static func isKey(_ s: String) -> Bool {
    var rest = Substring(s)
    if let colon = s.firstIndex(of: ":") {
      let id = s[..<colon]
      guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else { return false }
      rest = s[s.index(after: colon)...]
    }
    let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
    return !parts.isEmpty
      && parts.allSatisfy { p in
        guard let f = p.first, f.isASCII, f.isLetter else { return false }
        return p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
      }
  }

  /// Every key the claim reads.
  public var keys: [String] {
    if case .compare(_, .key(let other)) = relation { return [key, other] }
    return [key]
  }
}

public struct ClaimSyntaxError: Error, CustomStringConvertible {
  public var text: String
  public var expected: String
  public var description: String { "claim does not parse: `\(text.trimmingCharacters(in: .whitespaces))` (expected \(expected))" }
}

/// What checking a claim found.
public struct ClaimOutcome: Sendable, Equatable {
  public var claim: Claim
  public var passed: Bool
  /// The measured values, key -> value, for display.
  public var measured: [(key: String, value: Double)]

  public static func == (a: ClaimOutcome, b: ClaimOutcome) -> Bool {
    a.claim == b.claim && a.passed == b.passed && a.measured.map(\.key) == b.measured.map(\.key)
      && a.measured.map(\.value) == b.measured.map(\.value)
  }

  /// "ap50 = 0.812, ap75 = 0.701"
  public func measuredText(format: (String, Double) -> String) -> String {
    measured.map { "\($0.key) = \(format($0.key, $0.value))" }.joined(separator: ", ")
  }
}

extension Claim {
  /// Checks the claim; `lookup` returns nil for an unknown key (the caller reports it).
  public func check(_ lookup: (String) -> Double?) -> ClaimOutcome? {
    guard let a = lookup(key) else { return nil }
    switch relation {
    case .within(let center, let tolerance):
      return ClaimOutcome(claim: self, passed: abs(a - center) <= tolerance, measured: [(key, a)])
    case .compare(let op, .number(let b)):
      return ClaimOutcome(claim: self, passed: op.holds(a, b), measured: [(key, a)])
    case .compare(let op, .key(let other)):
      guard let b = lookup(other) else { return nil }
      return ClaimOutcome(claim: self, passed: op.holds(a, b), measured: [(key, a), (other, b)])
    }
  }
}
