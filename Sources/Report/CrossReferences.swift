// References from one chapter to another, resolved against the whole book:
//
//   `{ref} chapter:tsne`         "chapter 17", linked to tsne.html (title on hover)
//   `{ref} tsne:map-codes`       "Figure 2 of chapter 17", linked to the figure
//
// The index is built from every chapter file (not only those a `--only`
// build compiles), numbering figures exactly as each chapter's own compile
// does: `figure:` images in document order, first occurrence wins. A chapter
// number is the file name's leading digits (`17-tsne.md` -> 17). Unknown
// chapters and figures are errors with the nearest name, so `verify` fails
// when a referenced figure is renamed or removed.
import CCmark
import Foundation
import Support

/// Every chapter's number, title and figure keys, by experiment id.
public struct BookIndex: Sendable {
  public struct Entry: Sendable {
    public var experiment: String
    public var number: Int
    public var title: String
    /// Figure keys in the order the chapter numbers them (Figure 1 first).
    public var figures: [String]
  }

  public var entries: [String: Entry] = [:]

  public init(chapters: [Chapter]) {
    for chapter in chapters {
      let document = MarkdownDocument(MathPreprocessor.protect(chapter.body))
      let nodes = document.nodes()  // borrowed from `document`, which lives to the end of this iteration
      var figures: [String] = []
      var heading: String?
      for node in nodes {
        if node.type == CMARK_NODE_IMAGE && node.url.hasPrefix("figure:") {
          let key = String(node.url.dropFirst("figure:".count))
          if !figures.contains(key) { figures.append(key) }
        }
        if heading == nil, node.type == CMARK_NODE_HEADING, node.headingLevel == 1 { heading = node.plainText }
      }
      let number = Int(chapter.slug.prefix { $0.isNumber }) ?? 0
      entries[chapter.experiment] = Entry(
        experiment: chapter.experiment, number: number, title: chapter.title ?? heading ?? chapter.experiment, figures: figures)
      withExtendedLifetime(document) {}
    }
  }

  /// The HTML of a cross-reference `target` (`chapter:<id>` or `<id>:<figure>`), or the problem with it.
  func link(_ target: String) -> Result<String, LookupFailure> {
    guard let colon = target.firstIndex(of: ":") else { return .failure(LookupFailure(message: "not a cross-reference")) }
    let head = String(target[..<colon])
    let tail = String(target[target.index(after: colon)...])
    let id = head == "chapter" ? tail : head
    guard let entry = entries[id] else {
      let suggestion = nearestString(to: id, in: entries.keys).map { " (did you mean \($0)?)" } ?? ""
      return .failure(LookupFailure(message: "`{ref} \(target)`: no chapter for experiment `\(id)`\(suggestion)"))
    }
    let title = HTML.escape(entry.title)
    if head == "chapter" {
      return .success("<a class=\"ref\" href=\"\(HTML.escape(id)).html\" title=\"\(title)\">chapter \(entry.number)</a>")
    }
    guard let n = entry.figures.firstIndex(of: tail) else {
      let suggestion = nearestString(to: tail, in: entry.figures).map { " (did you mean \($0)?)" } ?? ""
      return .failure(LookupFailure(message: "`{ref} \(target)`: chapter `\(id)` has no figure `\(tail)`\(suggestion)"))
    }
    return .success(
      "<a class=\"ref\" href=\"\(HTML.escape(id)).html#fig-\(HTML.escape(tail))\" title=\"\(title)\">Figure \(n + 1) of chapter \(entry.number)</a>")
  }
}
