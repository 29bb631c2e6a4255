// The figures of the neural-style chapter.
import ExperimentKit
import Foundation
import Layers
import Plot
import Tensor

extension NeuralStyle {
  static func rgbPanel(_ image: Tensor, title: String?) -> Axes {
    var ax = Axes.imagePanel(0...Double(image.shape[3]), title: title)
    ax.image(ImageRasters.rgb(image, 0), smooth: true)
    return ax
  }

  /// β/α as "1e3".
  static func ratioLabel(_ r: Double) -> String { "1e\(Int(log10(r).rounded()))" }

  /// One row per texture: source, held-out crop, synthesis per net.
  static func texturesFigure(sources: [String: Tensor], heldOut: [String: Tensor], syntheses: [String: Synthesis], panel: Double) -> Figure {
    let columns = 2 + textureNets.count
    var figure = Figure(width: panel * Double(columns), height: (panel + 30) * Double(textures.count), rows: textures.count, columns: columns)
    for (r, (texture, _)) in textures.enumerated() {
      figure.axes[r * columns] = rgbPanel(sources[texture]!, title: "\(texture): source")
      figure.axes[r * columns + 1] = rgbPanel(heldOut[texture]!, title: "another crop")
      for (c, (net, label)) in textureNets.enumerated() {
        figure.axes[r * columns + 2 + c] = rgbPanel(syntheses["\(net).\(texture)"]!.image, title: label)
      }
    }
    return figure
  }

  /// Top row: content and style; then one row per net over β/α.
  static func sweepFigure(content: Tensor, style: Tensor, results: [String: [StyleResult]], ratios: [Double], panel: Double) -> Figure {
    let columns = ratios.count
    let rows = 1 + nets.count
    var figure = Figure(width: panel * Double(columns), height: (panel + 30) * Double(rows), rows: rows, columns: columns)
    figure.axes[0] = rgbPanel(content, title: "content")
    figure.axes[1] = rgbPanel(style, title: "style")
    for c in 2..<columns {
      var blank = Axes.imagePanel(0...1, title: nil)
      if c == 2 {
        blank.text("rows: the random net,", x: 0.05, y: 0.42, size: 12, horizontal: .start)
        blank.text("then the trained net", x: 0.05, y: 0.56, size: 12, horizontal: .start)
      }
      figure.axes[c] = blank
    }
    for (r, (net, _)) in nets.enumerated() {
      for (c, s) in results[net]!.enumerated() {
        figure.axes[(1 + r) * columns + c] = rgbPanel(s.image, title: "\(c == 0 ? net + ", " : "")β/α = \(ratioLabel(s.ratio))")
      }
    }
    return figure
  }

  /// Relative content and style terms against β/α, one line per net.
  static func tradeOffFigure(_ results: [String: [StyleResult]], ratios: [Double]) -> Figure {
    var figure = Figure(width: 900, height: 360, rows: 1, columns: 2)
    for (p, (title, value)) in [("content term (relative)", { (s: StyleResult) in s.relativeContent }), ("style term (relative)", { (s: StyleResult) in s.relativeStyle })].enumerated() {
      var ax = Axes()
      ax.title = title
      ax.xLabel = "β/α"
      ax.xScale = .log
      ax.yScale = .log
      ax.legend = p == 0 ? .upperLeft : .lowerLeft
      for (c, (net, label)) in nets.enumerated() {
        let r = results[net]!
        ax.line(x: r.map(\.ratio), y: r.map { max(value($0), 1e-6) }, label: label, color: qualitativePalette[c], marker: .circle, markerSize: 4)
      }
      figure.axes[p] = ax
    }
    return figure
  }

  /// The lowest objective so far over its value at the noise, per evaluation.
  static func convergenceFigure(_ syntheses: [String: Synthesis]) -> Figure {
    var ax = Axes()
    ax.xLabel = "objective evaluations"
    ax.yLabel = "objective / objective at the noise"
    ax.yScale = .log
    ax.legend = .upperRight
    for (c, (net, label)) in textureNets.enumerated() {
      for (t, (texture, _)) in textures.enumerated() {
        let v = syntheses["\(net).\(texture)"]!.values
        ax.line(x: v.indices.map(Double.init), y: v.map { max(Double($0 / v[0]), 1e-9) }, label: "\(label), \(texture)", color: qualitativePalette[c],
          style: t == 0 ? .solid : .dashed)
      }
    }
    var figure = Figure(width: 640, height: 380)
    figure.axes[0] = ax
    return figure
  }
}
