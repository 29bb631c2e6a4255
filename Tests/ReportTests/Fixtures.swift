import TestSupport
import Foundation

@testable import Report

/// A temporary results folder and chapters folder with one experiment, `toy`.
struct ReportFixture {
  let root: URL
  var results: URL { root.appendingPathComponent("results") }
  var chapters: URL { root.appendingPathComponent("chapters") }

  static let resultsJSON = """
    {
      "id": "toy", "title": "Toy", "lecture": "Lecture 8: Localization and Detection",
      "config": {"n": 3},
      "provenance": {"commit": "abc123", "dirty": false, "profile": "quick", "seed": 0, "threads": 2,
                     "openblasCoretype": "", "openblasCore": "Haswell", "swift": "6.3", "data": {"toy.bin": "crc32:ff00"}},
      "values": {
        "ap50": {"value": 0.81234, "unit": "", "format": ".3f"},
        "ap75": {"value": 0.5, "unit": "", "format": ".2f"},
        "seconds": {"value": 1.5, "unit": "s", "format": ".1f"},
        "count": {"value": 12345, "unit": "", "format": ",d"}
      },
      "tables": {
        "scores": {"caption": "Scores <b>bold</b>", "columns": ["metric", "value"], "formats": ["", ".2f"],
                   "rows": [["AP <script>alert(1)</script>", 0.8123], ["AR", null]]}
      },
      "figures": {
        "curve": {"png": "figures/curve.png", "svg": "figures/curve.svg", "width": 640, "height": 400, "caption": "stored caption"}
      }
    }
    """

  init() throws {
    root = TestSupport.temporaryURL("report")
    let fm = FileManager.default
    try fm.createDirectory(at: results.appendingPathComponent("toy/figures"), withIntermediateDirectories: true)
    try fm.createDirectory(at: chapters, withIntermediateDirectories: true)
    try Data(Self.resultsJSON.utf8).write(to: results.appendingPathComponent("toy/results.json"))
    try Data("{\"finishedAt\": \"2026-01-01T00:00:00Z\", \"seconds\": 1.25}".utf8)
      .write(to: results.appendingPathComponent("toy/timings.json"))
    try Data("PNG".utf8).write(to: results.appendingPathComponent("toy/figures/curve.png"))
    try Data("<svg/>".utf8).write(to: results.appendingPathComponent("toy/figures/curve.svg"))
    try fm.createDirectory(at: root.appendingPathComponent("Sources/Toy"), withIntermediateDirectories: true)
    try Data("let a = 1\n  // snippet.core\n  let b = a < 2\n  // snippet.end\n".utf8)
      .write(to: root.appendingPathComponent("Sources/Toy/Toy.swift"))
  }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: chapters.appendingPathComponent(name))
  }

  /// Compiles one chapter text (front matter added) against the fixture results.
  func compile(_ body: String, name: String = "01-toy.md") throws -> CompiledChapter {
    try write(name, "---\nexperiment: toy\n---\n" + body)
    let chapter = try Chapter.load(chapters.appendingPathComponent(name), displayPath: "chapters/" + name)
    return ChapterCompiler(cache: ResultsCache(store: ResultsStore(root: results)), sourceRoot: root).compile(chapter)
  }

  var site: Site {
    Site(chaptersFolder: chapters, resultsRoot: results, siteFolder: root.appendingPathComponent("site"), sourceRoot: root)
  }
}
