// The figures of the DeepDream chapter.
import Datasets
import ExperimentKit
import Layers
import Plot
import Tensor

extension DeepDream {
  static func rgbPanel(_ image: Tensor, title: String?) -> Axes {
    var ax = Axes.imagePanel(0...Double(image.shape[3]), title: title)
    ax.image(ImageRasters.rgb(image, 0), smooth: false)
    return ax
  }

  /// The change d shown as 0.5 + d / (2 m), m the 99th percentile of |d| (mid-grey = unchanged).
  static func changePanel(_ change: Tensor, title: String?) -> Axes {
    let sorted = change.scalars.map(abs).sorted()
    let m = max(sorted[min(sorted.count - 1, Int(0.99 * Double(sorted.count)))], 1e-6)
    return rgbPanel(change.map { 0.5 + $0 / (2 * m) }, title: title)
  }

  /// Top: the image and its dream per layer; bottom: the changes.
  static func dreamsFigure(_ image: Tensor, _ dreams: [String: Dream], panel: Double) -> Figure {
    let columns = 1 + layers.count
    var figure = Figure(width: panel * Double(columns), height: 2 * panel + 50, rows: 2, columns: columns)
    figure.axes[0] = rgbPanel(image, title: "original")
    var note = Axes.imagePanel(0...1, title: nil)
    note.text("change = dream − original", x: 0.5, y: 0.42, size: 12, horizontal: .middle)
    note.text("mid-grey: no change", x: 0.5, y: 0.54, size: 12, horizontal: .middle)
    figure.axes[columns] = note
    for (c, (layer, label)) in layers.enumerated() {
      let d = dreams[layer]!
      figure.axes[1 + c] = rgbPanel(d.image, title: "dream at \(label)")
      figure.axes[columns + 1 + c] = changePanel(d.image - image, title: "change (low-pass share \(String(format: "%.2f", d.lowShare)))")
    }
    return figure
  }

  /// RMS activation before each step over the octave base's RMS, per layer, for each image.
  static func stepsFigure(_ all: [String: [String: Dream]], units: (String, String, DreamOctave) -> Int) -> Figure {
    let keys = ["photo", "scene"]
    var figure = Figure(width: 780, height: 360, rows: 1, columns: keys.count)
    for (p, key) in keys.enumerated() {
      var ax = Axes()
      ax.title = key == "photo" ? "the photo" : "the detection scene"
      ax.xLabel = "step (octaves coarse → fine)"
      ax.yLabel = p == 0 ? "RMS activation ÷ the original's" : nil
      ax.yScale = .log
      ax.legend = .upperLeft
      var top = 1.0
      var boundaries: [Double] = []
      for (c, (layer, label)) in layers.enumerated() {
        var step = 0
        for (k, o) in all[key]![layer]!.octaves.enumerated() {
          let n = units(key, layer, o)
          let base = rms(o.base, units: n)
          let y = (o.steps + [o.end]).map { rms($0, units: n) / base }
          let x = y.indices.map { Double(step + $0) }
          step += y.count
          if c == 0 { boundaries.append(Double(step) - 0.5) }
          top = max(top, y.max() ?? 1)
          ax.line(x: x, y: y, label: k == 0 ? label : nil, color: qualitativePalette[c], marker: .circle, markerSize: 3.5)
        }
      }
      for b in boundaries.dropLast() { ax.line(x: [b, b], y: [1, top], color: .lightGray, width: 1, style: .dashed) }
      figure.axes[p] = ax
    }
    return figure
  }

  /// Scenes before (top) and after (bottom), titled with the predicted class and its probability.
  static func readoutFigure(_ r: Readout, count: Int) -> Figure {
    var figure = Figure(width: 125 * Double(count), height: 290, rows: 2, columns: count)
    let name = { (k: Int) in FashionMNIST.classNames[k] }
    for i in 0..<count {
      var a = Axes.imagePanel(0...48, title: "\(name(r.predictedBefore[i])) \(String(format: "%.2f", r.probabilityBefore[i]))")
      a.image(ImageRasters.rgb(r.before.gather([i]), 0))
      var b = Axes.imagePanel(0...48, title: "\(name(r.predictedAfter[i])) \(String(format: "%.2f", r.probabilityAfter[i]))")
      b.image(ImageRasters.rgb(r.after.gather([i]), 0))
      figure.axes[i] = a
      figure.axes[count + i] = b
    }
    return figure
  }
}
