import Foundation
import Testing

@testable import Report

/// Citations, the bibliography file, and the book's pages around the chapters.
struct CitationTests {
  static let references = """
    # test references
    zeiler2014visualizing:
      authors: [Matthew D. Zeiler, Rob Fergus]
      title: Visualizing and Understanding Convolutional Networks
      venue: ECCV
      year: 2014
      url: https://arxiv.org/abs/1311.2901

    simonyan2014deep:
      authors: [Karen Simonyan, Andrea Vedaldi, Andrew Zisserman]
      title: "Deep Inside Convolutional Networks: Saliency Maps"
      venue: ICLR Workshop
      year: 2014

    """

  func compile(_ f: ReportFixture, _ body: String) throws -> CompiledChapter {
    try f.write("01-toy.md", "---\nexperiment: toy\n---\n" + body)
    let chapter = try Chapter.load(f.chapters.appendingPathComponent("01-toy.md"), displayPath: "chapters/01-toy.md")
    let bibliography = try Bibliography.parse(Self.references, path: "chapters/references.yaml")
    return ChapterCompiler(cache: ResultsCache(store: ResultsStore(root: f.results)), sourceRoot: f.root, bibliography: bibliography)
      .compile(chapter)
  }

  @Test func citationsAreNumberedInOrderOfFirstUseWithTheReferenceOnHover() throws {
    let f = try ReportFixture()
    let c = try compile(f, "Saliency [@simonyan2014deep] and occlusion [@zeiler2014visualizing, Fig. 7]; again [@simonyan2014deep; @zeiler2014visualizing].\n\n`[@zeiler2014visualizing]` in code stays.\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.citations == ["simonyan2014deep", "zeiler2014visualizing"])
    #expect(c.html.contains("<span class=\"citation\">[<a class=\"cite\" href=\"#ref-simonyan2014deep\" title=\"Karen Simonyan, Andrea Vedaldi and Andrew Zisserman. Deep Inside Convolutional Networks: Saliency Maps. ICLR Workshop, 2014.\">1</a>]</span>"))
    #expect(c.html.contains(">2</a>, Fig. 7]</span>"))
    #expect(c.html.contains(">1</a>; <a class=\"cite\" href=\"#ref-zeiler2014visualizing\""))
    #expect(c.html.contains("<code>[@zeiler2014visualizing]</code>"))
    // The list at the end, in citation order, and a heading for the table of contents.
    let list = try #require(c.html.range(of: "<section class=\"references\">"))
    let tail = c.html[list.lowerBound...]
    let first = try #require(tail.range(of: "id=\"ref-simonyan2014deep\""))
    let second = try #require(tail.range(of: "id=\"ref-zeiler2014visualizing\""))
    #expect(first.lowerBound < second.lowerBound)
    #expect(tail.contains("<a href=\"https://arxiv.org/abs/1311.2901\">"))
    #expect(c.headings.last?.text == "References")
  }

  @Test func anUnknownKeyIsAnErrorAtItsLineWithTheNearestKey() throws {
    let f = try ReportFixture()
    let c = try compile(f, "line one\n\nsee [@zeiler2014visualising] here\n")
    #expect(c.errors.map(\.description) == [
      "chapters/01-toy.md:6: unknown citation key `@zeiler2014visualising` (did you mean @zeiler2014visualizing?); references are in chapters/references.yaml"
    ])
    #expect(c.html.contains("<span class=\"missing\">@zeiler2014visualising?</span>"))
  }

  @Test func ledgerSourcesCiteAndRowsKeepTheClaimsThatReadTheirKey() throws {
    let f = try ReportFixture()
    let c = try compile(f, "```ledger\nAP at 0.5 | 0.80 | [@zeiler2014visualizing, Table 2] | ap50\ncount | — | measured here | count\n```\n\n```claim\nap50 > 0.75\nap50 > ap75\nap75 < 0.1\n```\n")
    #expect(c.ledger.count == 2)
    #expect(c.ledger[0].sourceHTML.contains(">1</a>, Table 2]"))
    #expect(c.ledger[0].claims.map(\.claim.source) == ["ap50 > 0.75", "ap50 > ap75"])
    #expect(c.ledger[0].claims.allSatisfy { $0.passed })
    #expect(c.ledger[1].claims.isEmpty && c.ledger[1].ours == "12,345")
  }

  @Test(arguments: [
    ("a:\n  authors: [A B]\n  title: T\n  venue: V\n", "chapters/references.yaml:1: reference `a` has no `year:`"),
    ("a:\n  authors: [A B]\n  title: T\n  venue: V\n  year: 20x4\n", "chapters/references.yaml:5: reference `a`: year `20x4` is not a year"),
    ("a:\n  authors: A B\n  title: T\n  venue: V\n  year: 2004\n", "chapters/references.yaml:2: reference `a`: authors must be a list `[First Last, First Last]`"),
    ("a:\n  author: [A B]\n", "chapters/references.yaml:2: unknown field `author` (expected authors, title, venue, year, url)"),
    ("a:\n  authors: [A]\n  title: T\n  venue: V\n  year: 2004\na:\n", "chapters/references.yaml:6: reference `a` is defined twice"),
    ("  title: T\n", "chapters/references.yaml:1: field `title` before any reference key"),
  ])
  func badReferencesNameTheLine(text: String, message: String) {
    #expect(throws: ReportError.self) { try Bibliography.parse(text, path: "chapters/references.yaml") }
    do { _ = try Bibliography.parse(text, path: "chapters/references.yaml") } catch { #expect("\(error)" == message) }
  }

  @Test func theRealReferencesFileParses() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../chapters/references.yaml")
    let b = try Bibliography.load(url, displayPath: "chapters/references.yaml")
    #expect(b.entries["girshick2015fast"]?.title == "Fast R-CNN")
    #expect(b.entries["vandermaaten2008visualizing"]?.shortAuthors == "van der Maaten and Hinton")
    #expect(b.entries["sermanet2014overfeat"]?.authors.count == 6)
  }

  @Test func summarySentencesSkipAbbreviationsAndValues() {
    #expect(ChapterSummary.sentences("Zeiler et al. asked a question. The answer is clear.") == ["Zeiler et al. asked a question.", "The answer is clear."])
  }

  /// Index by lecture (8 before 9 whatever the file order), ledger and references pages; verify reports a bad key.
  @Test func bookPagesAndVerify() throws {
    let f = try ReportFixture()
    try Data(Self.references.utf8).write(to: f.chapters.appendingPathComponent("references.yaml"))
    try f.write("01-toy.md", "---\nexperiment: toy\nlecture: Lecture 9: Visualizing\n---\n# Nine\n\nThe first chapter shows occlusion maps [@zeiler2014visualizing] at our scale.\n\n![c](figure:curve)\n\n```ledger\nAP | 0.80 | [@zeiler2014visualizing, Table 2] | ap50\n```\n\n```claim\nap50 > 0.75\n```\n")
    try f.write("02-toy.md", "---\nexperiment: toy\nlecture: Lecture 8: Detection\n---\n# Eight\n\nThis later file belongs to the earlier lecture, so it comes first.\n")
    _ = try f.site.build()
    let site = f.root.appendingPathComponent("site")
    let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    let eight = try #require(index.range(of: "Lecture 8: Detection")), nine = try #require(index.range(of: "Lecture 9: Visualizing"))
    #expect(eight.lowerBound < nine.lowerBound)
    #expect(index.contains("<img src=\"figures/toy/curve.png\""))
    #expect(index.contains("<p>The first chapter shows occlusion maps at our scale.</p>"))
    #expect(index.contains("ran in 1.2 s (quick profile)") || index.contains("ran in 1.3 s (quick profile)"))
    #expect(index.contains("Total run time 2.5 s"))
    // No reference times given: no full-profile estimate.
    #expect(!index.contains("full profile about"))
    let ledger = try String(contentsOf: site.appendingPathComponent("ledger.html"), encoding: .utf8)
    #expect(ledger.contains("href=\"references.html#ref-zeiler2014visualizing\""))
    #expect(ledger.contains("<span class=\"pass\">✓</span> <code>ap50 &gt; 0.75</code>"))
    let references = try String(contentsOf: site.appendingPathComponent("references.html"), encoding: .utf8)
    #expect(references.contains("Cited in <a href=\"toy.html#ref-zeiler2014visualizing\">Nine</a>."))
    #expect(references.contains("not cited yet: <code>simonyan2014deep</code>"))

    // With the reference machine's full-profile times, each card and the footer say what `make report` costs.
    var withTimes = f.site
    withTimes.fullProfileTimes = ReferenceRunTimes(seconds: ["toy": 75], conditions: "a test machine")
    _ = try withTimes.build()
    let timed = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(timed.components(separatedBy: " · full profile about 1 min 15 s</p>").count == 3)
    #expect(timed.contains("all 2 chapters take about 2 min 30 s on the reference machine (a test machine).</p>"))
    // With the measured wall time of a run of several jobs, the footer gives it beside the sum.
    withTimes.fullProfileTimes.wall = (seconds: 100, jobs: 2)
    _ = try withTimes.build()
    let walled = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(walled.contains("take about 2 min 30 s on the reference machine (a test machine) one at a time; <code>make report</code> runs 2 at a time and took 1 min 40 s there in all.</p>"))

    try f.write("02-toy.md", "---\nexperiment: toy\n---\nSee [@nobody2020].\n")
    let report = f.site.verify()
    #expect(report.problems.map(\.description).contains { $0.hasPrefix("chapters/02-toy.md:4: unknown citation key `@nobody2020`") })
  }
}
