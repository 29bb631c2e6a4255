import Foundation
import Testing

@testable import Report

/// `{ref} chapter:<id>` and `{ref} <id>:<figure>` resolve against every chapter of the book.
struct CrossReferenceTests {
  static let other = """
    ---
    experiment: other
    ---
    # Another chapter

    ![first](figure:a) and later ![second](figure:b), then `a` again: ![again](figure:a)
    """

  func compile(_ body: String) throws -> CompiledChapter {
    let f = try ReportFixture()
    try f.write("17-other.md", Self.other)
    try f.write("03-toy.md", "---\nexperiment: toy\n---\n# Toy\n\n" + body)
    let (chapters, problems) = Chapter.loadAll(in: f.chapters)
    #expect(problems.isEmpty)
    let compiler = ChapterCompiler(
      cache: ResultsCache(store: ResultsStore(root: f.results)), sourceRoot: f.root, book: BookIndex(chapters: chapters))
    return compiler.compile(chapters.first { $0.experiment == "toy" }!)
  }

  @Test func aChapterReferenceNamesItsNumberAndLinksItsPage() throws {
    let c = try compile("See `{ref} chapter:other`.")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains(#"<a class="ref" href="other.html" title="Another chapter">chapter 17</a>"#))
  }

  @Test func aFigureReferenceCountsThatChaptersFiguresInOrder() throws {
    let c = try compile("See `{ref} other:b` and `{ref} other:a`.")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains(#"href="other.html#fig-b" title="Another chapter">Figure 2 of chapter 17</a>"#))
    #expect(c.html.contains(">Figure 1 of chapter 17</a>"))
  }

  @Test func unknownChaptersAndFiguresAreErrorsWithTheNearestName() throws {
    let c = try compile("`{ref} chapter:othr` and `{ref} other:c` and `{ref} nowhere:a`.")
    let messages = c.errors.map(\.message)
    #expect(messages.contains { $0.contains("no chapter for experiment `othr` (did you mean other?)") })
    #expect(messages.contains { $0.contains("chapter `other` has no figure `c`") })
    #expect(messages.contains { $0.contains("no chapter for experiment `nowhere`") })
    #expect(c.errors.allSatisfy { $0.file == "chapters/03-toy.md" && $0.line == 6 })  // front matter 1-3, heading 4, blank 5
  }

  @Test func aReferenceToTheChaptersOwnFigureStillWorksWithoutAColon() throws {
    let c = try compile("![c](figure:curve) is `{ref} curve`.")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains(##"<a class="ref" href="#fig-curve">Figure 1</a>"##))
  }
}
