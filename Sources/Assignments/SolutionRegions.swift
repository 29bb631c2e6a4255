// Solution regions: the lines a student copy replaces by a stub (nbgrader's
// and otter-grader's BEGIN SOLUTION / END SOLUTION, as Swift comments).
//
//     public func f(...) -> T {
//       // BEGIN SOLUTION region-id
//       // STUB: return T()          (optional: what replaces the region)
//       ...the reference code...
//       // END SOLUTION
//     }
//
// A region without STUB lines becomes a `fatalError` naming the function (the
// nearest `func` above the region) and the assignment, so a stub fails loudly
// when called, never with silent wrong numbers. A `// STUB:` line with nothing
// after it stands for an empty line (regions at file level, around private
// helpers). The region id `all` is stripped from every student copy (the
// seeded-bug tests). Regions do not nest; markers are whole-line comments.
import Foundation

public enum SolutionRegions {
  public struct Region: Sendable, Equatable {
    public var id: String
    /// Line numbers (1-based) of the BEGIN and END markers.
    public var begin: Int
    public var end: Int
    /// The function the region is in, if any (`conv2dBackward`).
    public var function: String?
  }

  public struct SyntaxError: Error, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String
    public var description: String { "\(path):\(line): \(message)" }
  }

  static let beginMarker = "// BEGIN SOLUTION"
  static let endMarker = "// END SOLUTION"
  static let stubMarker = "// STUB:"

  /// The regions of a source text, in order.
  public static func regions(in text: String, path: String = "<text>") throws -> [Region] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var found: [Region] = []
    var open: (id: String, line: Int)?
    for (i, raw) in lines.enumerated() {
      let t = raw.trimmingCharacters(in: .whitespaces)
      if t.hasPrefix(beginMarker) {
        if let open { throw SyntaxError(path: path, line: i + 1, message: "BEGIN SOLUTION inside the region `\(open.id)` opened at line \(open.line)") }
        let id = t.dropFirst(beginMarker.count).trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, !id.contains(" ") else { throw SyntaxError(path: path, line: i + 1, message: "BEGIN SOLUTION needs one region id") }
        open = (id, i + 1)
      } else if t.hasPrefix(endMarker) {
        guard let o = open else { throw SyntaxError(path: path, line: i + 1, message: "END SOLUTION without BEGIN SOLUTION") }
        found.append(Region(id: o.id, begin: o.line, end: i + 1, function: enclosingFunction(lines, before: o.line - 1)))
        open = nil
      } else if t.hasPrefix(stubMarker) && open == nil {
        throw SyntaxError(path: path, line: i + 1, message: "STUB: outside a solution region")
      }
    }
    if let open { throw SyntaxError(path: path, line: open.line, message: "region `\(open.id)` has no END SOLUTION") }
    return found
  }

  /// `text` with every region whose id is in `ids` (or is `all`) replaced by
  /// its stub; `message(region)` is the text of a default stub's fatalError.
  public static func strip(
    _ text: String, ids: Set<String>, path: String = "<text>", message: (Region) -> String
  ) throws -> (text: String, stripped: [Region]) {
    let regions = try regions(in: text, path: path).filter { ids.contains($0.id) || $0.id == "all" }
    guard !regions.isEmpty else { return (text, []) }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for region in regions.reversed() {
      let beginLine = lines[region.begin - 1]
      let indent = String(beginLine.prefix { $0 == " " })
      let body = lines[region.begin..<(region.end - 1)]
      let stubs = body.compactMap { line -> String? in
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix(stubMarker) else { return nil }
        var rest = t.dropFirst(stubMarker.count)
        if rest.hasPrefix(" ") { rest = rest.dropFirst() }
        return rest.isEmpty ? "" : indent + rest
      }
      let replacement =
        stubs.isEmpty
        ? ["\(indent)// YOUR CODE HERE (see ASSIGNMENT.md): the stub of a student copy.", "\(indent)fatalError(\(swiftStringLiteral(message(region))))"]
        : stubs
      // Snippet markers inside the region stay, so a chapter that quotes the
      // code shows the stub in a student copy instead of losing its snippet.
      let snippetMarkers = body.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("// snippet.") }
      let opening = snippetMarkers.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("// snippet.end") }
      let closing = snippetMarkers.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("// snippet.end") }
      lines.replaceSubrange((region.begin - 1)..<region.end, with: opening + replacement + closing)
    }
    return (lines.joined(separator: "\n"), regions)
  }

  /// The name of the nearest `func` declared above line index `index`.
  static func enclosingFunction(_ lines: [String], before index: Int) -> String? {
    var i = index - 1
    while i >= 0 {
      let line = lines[i]
      if let range = line.range(of: "func ") {
        let name = line[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        if !name.isEmpty { return String(name) }
      }
      if line.hasPrefix("}") { return nil }  // left the enclosing top-level declaration
      i -= 1
    }
    return nil
  }

  static func swiftStringLiteral(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}
