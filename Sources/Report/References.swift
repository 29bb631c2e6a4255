// chapters/references.yaml: the papers the chapters cite, by key.
//
//   girshick2015fast:
//     authors: [Ross Girshick]
//     title: Fast R-CNN
//     venue: ICCV
//     year: 2015
//     url: https://arxiv.org/abs/1504.08083
//
// A strict subset of YAML (so any YAML tool reads the file too): top-level
// keys, each followed by two-space indented `field: value` lines; values are
// plain or double-quoted scalars, `authors` a flow list. Parsed here rather
// than with Yams because the file needs nothing more, Report would otherwise
// build libyaml for one flat file, and errors can name the field and line
// the way the chapters' errors do.
import Foundation

public struct Reference: Sendable, Equatable {
  public var key: String
  public var authors: [String]
  public var title: String
  public var venue: String
  public var year: Int
  public var url: String?
  /// Line of the key in the file.
  public var line: Int

  /// "Zeiler and Fergus", "Simonyan et al.": surnames as a citation names them.
  public var shortAuthors: String {
    let surnames = authors.map { name -> String in
      let parts = name.split(separator: " ").map(String.init)
      // "Laurens van der Maaten" -> "van der Maaten"
      if let particle = parts.firstIndex(where: { ["van", "von", "de", "der", "le"].contains($0) }), particle > 0 {
        return parts[particle...].joined(separator: " ")
      }
      return parts.last ?? name
    }
    switch surnames.count {
    case 0: return ""
    case 1: return surnames[0]
    case 2: return "\(surnames[0]) and \(surnames[1])"
    default: return "\(surnames[0]) et al."
    }
  }

  /// One line of plain text: authors, title, venue, year.
  public var fullText: String {
    let names = authors.count <= 1 ? authors.joined() : authors.dropLast().joined(separator: ", ") + " and " + authors.last!
    return "\(names). \(title). \(venue), \(year)."
  }
}

public struct Bibliography: Sendable {
  public var path: String
  public var entries: [String: Reference]

  public var sorted: [Reference] { entries.values.sorted { $0.key < $1.key } }

  public static func load(_ url: URL, displayPath: String) throws -> Bibliography {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw ReportError(file: displayPath, line: 0, message: "cannot read the references (missing, or not UTF-8)")
    }
    return try parse(text, path: displayPath)
  }

  public static func parse(_ text: String, path: String) throws -> Bibliography {
    var entries: [String: Reference] = [:]
    var current: (key: String, line: Int, fields: [String: (String, Int)])? = nil
    func finish() throws {
      guard let c = current else { return }
      for required in ["authors", "title", "venue", "year"] where c.fields[required] == nil {
        throw ReportError(file: path, line: c.line, message: "reference `\(c.key)` has no `\(required):`")
      }
      let (yearText, yearLine) = c.fields["year"]!
      guard let year = Int(yearText), (1800...2100).contains(year) else {
        throw ReportError(file: path, line: yearLine, message: "reference `\(c.key)`: year `\(yearText)` is not a year")
      }
      let (authorText, authorLine) = c.fields["authors"]!
      guard authorText.hasPrefix("[") && authorText.hasSuffix("]") else {
        throw ReportError(file: path, line: authorLine, message: "reference `\(c.key)`: authors must be a list `[First Last, First Last]`")
      }
      let authors = authorText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard !authors.isEmpty, !authors.contains(where: \.isEmpty) else {
        throw ReportError(file: path, line: authorLine, message: "reference `\(c.key)`: the author list is empty or has an empty name")
      }
      entries[c.key] = Reference(
        key: c.key, authors: authors, title: c.fields["title"]!.0, venue: c.fields["venue"]!.0, year: year,
        url: c.fields["url"]?.0, line: c.line)
    }
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = n + 1
      let content = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
      let trimmed = content.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      guard let colon = trimmed.firstIndex(of: ":") else {
        throw ReportError(file: path, line: line, message: "expected `key:` or `  field: value`, got `\(trimmed)`")
      }
      let name = String(trimmed[..<colon])
      var value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if !content.hasPrefix(" ") {
        guard value.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }), name.first?.isLetter == true else {
          throw ReportError(file: path, line: line, message: "a reference key is letters and digits followed by `:` alone on its line (got `\(trimmed)`)")
        }
        try finish()
        guard entries[name] == nil else { throw ReportError(file: path, line: line, message: "reference `\(name)` is defined twice") }
        current = (name, line, [:])
        continue
      }
      guard current != nil else { throw ReportError(file: path, line: line, message: "field `\(name)` before any reference key") }
      guard ["authors", "title", "venue", "year", "url"].contains(name) else {
        throw ReportError(file: path, line: line, message: "unknown field `\(name)` (expected authors, title, venue, year, url)")
      }
      guard current!.fields[name] == nil else { throw ReportError(file: path, line: line, message: "field `\(name)` given twice") }
      if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
        value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
      }
      guard !value.isEmpty else { throw ReportError(file: path, line: line, message: "field `\(name)` is empty") }
      current!.fields[name] = (value, line)
    }
    try finish()
    return Bibliography(path: path, entries: entries)
  }
}
