// A thin owner of a cmark-gfm document: parse (CommonMark + GFM tables),
// walk the nodes, swap nodes for our own HTML, render.
//
// Rendering is cmark's safe mode (`javascript:` links are removed); raw HTML
// written in a chapter is turned into text by the compiler, so it shows. Our own HTML goes in as CUSTOM nodes,
// which the renderer emits verbatim; everything in them that came from a
// chapter or a results file is escaped by the code that builds them.
import CCmark
import Foundation

final class MarkdownDocument {
  private let parser: OpaquePointer
  let root: OpaquePointer

  init(_ markdown: String) {
    cmark_gfm_core_extensions_ensure_registered()
    guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { fatalError("cmark: cannot allocate a parser") }
    if let table = cmark_find_syntax_extension("table") {
      cmark_parser_attach_syntax_extension(parser, table)
    }
    markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
    self.parser = parser
    root = cmark_parser_finish(parser)
  }

  deinit {
    cmark_node_free(root)
    cmark_parser_free(parser)
  }

  /// Every node in document order (entering events only).
  func nodes() -> [MarkdownNode] {
    var out: [MarkdownNode] = []
    guard let iter = cmark_iter_new(root) else { return out }
    defer { cmark_iter_free(iter) }
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) { out.append(MarkdownNode(node)) }
    }
    return out
  }

  /// Replaces `node` with verbatim HTML (a custom block or inline, matching the node's kind).
  func replace(_ node: MarkdownNode, html: String, block: Bool) {
    guard let custom = cmark_node_new(block ? CMARK_NODE_CUSTOM_BLOCK : CMARK_NODE_CUSTOM_INLINE) else { return }
    cmark_node_set_on_enter(custom, html)
    cmark_node_set_on_exit(custom, "")
    if cmark_node_replace(node.pointer, custom) == 0 {
      // GFM table cells refuse custom nodes (the table extension's can_contain
      // lists the inline types it takes): the value went nowhere and the cell
      // rendered empty (found by the chapter fuzz target as a leak). There, a
      // text token (U+FFFC, a number, U+FFFC) takes the node's place and
      // render() substitutes the HTML for it.
      cmark_node_free(custom)
      let token = "\u{FFFC}\(tokenHTML.count)\u{FFFC}"
      guard let text = cmark_node_new(CMARK_NODE_TEXT) else { return }
      cmark_node_set_literal(text, token)
      guard cmark_node_replace(node.pointer, text) != 0 else {
        cmark_node_free(text)
        return
      }
      tokenHTML.append((token, html))
    }
    cmark_node_free(node.pointer)
  }

  /// Tokens standing for HTML where cmark takes no custom node (render() substitutes them).
  private var tokenHTML: [(token: String, html: String)] = []

  /// Puts verbatim inline HTML before the first child of `node` (e.g. an anchor in a heading).
  func prepend(_ node: MarkdownNode, html: String) {
    guard let custom = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { return }
    cmark_node_set_on_enter(custom, html)
    cmark_node_set_on_exit(custom, "")
    cmark_node_prepend_child(node.pointer, custom)
  }

  func render() -> String {
    guard let html = cmark_render_html(root, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser)) else {
      return ""
    }
    defer { free(html) }
    var out = String(cString: html)
    for p in tokenHTML { out = out.replacingOccurrences(of: p.token, with: p.html) }
    return out
  }
}

/// A node of the parsed document (borrowed from its MarkdownDocument).
struct MarkdownNode {
  let pointer: OpaquePointer
  init(_ pointer: OpaquePointer) { self.pointer = pointer }

  var type: cmark_node_type { cmark_node_get_type(pointer) }
  var literal: String { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }
  var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }
  var url: String { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
  var line: Int { Int(cmark_node_get_start_line(pointer)) }
  var parent: MarkdownNode? { cmark_node_parent(pointer).map(MarkdownNode.init) }
  var firstChild: MarkdownNode? { cmark_node_first_child(pointer).map(MarkdownNode.init) }
  var next: MarkdownNode? { cmark_node_next(pointer).map(MarkdownNode.init) }
  var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }

  /// The plain text of the node's descendants.
  var plainText: String {
    var out = ""
    var child = firstChild
    while let c = child {
      switch c.type {
      case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE: out += c.literal
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: out += " "
      default: out += c.plainText
      }
      child = c.next
    }
    return out
  }
}

#if canImport(Glibc)
  import Glibc
#endif
