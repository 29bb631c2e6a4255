// The text of a Scene checked as a reader would: no two pieces of text
// overlap, none leaves the canvas, none is cut by the clip it is drawn in.
//
// Boxes are the logical extents Pango measures (TextMetrics.box), which
// include the line's ascent and descent; two labels may touch but not
// overlap by more than `tolerance` pixels in both directions.

extension Scene {
  /// One sentence per problem, naming the text involved; empty when clean.
  public func textProblems(tolerance: Double = 0.5) -> [String] {
    let metrics = TextMetrics.shared
    var boxes: [(text: String, box: Rect)] = []
    var problems: [String] = []
    var clips: [Rect] = []
    for item in items {
      switch item {
      case .beginClip(let r): clips.append(r)
      case .endClip: _ = clips.popLast()
      case .text(let string, _, _, _, _, _):
        guard let box = metrics.box(of: item) else { continue }
        let canvas = Rect(x: 0, y: 0, width: width, height: height)
        if !contains(canvas, box, tolerance) {
          problems.append("\"\(string)\" leaves the \(Int(width))x\(Int(height)) canvas (\(describe(box)))")
        }
        if let clip = clips.last, !contains(clip, box, tolerance) {
          problems.append("\"\(string)\" is cut by its panel's edge (\(describe(box)))")
        }
        for other in boxes where overlap(other.box, box) > tolerance {
          problems.append("\"\(string)\" overlaps \"\(other.text)\" (\(describe(box)) vs \(describe(other.box)))")
        }
        boxes.append((string, box))
      default: continue
      }
    }
    return problems
  }

  private func contains(_ outer: Rect, _ inner: Rect, _ tolerance: Double) -> Bool {
    inner.x >= outer.x - tolerance && inner.y >= outer.y - tolerance && inner.maxX <= outer.maxX + tolerance
      && inner.maxY <= outer.maxY + tolerance
  }

  /// The smaller of the two overlaps (x and y); <= 0 when the boxes are apart.
  private func overlap(_ a: Rect, _ b: Rect) -> Double {
    min(min(a.maxX, b.maxX) - max(a.x, b.x), min(a.maxY, b.maxY) - max(a.y, b.y))
  }

  private func describe(_ r: Rect) -> String {
    "x \(Int(r.x.rounded()))...\(Int(r.maxX.rounded())), y \(Int(r.y.rounded()))...\(Int(r.maxY.rounded()))"
  }
}
