// A figure: a grid of Axes panels and an optional title. There is no global
// state: build a Figure value, then `scene()` lays it out and `write(to:)`
// renders it (PNG, SVG or PDF, by the file's extension).
//
//   var figure = Figure(width: 640, height: 400)
//   figure.axes[0].title = "Precision vs recall"
//   figure.axes[0].line(x: recall, y: precision, label: "class 1")
//   try figure.write(to: url)
import Foundation

public struct Figure: Sendable {
  public var width: Double
  public var height: Double
  public var rows: Int
  public var columns: Int
  public var title: String?
  /// Panels in row-major order, rows * columns of them.
  public var axes: [Axes]
  /// All panels use one x range (or one y range): the union of their data.
  public var sharedX = false
  public var sharedY = false
  /// One colour bar for the whole figure, at its right edge (panels of maps on one scale).
  public var colorbar: Colorbar?
  /// One legend for the whole figure, a row under the title (truth vs prediction over image panels).
  public var legend: [LegendKey] = []

  public init(width: Double, height: Double, rows: Int = 1, columns: Int = 1, title: String? = nil) {
    (self.width, self.height, self.rows, self.columns, self.title) = (width, height, rows, columns, title)
    axes = Array(repeating: Axes(), count: max(rows, 0) * max(columns, 0))
  }

  /// Lays the figure out as a Scene (throws on empty or non-finite data).
  public func scene() throws -> Scene {
    try Layout.scene(of: self)
  }

  /// Renders to `url`; `.png` (at `scale` x resolution), `.svg` or `.pdf`. Atomic.
  /// With CONVNOTES_PLOT_CHECK=1 in the environment, prints the scene's text
  /// problems (overlaps, text off the canvas or cut by its panel) to stderr.
  public func write(to url: URL, scale: Double = 1, metadata: [(key: String, value: String)] = []) throws {
    let scene = try scene()
    if ProcessInfo.processInfo.environment["CONVNOTES_PLOT_CHECK"] == "1" {
      for problem in scene.textProblems() {
        FileHandle.standardError.write(Data("plot check: \(url.lastPathComponent): \(problem)\n".utf8))
      }
    }
    try CairoRenderer.write(scene, to: url, scale: scale, metadata: metadata)
  }
}

/// Why a figure could not be laid out or written.
public struct PlotError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
