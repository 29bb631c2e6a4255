import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import Report

struct SiteTests {
  @Test func buildsPagesIndexAssetsAndFigures() throws {
    let f = try ReportFixture()
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n# Toy <chapter>\n\n## Part one\n\n`{result} ap50`\n\n![c](figure:curve)\n\n```claim\nap50 > ap75\n```\n")
    let summary = try f.site.build()
    #expect(summary.chapters == 1 && summary.claims == 1 && summary.failedClaims == 0 && summary.problems.isEmpty)
    let site = f.root.appendingPathComponent("site")
    let page = try String(contentsOf: site.appendingPathComponent("toy.html"), encoding: .utf8)
    #expect(page.contains("<title>Toy &lt;chapter&gt; · ConvNotes</title>"))
    #expect(page.contains("<li class=\"level2\"><a href=\"#part-one\">Part one</a></li>"))
    #expect(page.contains("<p class=\"tally pass\">1 of 1 claims hold</p>"))
    #expect(page.contains("<dt>commit</dt><dd>abc123</dd>"))
    #expect(page.contains("<dt>OPENBLAS_CORETYPE</dt><dd>unset</dd>"))
    #expect(page.contains("<dt>data toy.bin</dt><dd>crc32:ff00</dd>"))
    #expect(page.contains("<dt>ran</dt><dd>2026-01-01T00:00:00Z, 1.2 s</dd>") || page.contains("1.3 s"))
    #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("figures/toy/curve.svg").path))
    #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("assets/style.css").path))
    let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("<a href=\"toy.html\">Toy &lt;chapter&gt;</a>"))
    #expect(!index.contains("http://") && !index.contains("https://"))
    #expect(!page.contains("http://") && !page.contains("https://"))
  }

  @Test func verifyReportsEveryProblemAndWritesJUnit() throws {
    let f = try ReportFixture()
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n```claim\nap50 > ap75\nap50 < 0.5\nap5 > 0\n```\n")
    try f.write("02-missing.md", "---\nexperiment: never-ran\n---\ntext\n")
    try f.write("03-broken.md", "no front matter\n")
    let report = f.site.verify()
    #expect(!report.passed)
    let lines = report.problems.map(\.description)
    #expect(lines.contains("chapters/01-toy.md:6: claim failed: ap50 < 0.5  (ap50 = 0.81234)"))
    #expect(lines.contains("chapters/01-toy.md:7: unknown key `ap5` (did you mean ap50?)"))
    #expect(lines.contains { $0.hasPrefix("chapters/02-missing.md:2: no results for experiment `never-ran`") })
    #expect(lines.contains("chapters/03-broken.md:1: front matter missing: the file must start with `---`"))
    #expect(report.summary == "verify: 2 claims in 2 chapters: 1 hold, 1 failed; 3 other problems")
    let xml = report.junitXML()
    let parser = XMLParser(data: Data(xml.utf8))
    #expect(parser.parse())
    #expect(xml.contains("<failure message=\"claim failed: ap50 &lt; 0.5 (ap50 = 0.81234)\">"))
  }

  @Test func verifyPassesOnAGoodChapter() throws {
    let f = try ReportFixture()
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n```claim\nap50 > ap75\n```\n")
    let report = f.site.verify()
    #expect(report.passed)
    #expect(report.summary == "verify: 1 claims in 1 chapters: 1 hold, 0 failed")
  }
}
