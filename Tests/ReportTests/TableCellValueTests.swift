// Found by the chapter fuzz target (Fuzz/Targets/chapter.swift) as a leak of
// cmark nodes on chapters/16-filters-and-patches.md: GFM table cells refuse
// cmark's custom nodes, so a `{result}` quoted in a Markdown table vanished
// (the cell rendered empty) and its replacement node leaked. Now the value
// shows in the cell, escaped like any other.
import Foundation
import Testing

@testable import Report

struct TableCellValueTests {
  @Test func valuesInTableCellsAreRendered() throws {
    let c = try ReportFixture().compile("| metric | value |\n| --- | --- |\n| AP50 | `{result} ap50` |\n| took | `{result} seconds` |\n")
    #expect(c.errors.isEmpty, "\(c.errors)")
    #expect(c.html.contains("<td>AP50</td>\n<td><span class=\"value\" title=\"ap50 = 0.81234\">0.812</span></td>"), "\(c.html)")
    #expect(c.html.contains("<td><span class=\"value\" title=\"seconds = 1.5\">1.5\u{202F}s</span></td>"), "\(c.html)")
    #expect(!c.html.contains("\u{FFFC}"))
  }

  @Test func anUnknownKeyInACellIsStillAnErrorWithItsLine() throws {
    let c = try ReportFixture().compile("| a |\n| --- |\n| `{result} nope` |\n")
    #expect(c.errors.count == 1 && c.errors[0].line == 6, "\(c.errors)")
  }
}
