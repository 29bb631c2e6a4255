import Foundation
import Support
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

/// The notices above a chapter: variant runs, another profile, stale prerequisites.
struct RunNoticeTests {
  @Test func aVariantRunNamesWhatChangedAndTheIndexSaysSo() throws {
    let f = try ReportFixture()
    let url = f.results.appendingPathComponent("toy/results.json")
    var json = try String(contentsOf: url, encoding: .utf8)
    json = json.replacingOccurrences(
      of: "\"config\": {\"n\": 3},",
      with: "\"config\": {\"n\": 5}, \"overrides\": [{\"key\": \"n\", \"defaultValue\": \"3\", \"value\": \"5\"}],")
    try Data(json.utf8).write(to: url)
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n# Toy\n\n```claim\nap50 > ap75\n```\n")
    _ = try f.site.build()
    let page = try String(contentsOf: f.root.appendingPathComponent("site/toy.html"), encoding: .utf8)
    #expect(page.contains("<p class=\"banner\">A variant run, not the canonical one: `convnotes run toy --set` changed n = 5 (default 3)."))
    let index = try String(contentsOf: f.root.appendingPathComponent("site/index.html"), encoding: .utf8)
    #expect(index.contains("variant runs (--set): toy"))
  }

  @Test func aPrerequisiteWhoseResultsChangedIsFlagged() throws {
    let f = try ReportFixture()
    let fm = FileManager.default
    let base = f.results.appendingPathComponent("base")
    try fm.createDirectory(at: base, withIntermediateDirectories: true)
    let baseResults = Data("{\"id\": \"base\", \"values\": {}}".utf8)
    try baseResults.write(to: base.appendingPathComponent("results.json"))
    let inputs = "{\"parts\": {\"requires base\": \"\(fnv1a64Hex(baseResults))\"}}"
    try Data(inputs.utf8).write(to: f.results.appendingPathComponent("toy/inputs.json"))
    #expect(Site.changedPrerequisites(of: "toy", in: f.results) == [])
    try Data("{\"id\": \"base\", \"values\": {\"x\": {\"value\": 1}}}".utf8).write(to: base.appendingPathComponent("results.json"))
    #expect(Site.changedPrerequisites(of: "toy", in: f.results) == ["base"])
  }

  @Test func theIndexNamesChaptersRunWithAnotherProfile() throws {
    let f = try ReportFixture()
    let fm = FileManager.default
    for id in ["one", "two"] {
      try fm.createDirectory(at: f.results.appendingPathComponent(id), withIntermediateDirectories: true)
      try Data("{\"id\": \"\(id)\", \"provenance\": {\"commit\": \"abc\", \"profile\": \"full\"}, \"values\": {}}".utf8)
        .write(to: f.results.appendingPathComponent("\(id)/results.json"))
    }
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n# Toy\n")
    try f.write("02-one.md", "---\nexperiment: one\n---\n# One\n")
    try f.write("03-two.md", "---\nexperiment: two\n---\n# Two\n")
    _ = try f.site.build()
    let index = try String(contentsOf: f.root.appendingPathComponent("site/index.html"), encoding: .utf8)
    #expect(index.contains("profile full (toy: quick)"))
    let page = try String(contentsOf: f.root.appendingPathComponent("site/toy.html"), encoding: .utf8)
    #expect(page.contains("These numbers come from the quick profile; the rest of the book was run with full."))
  }

  @Test func onlyCompilesTheNamedChapters() throws {
    var f = try ReportFixture().site
    try ReportFixture.writeTwoChapters(into: f.chaptersFolder)
    f.only = ["toy"]
    let report = f.verify()
    #expect(report.compiled.map(\.chapter.experiment) == ["toy"])
    #expect(report.passed)
  }
}

extension ReportFixture {
  static func writeTwoChapters(into folder: URL) throws {
    try Data("---\nexperiment: toy\n---\n```claim\nap50 > ap75\n```\n".utf8).write(to: folder.appendingPathComponent("01-toy.md"))
    try Data("---\nexperiment: never-ran\n---\ntext `{result} x`\n".utf8).write(to: folder.appendingPathComponent("02-never.md"))
  }
}
