import TestSupport
import Foundation
import Testing

@testable import Plot

struct GalleryTests {
  /// Renders the gallery to .build/plot-gallery/ (a person looks at it there)
  /// in every format, and keeps its Scene as a golden.
  @Test func galleryRendersEveryMarkInEveryFormat() throws {
    let folder = TestSupport.repositoryRoot.appendingPathComponent(".build/plot-gallery")
    let figure = Gallery.figure()
    let scene = try figure.scene()
    for kind in ["polygon", "image", "marker square", "marker triangle", "marker diamond", "marker cross", "rect", "dash"] {
      #expect(scene.description.contains(kind), "the gallery has no \(kind)")
    }
    try expectGolden(scene.description, "gallery")
    // Text measured by Pango: no label overlaps another, leaves the canvas or is cut by its panel.
    #expect(scene.textProblems() == [])
    for (name, scale) in [("gallery.png", 1.0), ("gallery@2x.png", 2.0), ("gallery.svg", 1.0), ("gallery.pdf", 1.0)] {
      try figure.write(to: folder.appendingPathComponent(name), scale: scale)
      let size = try Data(contentsOf: folder.appendingPathComponent(name)).count
      #expect(size > 20_000, "\(name) is only \(size) bytes")
    }
  }

  @Test func logAxesGetPowerOfTenTicks() {
    #expect(Ticks.log(0, 4).map(\.1) == ["1", "10", "100", "1000", "10000"])
    #expect(Ticks.log(0, 1).map(\.1) == ["1", "2", "5", "10"])
    #expect(Ticks.log(-6, 6).first?.1 == "10\u{207B}\u{2076}")
    var figure = Figure(width: 300, height: 200)
    figure.axes[0].yScale = .log
    figure.axes[0].line(x: [1, 2], y: [1, 0])
    #expect(throws: PlotError("panel 0: log y axis: every value must be positive, got 0.0")) { try figure.scene() }
  }

  @Test func histogramCountsByHand() throws {
    var ax = Axes()
    ax.histogram([0, 0.1, 0.2, 0.5, 0.9, 1.0], bins: 2, range: 0...1)
    guard case .bars(let b) = ax.marks[0] else {
      Issue.record("no bars")
      return
    }
    #expect(b.heights == [3, 3])  // [0, 0.5) holds 0, 0.1, 0.2; [0.5, 1] holds 0.5, 0.9, 1.0
    #expect(b.x == [0.25, 0.75] && b.width == 0.5)
  }

  @Test func sharedAxesUseTheUnionOfRanges() throws {
    var figure = Figure(width: 600, height: 300, rows: 1, columns: 2)
    figure.sharedY = true
    figure.axes[0].line(x: [0, 1], y: [0, 1])
    figure.axes[1].line(x: [0, 1], y: [0, 10])
    let text = try figure.scene().description
    // both panels label the same top tick, 10
    #expect(text.components(separatedBy: "text \"10\"").count - 1 == 2)
  }
}

struct PerMarkRenderTests {
  /// Every gallery panel on its own: a PNG of the right size that is not blank.
  @Test(arguments: 0..<9)
  func panelRendersToANonBlankPNG(panel: Int) throws {
    var figure = Figure(width: 420, height: 320)
    figure.axes[0] = Gallery.figure().axes[panel]
    let folder = TestSupport.temporaryURL("marks")
    let url = folder.appendingPathComponent("panel-\(panel).png")
    try figure.write(to: url)
    let data = try Data(contentsOf: url)
    #expect(data[16..<20].reduce(0) { $0 << 8 | Int($1) } == 420 && data[20..<24].reduce(0) { $0 << 8 | Int($1) } == 320)
    // A blank 420x320 canvas compresses to well under 2 kB.
    var blank = Figure(width: 420, height: 320)
    blank.axes[0].decorations = false
    let blankURL = folder.appendingPathComponent("blank.png")
    try blank.write(to: blankURL)
    #expect(try Data(contentsOf: blankURL).count < 2_000)
    #expect(data.count > 4_000, "panel \(panel): \(data.count) bytes")
  }
}
