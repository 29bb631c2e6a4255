// ```table blocks (a results table, numbers in its recorded formats) and
// ```snippet blocks (source between `// snippet.<marker>` and `// snippet.end`).
import Foundation
import Support

extension CompileState {
  mutating func tableHTML(_ key: String, line: Int) -> String {
    guard let table = results?.tables?[key] else {
      if results != nil {
        let suggestion = nearestString(to: key, in: results?.tables?.keys ?? [:].keys).map { " (did you mean \($0)?)" } ?? ""
        error(line, "unknown table `\(key)`\(suggestion)")
      }
      return "<p class=\"missing\">table \(HTML.escape(key)) (missing)</p>\n"
    }
    tableCount += 1
    var html = "<figure class=\"table\" id=\"table-\(HTML.escape(key))\"><div class=\"scroll\"><table>\n<thead><tr>"
    for column in table.columns { html += "<th>\(HTML.escape(column))</th>" }
    html += "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      html += "<tr>"
      for (c, cell) in row.enumerated() {
        switch cell {
        case .number(let v):
          let format = (table.formats?.indices.contains(c) == true ? table.formats?[c] : nil) ?? ".3f"
          let text: String
          do { text = try ValueFormat.string(v, format: format.isEmpty ? ".3g" : format) } catch {
            self.error(line, "table `\(key)`, column \(c + 1): \(error)")
            text = "\(v)"
          }
          html += "<td class=\"num\">\(HTML.escape(text))</td>"
        case .text(let s): html += "<td>\(HTML.escape(s))</td>"
        case .empty: html += "<td></td>"
        }
      }
      html += "</tr>\n"
    }
    html += "</tbody></table></div>"
    if let caption = table.caption {
      html += "<figcaption><span class=\"label\">Table \(tableCount).</span> \(HTML.escape(caption))</figcaption>"
    }
    return html + "</figure>\n"
  }

  mutating func snippetHTML(_ reference: String, line: Int) -> String {
    let parts = reference.split(separator: "#", maxSplits: 1).map(String.init)
    guard parts.count == 2 else {
      error(line, "snippet needs `path#marker`, e.g. `Sources/Detection/NonMaxSuppression.swift#greedy`")
      return ""
    }
    let url = sourceRoot.appendingPathComponent(parts[0])
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      error(line, "snippet: cannot read `\(parts[0])`")
      return ""
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// snippet.\(parts[1])" }),
      let end = lines[(start + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// snippet.end" })
    else {
      error(line, "snippet: no `// snippet.\(parts[1])` ... `// snippet.end` region in `\(parts[0])`")
      return ""
    }
    // Assignment markers (Sources/Assignments) are for the grader, not the reader.
    let body = lines[(start + 1)..<end].filter { line in
      let t = line.trimmingCharacters(in: .whitespaces)
      return !(t.hasPrefix("// BEGIN SOLUTION") || t.hasPrefix("// END SOLUTION") || t.hasPrefix("// STUB:"))
    }
    let indent = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
    let code = body.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n")
    return """
      <figure class="snippet"><pre><code class="language-swift">\(HTML.escape(code))</code></pre>\
      <figcaption>\(HTML.escape(parts[0])), lines \(start + 2)–\(end)</figcaption></figure>

      """
  }
}
