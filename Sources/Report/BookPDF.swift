// The whole book on one page (book.html), and that page printed to PDF by
// headless Chromium (`convnotes report --pdf`): a title page with the
// contents, then every chapter starting on a new page, figures as the SVGs
// the pages show (vectors in the PDF), math typeset by KaTeX before
// printing, page numbers in the bottom margin (CSS page-margin boxes, which
// Chromium prints since version 131), no browser header or footer.
//
// Chromium rather than a TeX route: the pages already are HTML with KaTeX,
// and Debian's chromium-headless-shell prints exactly what a reader sees.
import Foundation

extension Site {
  static let bookFile = "book.html"
  static let pdfFile = "convnotes.pdf"

  /// The single-page book of `compiled`, for printing.
  func bookHTML(_ compiled: [CompiledChapter], math: Bool) -> String {
    var html = """
      <!doctype html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>ConvNotes</title>
      <script src="assets/check.js"></script>
      <link rel="stylesheet" href="assets/style.css">

      """
    if math {
      html += """
        <link rel="stylesheet" href="assets/katex/katex.min.css">
        <script defer src="assets/katex/katex.min.js"></script>
        <script defer src="assets/math.js"></script>

        """
    }
    html += """
      <style>
      @page { size: A4; margin: 16mm 15mm 18mm; @bottom-center { content: counter(page); font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #5f6368; } }
      body.book { max-width: none; }
      body.book main { max-width: 46rem; margin: 0 auto; }
      section.chapter { break-before: page; }
      section.title-page { text-align: center; padding-top: 30vh; }
      nav.contents ol { text-align: left; display: inline-block; }
      figure, table, pre { break-inside: avoid; }
      </style>
      </head>
      <body class="book">
      <main>
      <section class="title-page">
      <h1>ConvNotes</h1>
      <p>An executable companion to the CS231n lectures on localization and detection and on visualizing and understanding ConvNets.</p>
      <p>\(HTML.escape(Self.provenanceSummary(compiled)))</p>
      <nav class="contents"><ol>

      """
    for c in compiled {
      html += "<li><a href=\"#chapter-\(HTML.escape(c.chapter.experiment))\">\(HTML.escape(c.title))</a></li>\n"
    }
    html += "</ol></nav>\n</section>\n"
    for c in compiled {
      let tally = Self.tally(c.outcomes, problems: c.errors.filter { !$0.message.hasPrefix("claim failed") }.count)
      html += "<section class=\"chapter\" id=\"chapter-\(HTML.escape(c.chapter.experiment))\">\n"
      html += "<p class=\"lecture\">\(HTML.escape(c.chapter.lecture ?? c.results?.lecture ?? "")) · <span class=\"tally \(tally.cls)\">\(HTML.escape(tally.text))</span></p>\n"
      html += c.html + "\n</section>\n"
    }
    html += "</main>\n</body>\n</html>\n"
    return html
  }

  /// Prints the built site's book.html to convnotes.pdf beside it; returns its URL.
  public func printPDF(chromium: Chromium) throws -> URL {
    let book = siteFolder.appendingPathComponent(Self.bookFile)
    guard FileManager.default.fileExists(atPath: book.path) else {
      throw ReportError(file: book.path, line: 0, message: "missing: build the report first")
    }
    let pdf = siteFolder.appendingPathComponent(Self.pdfFile)
    let temporary = siteFolder.appendingPathComponent(".\(Self.pdfFile).\(getpid()).tmp")
    defer { try? FileManager.default.removeItem(at: temporary) }
    _ = try chromium.run(
      ["--no-pdf-header-footer", "--virtual-time-budget=20000", "--run-all-compositor-stages-before-draw",
       "--print-to-pdf=\(temporary.path)", book.absoluteString],
      timeout: 300)
    let data = try Data(contentsOf: temporary)
    guard data.starts(with: Data("%PDF".utf8)) else {
      throw ReportError(file: pdf.path, line: 0, message: "Chromium did not write a PDF")
    }
    if rename(temporary.path, pdf.path) != 0 {
      throw ReportError(file: pdf.path, line: 0, message: "cannot move the PDF in place (\(String(cString: strerror(errno))))")
    }
    return pdf
  }
}
