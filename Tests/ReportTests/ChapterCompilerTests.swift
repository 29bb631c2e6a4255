import Foundation
import Testing

@testable import Report

struct ChapterCompilerTests {
  @Test func inlineValuesUseTheirRecordedFormatAndUnit() throws {
    let c = try ReportFixture().compile("AP50 is `{result} ap50`, took `{result} seconds`, `{result} count` items, `{result} ap50 .1%`.\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(
      c.html
        == "<p>AP50 is <span class=\"value\" title=\"ap50 = 0.81234\">0.812</span>, took <span class=\"value\" title=\"seconds = 1.5\">1.5\u{202F}s</span>, <span class=\"value\" title=\"count = 12345.0\">12,345</span> items, <span class=\"value\" title=\"ap50 = 0.81234\">81.2%</span>.</p>\n"
    )
  }

  @Test func figuresAreNumberedCaptionedAndReferenced() throws {
    let c = try ReportFixture().compile("See `{ref} curve`.\n\n![The <i>curve</i>](figure:curve)\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("<a class=\"ref\" href=\"#fig-curve\">Figure 1</a>"))
    #expect(
      c.html.contains(
        "<figure id=\"fig-curve\"><a href=\"figures/toy/curve.png\"><img src=\"figures/toy/curve.svg\" alt=\"The &lt;i&gt;curve&lt;/i&gt;\" width=\"640\" height=\"400\"></a><figcaption><span class=\"label\">Figure 1.</span> The &lt;i&gt;curve&lt;/i&gt; <code class=\"regenerate\" title=\"regenerates this figure\">convnotes run toy --profile quick --seed 0 --threads 2</code></figcaption></figure>"
      ))
    #expect(!c.html.contains("<p><figure"))
  }

  @Test func tablesFormatNumbersAndEscapeText() throws {
    let c = try ReportFixture().compile("```table\nscores\n```\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("<td>AP &lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"num\">0.81</td>"))
    #expect(c.html.contains("<tr><td>AR</td><td></td></tr>"))
    #expect(c.html.contains("<span class=\"label\">Table 1.</span> Scores &lt;b&gt;bold&lt;/b&gt;"))
    #expect(!c.html.contains("<script>"))
  }

  @Test func measuredValuesFromTimingsCanBeQuotedAndClaimed() throws {
    let fixture = try ReportFixture()
    try Data(
      "{\"finishedAt\": \"2026-01-01T00:00:00Z\", \"seconds\": 1.25, \"measured\": {\"speedup\": {\"value\": 11.4, \"unit\": \"x\", \"format\": \".1f\"}}}".utf8
    ).write(to: fixture.results.appendingPathComponent("toy/timings.json"))
    let c = try fixture.compile("Faster by `{result} speedup`.\n\n```claim\nspeedup >= 5\nspeedup > 20\n```\n")
    #expect(c.html.contains("title=\"speedup = 11.4\">11.4"))
    #expect(c.outcomes.map(\.passed) == [true, false])
  }

  @Test func claimsShowPassAndFailWithMeasuredValues() throws {
    let c = try ReportFixture().compile("```claim\nap50 > ap75   # ordering\nap50 > 0.9\n```\n")
    #expect(c.outcomes.map(\.passed) == [true, false])
    #expect(
      c.html.contains(
        "<li class=\"pass\"><span class=\"mark\">✓</span> <code>ap50 &gt; ap75</code> <span class=\"measured\">ap50 = 0.812, ap75 = 0.50</span> <span class=\"note\">ordering</span></li>"
      ))
    // line numbers count the front matter (3 lines) and the fence line
    #expect(c.errors == [ReportError(file: "chapters/01-toy.md", line: 6, message: "claim failed: ap50 > 0.9  (ap50 = 0.81234)")])
  }

  @Test func ledgerPutsPaperAndOursSideBySide() throws {
    let c = try ReportFixture().compile("```ledger\nAP50 | 0.66 | Girshick 2015 | ap50\n```\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("<tr><td>AP50</td><td class=\"num\">0.66</td><td>Girshick 2015</td><td class=\"num\"><span class=\"value\">0.812</span></td></tr>"))
  }

  @Test func snippetsQuoteTheSourceBetweenMarkers() throws {
    let c = try ReportFixture().compile("```snippet\nSources/Toy/Toy.swift#core\n```\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("<pre><code class=\"language-swift\">let b = a &lt; 2</code></pre><figcaption>Sources/Toy/Toy.swift, lines 3–3</figcaption>"))
  }

  @Test func markdownThatMustSurvive() throws {
    let body = """
      A snake_case_name and $W_{ij}$ and 定位 (localization).

      | a | b |
      |---|---|
      | 1 | 2 |

      ```python
      x = a_b * c_d
      ```

      <script>alert(1)</script>
      """
    let c = try ReportFixture().compile(body + "\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("A snake_case_name and <span class=\"math\">W_{ij}</span> and 定位 (localization)."))
    #expect(c.html.contains("<table>") && c.html.contains("<td>1</td>"))
    #expect(c.html.contains("<pre><code class=\"language-python\">x = a_b * c_d\n</code></pre>"))
    #expect(!c.html.contains("<script>"))
    #expect(c.html.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"))
  }

  @Test func problemsNameFileAndLine() throws {
    let c = try ReportFixture().compile("`{result} ap5`\n\n`{bogus} x`\n\n![x](figure:curv)\n\n```table\nscore\n```\n\n```claim\nap50 >> 1\n```\n\n{ref} curve\n")
    let messages = c.errors.map(\.description)
    #expect(messages.contains("chapters/01-toy.md:4: unknown key `ap5` (did you mean ap50?)"))
    #expect(messages.contains("chapters/01-toy.md:6: unknown directive `{bogus}` (expected {result}, {ref}, {math})"))
    #expect(messages.contains("chapters/01-toy.md:8: unknown figure `curv` (did you mean curve?)"))
    #expect(messages.contains("chapters/01-toy.md:10: unknown table `score` (did you mean scores?)"))
    #expect(messages.contains { $0.hasPrefix("chapters/01-toy.md:15: claim does not parse: `ap50 >> 1`") })
    #expect(messages.contains { $0.hasPrefix("chapters/01-toy.md:18: `{ref}` outside backticks") })
  }
}

struct ChapterFileTests {
  func problem(_ text: String) -> ReportError? {
    do {
      _ = try Chapter.parse(text, path: "chapters/02-x.md")
      return nil
    } catch { return error as? ReportError }
  }

  @Test func frontMatterProblemsAreReportedWithLines() {
    #expect(problem("# no front matter\n")?.description == "chapters/02-x.md:1: front matter missing: the file must start with `---`")
    #expect(problem("---\nexperiment: x\n")?.description == "chapters/02-x.md:1: front matter is not closed by a `---` line")
    #expect(problem("---\nexperiment: x\ncolour: red\n---\n")?.description == "chapters/02-x.md:3: unknown front matter key `colour` (expected experiment, title, lecture)")
    #expect(problem("---\ntitle: t\n---\n")?.line == 1)
    #expect(problem("---\nexperiment: x\n---\ntext\n\n```swift\nlet a = 1\n")?.description == "chapters/02-x.md:6: code fence (```) is never closed")
    #expect(problem("---\nexperiment: x\n---\n$$\nx\n")?.description == "chapters/02-x.md:4: display math `$$` is never closed")
  }

  @Test func frontMatterFields() throws {
    let c = try Chapter.parse("---\nexperiment: toy\ntitle: \"A: title\"\nlecture: Lecture 9\n---\nBody\n", path: "chapters/03-toy.md")
    #expect(c.experiment == "toy" && c.title == "A: title" && c.lecture == "Lecture 9" && c.body == "Body\n" && c.bodyFirstLine == 6)
    #expect(c.slug == "03-toy")
  }
}
