import TestSupport
import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import Testing

@testable import Plot

struct TickTests {
  @Test func niceStepsOfOneTwoFive() {
    #expect(Ticks.linear(0, 1, target: 5).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(Ticks.linear(0, 1, target: 5).step == 0.2)
    #expect(Ticks.linear(-3, 17, target: 4).values == [0, 5, 10, 15])
    #expect(Ticks.linear(0.5, 0.95, target: 10).step == 0.05)
  }

  @Test func labelsUseTheMinusSignAndEnoughDecimals() {
    #expect(Ticks.label(-0.5, step: 0.5) == "\u{2212}0.5")
    #expect(Ticks.label(100, step: 50) == "100")
    #expect(Ticks.label(0.05, step: 0.05) == "0.05")
    #expect(Ticks.label(-1e-17, step: 0.2) == "0.0")
  }
}

struct LayoutTests {
  func lineFigure() -> Figure {
    var figure = Figure(width: 400, height: 300)
    figure.axes[0].title = "Loss"
    figure.axes[0].xLabel = "step"
    figure.axes[0].yLabel = "value"
    figure.axes[0].xLimits = 0...10
    figure.axes[0].yLimits = 0...1
    figure.axes[0].line(x: [0, 5, 10], y: [1, 0.5, 0], label: "train")
    return figure
  }

  @Test func dataCoordinatesMapToThePlotRectangle() throws {
    let scene = try lineFigure().scene()
    // Plot area by hand from DejaVu Sans's metrics (fontTools: ascent 1901, descent 483 of 2048 units, so a
    // line is 1.1641 em; "0" 1303 and "." 651 units wide). y ticks "0.0".."1.0" are 17.5 px wide at 11 px,
    // so the tick room is its minimum, 30; then the y label's line (12 px: 13.97) and 8 px.
    // left 30 + 13.97 + 8 = 51.97; top = title line (13 px bold: 15.13) + 14 = 29.13; right 400 - 14;
    // bottom 300 - (7 + 12.81 + 10) x ticks (11 px) - (13.97 + 6) x label = 250.22.
    let (left, top, right, bottom) = (51.969, 29.133, 386.0, 250.225)
    guard case let .polyline(points, _, _, _)? = scene.items.first(where: {
      if case let .polyline(p, _, width, _) = $0 { return p.count == 3 && width == 1.75 }
      return false
    }) else {
      Issue.record("no data line in the scene")
      return
    }
    // (0, 1) is the top-left corner, (5, 0.5) the centre, (10, 0) the bottom-right.
    #expect(abs(points[0].x - left) < 0.05 && abs(points[0].y - top) < 0.05, "\(points[0])")
    #expect(abs(points[1].x - (left + right) / 2) < 0.05 && abs(points[1].y - (top + bottom) / 2) < 0.05, "\(points[1])")
    #expect(abs(points[2].x - right) < 0.05 && abs(points[2].y - bottom) < 0.05, "\(points[2])")
  }

  @Test func lineChartSceneMatchesGolden() throws {
    try expectGolden(lineFigure().scene().description, "line-chart")
  }

  @Test func scatterAndRectSceneMatchesGolden() throws {
    var figure = Figure(width: 500, height: 320, rows: 1, columns: 2, title: "Marks")
    figure.axes[0].scatter(x: [1, 2, 3], y: [3, 1, 2], label: "points", marker: .square)
    figure.axes[0].legend = .lowerRight
    figure.axes[1].yInverted = true
    figure.axes[1].grid = false
    figure.axes[1].rect(x1: 10, y1: 10, x2: 50, y2: 40, stroke: .black, tag: "shirt")
    figure.axes[1].text("0.93", x: 50, y: 40, horizontal: .end, vertical: .bottom)
    try expectGolden(figure.scene().description, "scatter-rect")
  }

  @Test func badInputIsAnErrorNotACrash() {
    var empty = Figure(width: 100, height: 100)
    empty.axes[0].line(x: [], y: [])
    #expect(throws: PlotError.self) { try empty.scene() }
    var mismatched = Figure(width: 300, height: 200)
    mismatched.axes[0].line(x: [1, 2], y: [1])
    #expect(throws: PlotError("panel 0: line 0 has 2 x values but 1 y values")) { try mismatched.scene() }
    var nan = Figure(width: 300, height: 200)
    nan.axes[0].scatter(x: [1, .nan], y: [1, 2], label: "s")
    #expect(throws: PlotError("panel 0: scatter 0 (\"s\"): x[1] is nan")) { try nan.scene() }
    #expect(throws: PlotError.self) { try Figure(width: 0, height: 100).scene() }
  }
}

struct RenderTests {
  func folder() throws -> URL {
    let url = TestSupport.temporaryURL("plot")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func sample() -> Figure {
    var figure = Figure(width: 320, height: 240)
    figure.axes[0].title = "定位 error −1 × α"  // CJK, minus sign, times, Greek
    figure.axes[0].line(x: [0, 1, 2], y: [0, 1, 4], label: "y = x²", marker: .circle)
    return figure
  }

  @Test func pngHasTheRequestedSizeAndIsNotBlank() throws {
    let url = try folder().appendingPathComponent("a.png")
    try sample().write(to: url, scale: 2)
    let data = try Data(contentsOf: url)
    #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // IHDR: width and height, big-endian, at bytes 16..23
    let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == 640 && height == 480)
    #expect(data.count > 5_000)  // a blank 640x480 PNG compresses to well under 5 kB
  }

  @Test func svgIsWellFormedXMLInPixels() throws {
    let url = try folder().appendingPathComponent("a.svg")
    try sample().write(to: url)
    let data = try Data(contentsOf: url)
    let parser = XMLParser(data: data)
    #expect(parser.parse(), "\(String(describing: parser.parserError))")
    #expect(String(decoding: data.prefix(300), as: UTF8.self).contains("width=\"320px\""))
  }

  @Test func renderingTwiceGivesIdenticalBytes() throws {
    let dir = try folder()
    for ext in ["png", "svg", "pdf"] {
      try sample().write(to: dir.appendingPathComponent("1.\(ext)"))
      try sample().write(to: dir.appendingPathComponent("2.\(ext)"))
      let first = try Data(contentsOf: dir.appendingPathComponent("1.\(ext)"))
      let second = try Data(contentsOf: dir.appendingPathComponent("2.\(ext)"))
      #expect(first == second, "\(ext): \(first.count) vs \(second.count) bytes")
    }
  }

  @Test func aCharacterWithoutAGlyphIsAnError() throws {
    var figure = Figure(width: 200, height: 150)
    figure.axes[0].title = "\u{10FFFD}"  // private use: no font has it
    figure.axes[0].line(x: [0, 1], y: [0, 1])
    let url = try folder().appendingPathComponent("tofu.png")
    #expect(throws: PlotError.self) { try figure.write(to: url) }
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }

  @Test func rastersRenderCrispAndMapThroughColormaps() throws {
    // 2x2 viridis raster: the corners of the map are its end colours.
    let raster = Raster(values: [0, 1, 0.5, 0.25], width: 2, height: 2, colormap: .viridis, range: 0...1)
    #expect(Array(raster.rgba[0..<3]) == [68, 1, 84])  // viridis(0) = (0.267, 0.005, 0.329)
    #expect(Array(raster.rgba[4..<7]) == [253, 231, 37])  // viridis(1) = (0.993, 0.906, 0.144)
    #expect(Colormap.diverging.color(0.5) == Color(red: 1, green: 1, blue: 1))
    var figure = Figure(width: 200, height: 200)
    figure.axes[0].decorations = false
    figure.axes[0].image(raster)
    let scene = try figure.scene()
    #expect(scene.items.contains { if case .image(let r, _, false) = $0 { return r == Rect(x: 4, y: 4, width: 192, height: 192) } else { return false } })
    let dir = try folder()
    try figure.write(to: dir.appendingPathComponent("r.svg"))
    try figure.write(to: dir.appendingPathComponent("r.png"))
    #expect(try String(contentsOf: dir.appendingPathComponent("r.svg"), encoding: .utf8).contains("image-rendering:pixelated"))
    #expect(try Data(contentsOf: dir.appendingPathComponent("r.png")).count > 300)
  }

  @Test func unknownExtensionAndUnwritablePathAreErrors() throws {
    #expect(throws: PlotError.self) { try sample().write(to: try folder().appendingPathComponent("a.gif")) }
    let blocker = try folder().appendingPathComponent("file")
    try Data("x".utf8).write(to: blocker)
    #expect(throws: PlotError.self) { try sample().write(to: blocker.appendingPathComponent("a.png")) }
  }
}
