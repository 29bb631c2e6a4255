// Protects TeX from the Markdown parser. Before parsing, `$...$` becomes an
// inline code span `{math}...` and a line holding only `$$` opens or closes a
// ```math fence (line numbers do not change). After parsing, those nodes
// render as <span class="math"> / <div class="math display">, which KaTeX
// typesets in the browser from the report's local copy.
//
// Rules (pandoc's): an opening `$` is followed by a non-space, a closing `$`
// follows a non-space and is not followed by a digit; `\$` is a dollar sign;
// nothing inside code spans or fenced code changes.
//
// Citations get the same treatment: `[@key]`, `[@key, Table 1]` and
// `[@a; @b]` become a code span `{cite}@key, Table 1`, so the parser cannot
// split them at the brackets and the compiler binds them like `{result}`.

enum MathPreprocessor {
  static func protect(_ markdown: String) -> String {
    var out: [String] = []
    var fence: String? = nil  // the fence that opened the current code block
    var inDisplayMath = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if let open = fence {
        if trimmed.hasPrefix(open) && trimmed.allSatisfy({ $0 == open.first }) { fence = nil }
        out.append(String(line))
        continue
      }
      if trimmed == "$$" {
        out.append(inDisplayMath ? "```" : "```math")
        inDisplayMath.toggle()
        continue
      }
      if inDisplayMath {
        out.append(String(line))
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        let marker = trimmed.first == "`" ? "`" : "~"
        fence = String(trimmed.prefix { String($0) == marker })
        out.append(String(line))
        continue
      }
      if trimmed.count > 4 && trimmed.hasPrefix("$$") && trimmed.hasSuffix("$$") {
        // one-line display math
        out.append("`{mathdisplay}" + trimmed.dropFirst(2).dropLast(2) + "`")
        continue
      }
      out.append(protectInline(String(line)))
    }
    return out.joined(separator: "\n")
  }

  static func protectInline(_ line: String) -> String {
    let chars = Array(line)
    var out = ""
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "`" {  // copy a code span untouched
        var run = 0
        while i + run < chars.count && chars[i + run] == "`" { run += 1 }
        var j = i + run
        var closed = false
        while j < chars.count {
          if chars[j] == "`" {
            var r = 0
            while j + r < chars.count && chars[j + r] == "`" { r += 1 }
            if r == run { j += r; closed = true; break }
            j += r
          } else {
            j += 1
          }
        }
        let end = closed ? j : i + run
        out += String(chars[i..<end])
        i = end
        continue
      }
      if c == "[" && i + 1 < chars.count && chars[i + 1] == "@",
        let close = chars[(i + 2)...].firstIndex(of: "]"), !chars[(i + 2)..<close].contains("`")
      {
        out += "`{cite}" + String(chars[(i + 1)..<close]) + "`"
        i = close + 1
        continue
      }
      if c == "\\" && i + 1 < chars.count && chars[i + 1] == "$" {
        out += "\\$"
        i += 2
        continue
      }
      if c == "$" && i + 1 < chars.count && chars[i + 1] != " " && chars[i + 1] != "$" {
        var j = i + 1
        var found: Int? = nil
        while j < chars.count {
          if chars[j] == "\\" { j += 2; continue }
          if chars[j] == "$" {
            let afterIsDigit = j + 1 < chars.count && chars[j + 1].isNumber
            if chars[j - 1] != " " && !afterIsDigit { found = j }
            break
          }
          j += 1
        }
        if let end = found {
          let tex = String(chars[(i + 1)..<end])
          let ticks = tex.contains("`") ? "`` " : "`"
          let close = tex.contains("`") ? " ``" : "`"
          out += ticks + "{math}" + tex + close
          i = end + 1
          continue
        }
      }
      out.append(c)
      i += 1
    }
    return out
  }
}
