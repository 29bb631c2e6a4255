// Fitting text into a width: shrink a little, then wrap at spaces into
// balanced lines, then shrink further. Widths come from TextMetrics (Pango).
//
// A title that fits is left alone. One that is up to 15% too wide is drawn
// smaller on one line; a longer one is broken into two (or three) lines of
// similar length, each fitting, at the largest size that allows it; only a
// title with a single unbreakable word wider than the room is shrunk below
// `minSize`, so it never runs into its neighbour.

enum TextFit {
  struct Fitted: Equatable {
    var lines: [String]
    var size: Double
  }

  static func width(_ text: String, _ size: Double, bold: Bool) -> Double {
    TextMetrics.shared.measure(text, style: TextStyle(size: size, bold: bold)).width
  }

  static func lineHeight(_ size: Double, bold: Bool = false) -> Double {
    TextMetrics.shared.measure("Hg", style: TextStyle(size: size, bold: bold)).height
  }

  static func fit(
    _ text: String, size: Double, bold: Bool = false, maxWidth: Double, maxLines: Int = 2, minSize: Double = Layout.smallestSize
  ) -> Fitted {
    let room = max(maxWidth, 1)
    let sizes = stride(from: size, through: minSize, by: -0.5).map { $0 }
    for s in sizes where s >= size * 0.85 && width(text, s, bold: bold) <= room {
      return Fitted(lines: [text], size: s)
    }
    let words = text.split(separator: " ").map(String.init)
    if words.count > 1 && maxLines > 1 {
      for n in 2...min(maxLines, words.count) {
        for s in sizes {
          let lines = wrap(words, into: n, size: s, bold: bold)
          if lines.allSatisfy({ width($0, s, bold: bold) <= room }) { return Fitted(lines: lines, size: s) }
        }
      }
    }
    for s in sizes where width(text, s, bold: bold) <= room { return Fitted(lines: [text], size: s) }
    let shrunk = max(4, size * room / max(width(text, size, bold: bold), 1) * 0.98)
    return Fitted(lines: [text], size: (shrunk * 2).rounded(.down) / 2)
  }

  /// Shrinks one line (an axis label) until it fits; no wrapping.
  static func shrink(_ text: String, size: Double, bold: Bool = false, maxWidth: Double, minSize: Double = 7 * Layout.textScale) -> Double {
    var s = size
    while s > minSize && width(text, s, bold: bold) > maxWidth { s -= 0.5 }
    return s
  }

  /// `words` in `n` lines whose longest is as short as possible (for n = 2 by
  /// trying every break; for more, greedily against the balanced width).
  static func wrap(_ words: [String], into n: Int, size: Double, bold: Bool) -> [String] {
    if n == 2 {
      var best: [String] = [words.joined(separator: " ")]
      var bestWidth = Double.infinity
      for k in 1..<words.count {
        let lines = [words[..<k].joined(separator: " "), words[k...].joined(separator: " ")]
        let w = lines.map { width($0, size, bold: bold) }.max()!
        if w < bestWidth { (best, bestWidth) = (lines, w) }
      }
      return best
    }
    let target = width(words.joined(separator: " "), size, bold: bold) / Double(n)
    var lines: [String] = []
    var current = ""
    for word in words {
      let candidate = current.isEmpty ? word : current + " " + word
      if !current.isEmpty && width(candidate, size, bold: bold) > target * 1.15 && lines.count < n - 1 {
        lines.append(current)
        current = word
      } else {
        current = candidate
      }
    }
    lines.append(current)
    return lines
  }
}
