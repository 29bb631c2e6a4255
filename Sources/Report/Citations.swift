// Citations: `[@key]`, `[@key, Table 1]`, `[@a; @b]` in a chapter (turned
// into `{cite}` code spans by the preprocessor, or found in ledger cells).
//
// Papers are numbered in the order the chapter first cites them, as in a
// numbered (IEEE-style) bibliography; "[2, Table 1]" links to the chapter's
// reference list, and its title attribute holds the full reference, so a
// hover shows it. An unknown key is an error at the chapter's file and
// line, with the nearest known key suggested.
import Foundation
import Support

extension CompileState {
  /// `argument` is the inside of the brackets: `@key, locator; @key2`.
  mutating func citeHTML(_ argument: String, line: Int) -> String {
    var parts: [String] = []
    for piece in argument.split(separator: ";") {
      let text = piece.trimmingCharacters(in: .whitespaces)
      guard text.hasPrefix("@") else {
        error(line, "citation `[\(argument)]`: each part is `@key` or `@key, locator` (e.g. `[@girshick2015fast, Table 2]`)")
        continue
      }
      let body = text.dropFirst()
      let key = String(body.prefix { $0.isLetter || $0.isNumber })
      let locator = body.dropFirst(key.count).trimmingCharacters(in: CharacterSet(charactersIn: ",").union(.whitespaces))
      guard let bibliography else {
        error(line, "citation `@\(key)`: no readable chapters/references.yaml to look it up in")
        parts.append("<span class=\"missing\">@\(HTML.escape(key))?</span>")
        continue
      }
      guard let reference = bibliography.entries[key] else {
        let suggestion = nearestString(to: key, in: bibliography.entries.keys).map { " (did you mean @\($0)?)" } ?? ""
        error(line, "unknown citation key `@\(key)`\(suggestion); references are in \(bibliography.path)")
        parts.append("<span class=\"missing\">@\(HTML.escape(key))?</span>")
        continue
      }
      let number: Int
      if let known = citationNumbers[key] {
        number = known
      } else {
        citations.append(key)
        number = citations.count
        citationNumbers[key] = number
      }
      parts.append(
        "<a class=\"cite\" href=\"#ref-\(HTML.escape(key))\" title=\"\(HTML.escape(reference.fullText))\">\(number)</a>"
          + (locator.isEmpty ? "" : ", " + HTML.escape(locator)))
    }
    return "<span class=\"citation\">[" + parts.joined(separator: "; ") + "]</span>"
  }

  /// Plain text with `[@...]` citations in it (a ledger cell), as HTML.
  mutating func citationsInText(_ text: String, line: Int) -> String {
    var html = ""
    var rest = Substring(text)
    while let open = rest.range(of: "[@"), let close = rest[open.upperBound...].firstIndex(of: "]") {
      html += HTML.escape(String(rest[..<open.lowerBound]))
      html += citeHTML(String(rest[rest.index(after: open.lowerBound)..<close]), line: line)
      rest = rest[rest.index(after: close)...]
    }
    return html + HTML.escape(String(rest))
  }

  /// The chapter's numbered reference list, in citation order.
  func referencesSection() -> String {
    guard let bibliography, !citations.isEmpty else { return "" }
    var html = "<section class=\"references\">\n<h2><span class=\"anchor\" id=\"references\"></span>References</h2>\n<ol>\n"
    for key in citations {
      guard let reference = bibliography.entries[key] else { continue }
      html += "<li id=\"ref-\(HTML.escape(key))\">\(Self.referenceHTML(reference))</li>\n"
    }
    return html + "</ol>\n</section>\n"
  }

  /// Authors. *Title*. Venue, year. Link.
  static func referenceHTML(_ r: Reference) -> String {
    let names = r.authors.count <= 1 ? r.authors.joined() : r.authors.dropLast().joined(separator: ", ") + " and " + r.authors.last!
    var html = "\(HTML.escape(names)). <cite>\(HTML.escape(r.title))</cite>. \(HTML.escape(r.venue)), \(r.year)."
    if let url = r.url, url.hasPrefix("https://") || url.hasPrefix("http://") {
      html += " <a href=\"\(HTML.escape(url))\">\(HTML.escape(url))</a>"
    }
    return html
  }
}
