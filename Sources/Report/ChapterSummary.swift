// One sentence saying what a chapter shows, for the index: the first
// sentence of the chapter's prose that reads on its own, i.e. holds no
// `{result}` value or math (which the index could not typeset); citations
// are dropped from it. Sentences end at ". " before a capital letter, except
// after "et al.", "e.g.", "i.e.", "vs." and single initials.
import CCmark
import Foundation

enum ChapterSummary {
  /// The first self-contained sentence of the first few paragraphs.
  static func sentence(paragraphs: [MarkdownNode]) -> String? {
    for paragraph in paragraphs.prefix(4) {
      guard let text = prose(paragraph) else { continue }
      for sentence in sentences(text) where !sentence.contains("\u{0}") && sentence.count >= 30 {
        return sentence
      }
    }
    return nil
  }

  /// The paragraph's text; a directive other than a citation becomes NUL.
  static func prose(_ node: MarkdownNode) -> String? {
    var out = ""
    var child = node.firstChild
    while let c = child {
      switch c.type {
      case CMARK_NODE_TEXT: out += c.literal
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: out += " "
      case CMARK_NODE_CODE:
        if c.literal.hasPrefix("{cite}") {
          while out.hasSuffix(" ") { out.removeLast() }
        } else if c.literal.hasPrefix("{") {
          out += "\u{0}"
        } else {
          out += c.literal
        }
      case CMARK_NODE_IMAGE: return nil
      default: out += prose(c) ?? "\u{0}"
      }
      child = c.next
    }
    return out
  }

  static func sentences(_ text: String) -> [String] {
    let chars = Array(text)
    var result: [String] = []
    var start = 0
    var i = 0
    while i < chars.count {
      if chars[i] == "." || chars[i] == "?" || chars[i] == "!", i + 2 < chars.count, chars[i + 1] == " ", chars[i + 2].isUppercase {
        let word = String(chars[start...i]).split(separator: " ").last.map(String.init) ?? ""
        let abbreviation = ["al.", "e.g.", "i.e.", "vs.", "cf.", "Fig."].contains(word) || (word.count == 2 && word.first!.isUppercase)
        if !abbreviation {
          result.append(String(chars[start...i]).trimmingCharacters(in: .whitespaces))
          start = i + 2
        }
      }
      i += 1
    }
    if start < chars.count { result.append(String(chars[start...]).trimmingCharacters(in: .whitespaces)) }
    return result
  }
}
