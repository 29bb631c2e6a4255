// Binds a chapter to its results: the directives of the house style become
// HTML, and every claim is checked.
//
//   `{result} key`           a recorded value, printed with its format and unit
//   `{result} key .1%`       ... with another format (see ValueFormat)
//   `{result} other-id:key`  a value of another experiment
//   `{ref} figure-key`       "Figure N", linked
//   `{ref} chapter:tsne`     "chapter 17", linked (CrossReferences.swift)
//   `{ref} tsne:figure-key`  "Figure N of chapter 17", linked
//   ![caption](figure:key)   a numbered, captioned figure
//   ```table   key ```       a results table
//   ```ledger  ```           paper number | source | our key, side by side (Ledger.swift)
//   ```claim   ```           claims (see Claims.swift), shown as pass/fail lines
//   [@key], [@key, Table 1]  a numbered citation of chapters/references.yaml (Citations.swift)
//   ```snippet ```           Sources/<path>#<marker>: the code between
//                            `// snippet.<marker>` and `// snippet.end`
//   $tex$, $$ ... $$         math, typeset by KaTeX in the browser
//
// Problems do not stop the compile: each becomes a ReportError with the
// chapter's file and line, and `verify` prints them all.
import CCmark
import Foundation
import Support

/// A chapter turned into HTML, with its checked claims and problems.
public struct CompiledChapter: Sendable {
  public var chapter: Chapter
  public var title: String
  public var headings: [(level: Int, text: String, anchor: String)]
  public var html: String
  public var outcomes: [ClaimOutcome]
  public var errors: [ReportError]
  /// Figures the page shows: (experiment id, stored figure).
  public var figures: [(experiment: String, figure: StoredFigure)]
  public var results: StoredResults?
  /// Citation keys in the order the chapter first cites them.
  public var citations: [String] = []
  /// The chapter's "paper vs ours" rows, with the claims that read their keys.
  public var ledger: [LedgerRow] = []
  /// One sentence of what the chapter shows (ChapterSummary), for the index.
  public var summary: String?
}

/// Loaded results, shared by the chapters of one report run.
public final class ResultsCache: @unchecked Sendable {
  let store: ResultsStore
  private var loaded: [String: Result<StoredResults?, ReportError>] = [:]

  public init(store: ResultsStore) { self.store = store }

  func results(_ id: String) -> Result<StoredResults?, ReportError> {
    if let hit = loaded[id] { return hit }
    let value: Result<StoredResults?, ReportError>
    do { value = .success(try store.results(id)) } catch let error as ReportError { value = .failure(error) } catch {
      value = .failure(ReportError(file: id, line: 0, message: "\(error)"))
    }
    loaded[id] = value
    return value
  }
}

public struct ChapterCompiler {
  public var cache: ResultsCache
  /// The repository root, for `snippet` paths (`Sources/...`).
  public var sourceRoot: URL
  /// chapters/references.yaml, for `[@key]` citations (nil: none readable).
  public var bibliography: Bibliography?
  /// Every chapter's number and figures, for references into other chapters (nil: none resolve).
  public var book: BookIndex?

  public init(cache: ResultsCache, sourceRoot: URL, bibliography: Bibliography? = nil, book: BookIndex? = nil) {
    self.cache = cache
    self.sourceRoot = sourceRoot
    self.bibliography = bibliography
    self.book = book
  }

  public func compile(_ chapter: Chapter) -> CompiledChapter {
    var state = CompileState(chapter: chapter, cache: cache, sourceRoot: sourceRoot)
    state.bibliography = bibliography
    state.book = book
    return state.run()
  }
}

/// Why a key could not be read.
struct LookupFailure: Error {
  var message: String
}

/// One compile's working state.
struct CompileState {
  let chapter: Chapter
  let cache: ResultsCache
  let sourceRoot: URL
  var errors: [ReportError] = []
  var outcomes: [ClaimOutcome] = []
  var figures: [(experiment: String, figure: StoredFigure)] = []
  var results: StoredResults?
  var figureNumbers: [String: Int] = [:]
  var tableCount = 0
  var bibliography: Bibliography?
  var book: BookIndex?
  var citations: [String] = []
  var citationNumbers: [String: Int] = [:]
  var ledgerRows: [LedgerRow] = []

  init(chapter: Chapter, cache: ResultsCache, sourceRoot: URL) {
    (self.chapter, self.cache, self.sourceRoot) = (chapter, cache, sourceRoot)
  }

  mutating func error(_ line: Int, _ message: String) {
    errors.append(ReportError(file: chapter.path, line: line, message: message))
  }

  /// File line of a node's first line.
  func fileLine(_ node: MarkdownNode) -> Int { chapter.bodyFirstLine + node.line - 1 }

  mutating func run() -> CompiledChapter {
    switch cache.results(chapter.experiment) {
    case .success(let r):
      results = r
      if r == nil {
        error(
          2, "no results for experiment `\(chapter.experiment)` in \(cache.store.root.path) (run `convnotes run \(chapter.experiment)`)")
      }
    case .failure(let e): errors.append(e)
    }
    let document = MarkdownDocument(MathPreprocessor.protect(chapter.body))
    let nodes = document.nodes()

    // Number figures in document order first, so `{ref}` can point forward.
    for node in nodes where node.type == CMARK_NODE_IMAGE && node.url.hasPrefix("figure:") {
      let key = String(node.url.dropFirst("figure:".count))
      if figureNumbers[key] == nil { figureNumbers[key] = figureNumbers.count + 1 }
    }

    var title = chapter.title
    var headings: [(Int, String, String)] = []
    // Replacements free nodes, so they wait until the walk is over and are
    // applied in reverse document order (children before their parents).
    var replacements: [(node: MarkdownNode, html: String, block: Bool)] = []
    var usedAnchors = Set<String>()
    var paragraphs: [MarkdownNode] = []
    for node in nodes {
      switch node.type {
      case CMARK_NODE_HEADING:
        let text = node.plainText
        if node.headingLevel == 1 && title == nil { title = text }
        if node.headingLevel == 2 || node.headingLevel == 3 {
          var anchor = HTML.slug(text)
          while !usedAnchors.insert(anchor).inserted { anchor += "-x" }
          headings.append((node.headingLevel, text, anchor))
          document.prepend(node, html: "<span class=\"anchor\" id=\"\(anchor)\"></span>")
        }
      case CMARK_NODE_HTML_INLINE:
        // Chapters are text, not HTML: a tag shows as written.
        replacements.append((node, HTML.escape(node.literal), false))
      case CMARK_NODE_HTML_BLOCK:
        replacements.append((node, "<p>" + HTML.escape(node.literal.trimmingCharacters(in: .newlines)) + "</p>\n", true))
      case CMARK_NODE_TEXT:
        for directive in ["{result}", "{ref}", "{math}"] where node.literal.contains(directive) {
          error(fileLine(node), "`\(directive)` outside backticks is printed as text; write `` `\(directive) ...` ``")
        }
      case CMARK_NODE_CODE:
        if let html = inlineDirective(node.literal, line: fileLine(node)) {
          replacements.append((node, html, false))
        }
      case CMARK_NODE_CODE_BLOCK:
        if let html = blockDirective(info: node.fenceInfo, body: node.literal, line: fileLine(node)) {
          replacements.append((node, html, true))
        }
      case CMARK_NODE_IMAGE where node.url.hasPrefix("figure:"):
        let html = figureHTML(key: String(node.url.dropFirst("figure:".count)), alt: node.plainText, line: fileLine(node))
        // A figure alone in its paragraph replaces the paragraph (no <figure> inside <p>).
        if let parent = node.parent, parent.type == CMARK_NODE_PARAGRAPH, parent.firstChild?.pointer == node.pointer,
          node.next == nil
        {
          replacements.append((parent, html, true))
        } else {
          replacements.append((node, html, false))
        }
      case CMARK_NODE_PARAGRAPH where node.parent?.type == CMARK_NODE_DOCUMENT:
        paragraphs.append(node)
      default:
        break
      }
    }
    let summary = ChapterSummary.sentence(paragraphs: paragraphs)
    for r in replacements.reversed() { document.replace(r.node, html: r.html, block: r.block) }
    relateLedgerToClaims()
    let references = referencesSection()
    if !references.isEmpty { headings.append((2, "References", "references")) }
    return CompiledChapter(
      chapter: chapter, title: title ?? chapter.slug, headings: headings, html: document.render() + references,
      outcomes: outcomes, errors: errors, figures: figures, results: results, citations: citations, ledger: ledgerRows, summary: summary)
  }

  // MARK: - Values

  /// The stored value of `key` (`key` or `other-id:key`), or an error message.
  func lookup(_ key: String) -> Result<StoredValue, LookupFailure> {
    var experiment = chapter.experiment
    var name = key
    if let colon = key.firstIndex(of: ":") {
      experiment = String(key[..<colon])
      name = String(key[key.index(after: colon)...])
    }
    let loaded: StoredResults?
    switch cache.results(experiment) {
    case .success(let r): loaded = r
    case .failure(let e): return .failure(LookupFailure(message: e.description))
    }
    guard let loaded else { return .failure(LookupFailure(message: "no results for experiment `\(experiment)`")) }
    if let value = loaded.values[name] { return .success(value) }
    let suggestion = nearestString(to: name, in: loaded.values.keys).map { " (did you mean \(experiment == chapter.experiment ? "" : experiment + ":")\($0)?)" } ?? ""
    return .failure(LookupFailure(message: "unknown key `\(key)`\(suggestion)"))
  }

  func formatted(_ value: StoredValue, format: String? = nil) throws -> String {
    let text = try ValueFormat.string(value.value, format: format ?? value.format ?? ".3f")
    guard let unit = value.unit, !unit.isEmpty else { return text }
    return unit == "%" ? text + unit : text + "\u{202F}" + unit
  }

  // MARK: - Inline directives

  mutating func inlineDirective(_ literal: String, line: Int) -> String? {
    guard literal.hasPrefix("{"), let close = literal.firstIndex(of: "}") else { return nil }
    let name = String(literal[literal.index(after: literal.startIndex)..<close])
    let argument = literal[literal.index(after: close)...].trimmingCharacters(in: .whitespaces)
    switch name {
    case "math":
      return "<span class=\"math\">\(HTML.escape(argument))</span>"
    case "cite":
      return citeHTML(argument, line: line)
    case "mathdisplay":
      return "<span class=\"math display\">\(HTML.escape(argument))</span>"
    case "result":
      let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
      guard let key = parts.first, Claim.isKey(key) else {
        error(line, "`{result}` needs a key, e.g. `{result} ap50` (got `\(argument)`)")
        return "<span class=\"missing\">?</span>"
      }
      switch lookup(key) {
      case .failure(let failure):
        let message = failure.message
        error(line, message)
        return "<span class=\"missing\" title=\"\(HTML.escape(message))\">\(HTML.escape(key))?</span>"
      case .success(let value):
        do {
          let text = try formatted(value, format: parts.count > 1 ? parts[1] : nil)
          return "<span class=\"value\" title=\"\(HTML.escape(key)) = \(value.value)\">\(HTML.escape(text))</span>"
        } catch {
          self.error(line, "\(error)")
          return "<span class=\"missing\">\(HTML.escape(key))?</span>"
        }
      }
    case "ref" where argument.contains(":"):
      switch (book ?? BookIndex(chapters: [chapter])).link(argument) {
      case .success(let html): return html
      case .failure(let failure):
        error(line, failure.message)
        return "<span class=\"missing\">\(HTML.escape(argument))?</span>"
      }
    case "ref":
      guard let number = figureNumbers[argument] else {
        let suggestion = nearestString(to: argument, in: figureNumbers.keys).map { " (did you mean \($0)?)" } ?? ""
        error(line, "`{ref} \(argument)`: no figure `\(argument)` in this chapter\(suggestion)")
        return "<span class=\"missing\">Figure ?</span>"
      }
      return "<a class=\"ref\" href=\"#fig-\(HTML.escape(argument))\">Figure \(number)</a>"
    default:
      error(line, "unknown directive `{\(name)}` (expected {result}, {ref}, {math})")
      return "<span class=\"missing\">\(HTML.escape(literal))</span>"
    }
  }

  // MARK: - Figures

  mutating func figureHTML(key: String, alt: String, line: Int) -> String {
    let number = figureNumbers[key] ?? 0
    guard let figure = results?.figures?[key] else {
      if results != nil {
        let suggestion = nearestString(to: key, in: results?.figures?.keys ?? [:].keys).map { " (did you mean \($0)?)" } ?? ""
        error(line, "unknown figure `\(key)`\(suggestion)")
      }
      return "<figure class=\"missing\" id=\"fig-\(HTML.escape(key))\"><figcaption>Figure \(number) (missing): \(HTML.escape(alt))</figcaption></figure>"
    }
    figures.append((chapter.experiment, figure))
    let caption = alt.isEmpty ? (figure.caption ?? "") : alt
    // results/<id>/figures/x.svg is published as <site>/figures/<id>/x.svg.
    func published(_ stored: String) -> String {
      "figures/\(chapter.experiment)/" + (stored.hasPrefix("figures/") ? String(stored.dropFirst("figures/".count)) : stored)
    }
    let image = published(figure.svg ?? figure.png)
    let width = figure.width.map { " width=\"\(Int($0))\"" } ?? ""
    let height = figure.height.map { " height=\"\(Int($0))\"" } ?? ""
    let text = figure.smallestTextSize.map { " data-smallest-text=\"\(String(format: "%.1f", $0))\"" } ?? ""
    return """
      <figure id="fig-\(HTML.escape(key))"><a href="\(HTML.escape(published(figure.png)))"><img src="\(HTML.escape(image))" alt="\(HTML.escape(caption))"\(width)\(height)\(text)></a>\
      <figcaption><span class="label">Figure \(number).</span> \(HTML.escape(caption))\(regenerate)</figcaption></figure>
      """
  }

  /// The regenerate line under a figure's caption.
  var regenerate: String {
    guard let command = results?.regenerateCommand else { return "" }
    return " <code class=\"regenerate\" title=\"regenerates this figure\">\(HTML.escape(command))</code>"
  }

  // MARK: - Block directives

  mutating func blockDirective(info: String, body: String, line: Int) -> String? {
    let kind = info.split(separator: " ").first.map(String.init) ?? ""
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch kind {
    case "claim": return claimsHTML(lines, firstLine: line + 1)
    case "table": return tableHTML(body.trimmingCharacters(in: .whitespacesAndNewlines), line: line)
    case "ledger": return ledgerHTML(lines, firstLine: line + 1)
    case "snippet": return snippetHTML(body.trimmingCharacters(in: .whitespacesAndNewlines), line: line)
    case "math": return "<div class=\"math display\">\(HTML.escape(body))</div>"
    default:
      if kind.hasPrefix("{") {
        error(line, "unknown block directive `\(kind)` (expected claim, table, ledger, snippet, math)")
      }
      return nil  // ordinary code: cmark renders it, with class="language-<kind>"
    }
  }
}
