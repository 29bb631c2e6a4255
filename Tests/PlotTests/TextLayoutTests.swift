import Foundation
import Testing

@testable import Plot

/// Text measured by Pango in layout: widths, wrapping, tick thinning, legend
/// placement, box tags, and the collision check itself.
struct TextLayoutTests {
  /// Advance widths of DejaVu Sans read from the font file with fontTools
  /// (hmtx, 2048 units per em): "0" 1303, "precision" 9284 (regular), 10567 (bold).
  @Test func widthsAreTheFontsAdvances() {
    let m = TextMetrics.shared
    #expect(abs(m.width("0", size: 10) - 1303.0 / 2048 * 10) < 0.05)
    #expect(abs(m.width("precision", size: 10.5) - 9284.0 / 2048 * 10.5) < 0.3)
    #expect(abs(m.width("precision", size: 13, bold: true) - 10567.0 / 2048 * 13) < 0.3)
    // The old estimate (0.6 em a character) would make these equal.
    #expect(m.width("mmmm", size: 12) > 2 * m.width("iiii", size: 12))
  }

  @Test func theCheckFindsOverlapsAndTextOffTheCanvas() throws {
    var figure = Figure(width: 300, height: 200)
    figure.axes[0].line(x: [0, 1], y: [0, 1])
    figure.axes[0].text("first label", x: 0.5, y: 0.5)
    figure.axes[0].text("second label", x: 0.52, y: 0.5)
    figure.axes[0].text("cut at the right edge of the plot", x: 0.95, y: 0.2)
    let problems = try figure.scene().textProblems()
    #expect(problems.count == 3, "\(problems)")
    #expect(problems.contains { $0.contains("leaves the 300x200 canvas") })
    #expect(problems.contains { $0.contains("\"second label\" overlaps \"first label\"") })
    #expect(problems.contains { $0.contains("cut by its panel's edge") })
  }

  /// The titles that ran into each other in saliency's Figure 1 (six 180 px panels).
  @Test func longPanelTitlesAreWrappedWithinTheirPanel() throws {
    let titles = ["input x", "forward: ReLU(x)", "upstream gradient", "backward: gradient (backprop)", "backward: deconvnet", "backward: guided backprop"]
    var figure = Figure(width: 1080, height: 230, rows: 1, columns: 6)
    for (k, t) in titles.enumerated() {
      figure.axes[k].title = t
      figure.axes[k].decorations = false
      figure.axes[k].image(Raster(values: [0, 1, 1, 0], width: 2, height: 2, colormap: .grey, range: 0...1))
    }
    let scene = try figure.scene()
    #expect(scene.textProblems() == [])
    let boxes = scene.items.compactMap { TextMetrics.shared.box(of: $0) }
    #expect(boxes.count > titles.count, "the longest titles are on two lines")
    for (k, _) in titles.enumerated() {
      let inPanel = boxes.filter { $0.x >= Double(k) * 180 - 0.5 && $0.maxX <= Double(k + 1) * 180 + 0.5 }
      #expect(!inPanel.isEmpty, "panel \(k)'s title leaves its 180 px column")
    }
    #expect(TextFit.fit("backward: gradient (backprop)", size: 13, bold: true, maxWidth: 174).lines == ["backward: gradient", "(backprop)"])
  }

  @Test func crowdedClassNamesTurnVerticalAndNumbersThinOut() throws {
    var figure = Figure(width: 560, height: 260, rows: 1, columns: 2)
    let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    figure.axes[0].bars(x: (0..<10).map(Double.init), heights: (0..<10).map { Double($0 + 1) })
    figure.axes[0].xTicks = names.enumerated().map { (Double($0.offset), $0.element) }
    figure.axes[1].line(x: [0, 123_456_789], y: [0, 1])
    let scene = try figure.scene()
    #expect(scene.textProblems() == [])
    let vertical = scene.items.filter { if case .text(_, _, _, _, _, -90) = $0 { return true } else { return false } }
    #expect(vertical.count == 10)
  }

  /// Data along y = x leaves the upper-left and lower-right corners empty;
  /// `.best` takes the first empty one in matplotlib's order after the upper right.
  @Test func bestLegendTakesAnEmptyCorner() throws {
    var figure = Figure(width: 400, height: 300)
    let xs = (0...20).map { Double($0) / 20 }
    figure.axes[0].line(x: xs, y: xs, label: "diagonal")
    figure.axes[0].scatter(x: [0.95, 0.9], y: [0.05, 0.1], label: "points near the lower right")
    let scene = try figure.scene()
    guard case let .rect(plot, nil, _, _, _)? = scene.items.first(where: { if case .rect(_, nil, .axis?, _, _) = $0 { return true } else { return false } }),
      case let .rect(legend, _, .lightGray?, _, _)? = scene.items.first(where: { if case .rect(_, _, .lightGray?, _, _) = $0 { return true } else { return false } })
    else {
      Issue.record("no plot frame or legend box")
      return
    }
    #expect(abs(legend.x - (plot.x + 8)) < 1e-9 && abs(legend.y - (plot.y + 8)) < 1e-9)
  }

  @Test func tagsOfOverlappingBoxesDoNotOverlap() throws {
    var figure = Figure(width: 300, height: 300)
    figure.axes[0].yInverted = true
    figure.axes[0].xLimits = 0...100
    figure.axes[0].yLimits = 0...100
    for k in 0..<3 {
      let d = Double(k) * 3
      figure.axes[0].rect(x1: 20 + d, y1: 30 + d, x2: 70 + d, y2: 80 + d, stroke: qualitativePalette[k], tag: "shirt 0.9\(k)")
    }
    #expect(try figure.scene().textProblems() == [])
  }
}
