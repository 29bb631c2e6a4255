// Escaping for text that comes from chapters and results files.

enum HTML {
  /// Escapes &, <, >, " and ' so the text shows as text in content and attributes.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  /// A lowercase, hyphenated anchor id from heading text.
  static func slug(_ text: String) -> String {
    var out = ""
    var lastHyphen = true
    for c in text.lowercased() {
      if c.isLetter || c.isNumber {
        out.append(c)
        lastHyphen = false
      } else if !lastHyphen {
        out.append("-")
        lastHyphen = true
      }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "section" : out
  }
}
