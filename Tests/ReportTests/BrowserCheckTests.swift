// check-site and the PDF, in a real headless Chromium (skipped, with the
// reason, on a machine without one; `make test` installs it). A clean
// fixture site must pass; the same site with one of each problem planted
// must report exactly those problems.
import Foundation
import Testing

@testable import Report

private let chromium = Chromium.find()

@Suite(.enabled(if: chromium != nil, "no headless Chromium here (sh scripts/setup.sh --browser installs it)"))
struct BrowserCheckTests {
  func builtSite() throws -> (ReportFixture, URL) {
    let f = try ReportFixture()
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\"><rect width=\"640\" height=\"400\" fill=\"#ccc\"/></svg>"
    try Data(svg.utf8).write(to: f.results.appendingPathComponent("toy/figures/curve.svg"))
    // A real 1 x 1 PNG (the index shows the PNG as the chapter's thumbnail).
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    try Data(base64Encoded: png)!.write(to: f.results.appendingPathComponent("toy/figures/curve.png"))
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n# Toy\n\n## Part\n\nSee `{ref} curve`, $x^2$.\n\n![c](figure:curve)\n\n```claim\nap50 > ap75\n```\n")
    _ = try f.site.build()
    return (f, f.root.appendingPathComponent("site"))
  }

  @Test func aCleanSitePassesAtPhoneWidth() throws {
    let (_, site) = try builtSite()
    let problems = try SiteCheck.run(site: site, chromium: chromium!)
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func eachPlantedProblemIsReported() throws {
    let (_, site) = try builtSite()
    let page = site.appendingPathComponent("toy.html")
    var html = try String(contentsOf: page, encoding: .utf8)
    html = html.replacingOccurrences(
      of: "</article>",
      with: "<img src=\"figures/toy/curve.svg\" width=\"1600\" height=\"400\" data-smallest-text=\"15\"><img src=\"figures/none.png\"><div style=\"width:900px\">wide</div><a href=\"#nowhere\">a</a><a href=\"index.html#nope\">b</a><script>console.error(\"boom\")</script></article>")
    try Data(html.utf8).write(to: page)
    let messages = try SiteCheck.run(site: site, chromium: chromium!).filter { $0.page == "toy.html" }.map(\.message)
    #expect(messages.contains("broken link: figures/none.png (no such file)"))
    #expect(messages.contains("broken link: index.html#nope (no id `nope` in index.html)"))
    #expect(messages.contains("image did not load: figures/none.png"))
    #expect(messages.contains("broken anchor: #nowhere"))
    #expect(messages.contains("console error: boom"))
    #expect(messages.contains { $0.hasPrefix("horizontal overflow at 420 px:") })
    // 15 px text in a 1600 px figure shown in the 782 px column: 15 × 782 / 1600 = 7.3 px.
    #expect(messages.contains("figure text 7.3 px as displayed at 1300 px (at least 11): figures/toy/curve.svg"))
    #expect(messages.filter { $0.hasPrefix("image did not load") }.count == 1)  // seen at both widths, reported once
  }

  @Test func theBookPrintsToAPDF() throws {
    let (f, _) = try builtSite()
    let pdf = try f.site.printPDF(chromium: chromium!)
    let data = try Data(contentsOf: pdf)
    #expect(data.starts(with: Data("%PDF".utf8)))
    // A title page, and the chapter on a page of its own (Skia writes page objects uncompressed).
    let text = String(decoding: data, as: UTF8.self)
    let pages = (try? NSRegularExpression(pattern: "/Type\\s*/Page[^s]"))?.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) ?? 0
    #expect(pages >= 2)
  }
}
