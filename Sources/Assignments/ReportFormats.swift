// A grade report as a text table, JSON, Gradescope's autograder
// results.json (score, tests[] with name, score, max_score, output,
// visibility) or JUnit XML (one testcase per test; a failure per lost test).
import Foundation

public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json, gradescope, junit
}

extension GradeReport {
  public func rendered(_ format: ReportFormat) -> String {
    switch format {
    case .text: return table
    case .json: return json
    case .gradescope: return gradescope
    case .junit: return junit
    }
  }

  public var table: String {
    let header = ["test", "points", "max", "what was wrong"]
    let rows = tests.map { t in [t.id, "\(t.score)", "\(t.maxScore)", t.status == .passed ? "" : "\(t.status.rawValue): \(t.output)"] }
    let widths = (0..<3).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func line(_ row: [String]) -> String {
      (0..<3).map { c in c == 0 ? row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - row[c].count) + row[c] }
        .joined(separator: "  ") + (row[3].isEmpty ? "" : "  " + row[3])
    }
    var text = "\(assignment): \(title)\nexpected values: \(expected)\n\n"
    text += ([header] + rows).map(line).joined(separator: "\n") + "\n"
    text += "\nscore: \(score) of \(maxScore)\n"
    return text
  }

  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
  }

  struct Gradescope: Encodable {
    struct Test: Encodable {
      var name: String
      var score: Int
      var max_score: Int
      var output: String
      var visibility: String
    }
    var score: Int
    var output: String
    var tests: [Test]
  }

  public var gradescope: String {
    let g = Gradescope(
      score: score, output: "\(assignment): \(score) of \(maxScore) (expected values: \(expected))",
      tests: tests.map { .init(name: $0.name, score: $0.score, max_score: $0.maxScore, output: $0.status == .passed ? "passed" : "\($0.status.rawValue): \($0.output)", visibility: "visible") })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(g)) ?? Data(), as: UTF8.self) + "\n"
  }

  public var junit: String {
    func escape(_ s: String) -> String {
      s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    let failures = tests.filter { $0.status == .failed }.count
    let errors = tests.filter { $0.status != .failed && $0.status != .passed }.count
    let time = tests.reduce(0) { $0 + $1.seconds }
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"convnotes grade\" tests=\"\(tests.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
    xml += "  <testsuite name=\"\(escape(assignment))\" tests=\"\(tests.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", time))\">\n"
    for t in tests {
      let open = "    <testcase classname=\"\(escape(assignment))\" name=\"\(escape(t.id))\" time=\"\(String(format: "%.3f", t.seconds))\""
      switch t.status {
      case .passed: xml += open + "/>\n"
      case .failed:
        xml += open + ">\n      <failure message=\"\(escape(t.output))\">0 of \(t.maxScore) points</failure>\n    </testcase>\n"
      default:
        xml += open + ">\n      <error type=\"\(t.status.rawValue)\" message=\"\(escape(t.output))\">0 of \(t.maxScore) points</error>\n    </testcase>\n"
      }
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }
}
