// The figures of the roi-pooling chapter: both operators' grids over one
// object on its conv3 map, and the quantization curves.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Plot
import Tensor

extension RoIPooling {
  /// The mean over channels of image `index`'s map, as a raster over [0, its maximum].
  static func meanMap(_ features: Tensor, _ index: Int) -> (raster: Raster, top: Double) {
    let (c, h, w) = (features.shape[1], features.shape[2], features.shape[3])
    var values = [Double](repeating: 0, count: h * w)
    for k in 0..<c {
      for p in 0..<(h * w) { values[p] += Double(features.scalars[(index * c + k) * h * w + p]) / Double(c) }
    }
    let top = max(values.max() ?? 1, 1e-6)
    return (Raster(values: values, width: w, height: h, colormap: .viridis, range: 0...top), top)
  }

  static func gridsFigure(_ scenes: FashionScenes, _ index: Int, object: LabeledBox, features: Tensor, mapSide: (Int, Int)) -> Figure {
    var figure = Figure(width: 1080, height: 390, rows: 1, columns: 3)
    let size = Double(scenes.spec.size), s = Double(stride)
    let box = object.box
    var scene = Axes.imagePanel(0...size, title: "scene and the RoI (\(Int(box.width())) x \(Int(box.height())) px)")
    scene.image(ImageRasters.rgb(scenes.images, index))
    scene.box(box, stroke: .white, width: 1.5, tag: FashionMNIST.shortClassNames[object.label])
    figure.axes[0] = scene

    // Zoomed panels over the map, in image pixels: cell j covers [4 j + 7, 4 j + 11).
    let half = max(box.width(), box.height()) / 2 + 10
    let zoom = (box.centerX - half)...(box.centerX + half)
    let map = meanMap(features, index).raster
    let (x0, x1) = (offset, offset + s * Double(mapSide.1)), (y0, y1) = (offset, offset + s * Double(mapSide.0))
    let roi = region(box, image: 0)

    var pool = Axes.imagePanel(zoom, title: "RoIPool: windows snap to cells")
    pool.yLimits = (box.centerY - half)...(box.centerY + half)
    pool.image(map, x0: x0, x1: x1, y0: y0, y1: y1)
    for w in poolOp.windows(roi, height: mapSide.0, width: mapSide.1) where !w.isEmpty {
      pool.rect(x1: offset + s * Double(w.x0) + 0.6, y1: offset + s * Double(w.y0) + 0.6, x2: offset + s * Double(w.x1) - 0.6,
                y2: offset + s * Double(w.y1) - 0.6, stroke: Color(hex: 0xE69F00, alpha: 0.9), width: 1.2)
    }
    pool.box(box, stroke: .white, width: 1.5, style: .dashed)
    figure.axes[1] = pool

    var align = Axes.imagePanel(zoom, title: "RoIAlign: exact bins, bilinear samples")
    align.yLimits = pool.yLimits
    align.image(map, x0: x0, x1: x1, y0: y0, y1: y1)
    let (bw, bh) = (box.width() / Double(bins), box.height() / Double(bins))
    for k in 0...bins {
      align.line(x: [box.x1 + Double(k) * bw, box.x1 + Double(k) * bw], y: [box.y1, box.y2], color: Color(hex: 0x56B4E9), width: 1)
      align.line(x: [box.x1, box.x2], y: [box.y1 + Double(k) * bh, box.y1 + Double(k) * bh], color: Color(hex: 0x56B4E9), width: 1)
    }
    // Adaptive sampling: ceil(bin / cell) points per side, at ((i + 0.5) / g) of each bin.
    let (gx, gy) = (Int((bw / s).rounded(.up)), Int((bh / s).rounded(.up)))
    var px: [Double] = [], py: [Double] = []
    for b in 0..<(bins * bins) {
      for iy in 0..<gy {
        for ix in 0..<gx {
          px.append(box.x1 + (Double(b % bins) + (Double(ix) + 0.5) / Double(gx)) * bw)
          py.append(box.y1 + (Double(b / bins) + (Double(iy) + 0.5) / Double(gy)) * bh)
        }
      }
    }
    align.scatter(x: px, y: py, color: .white, size: 2.5)
    figure.axes[2] = align
    return figure
  }

  static func quantizationFigure(_ curves: [String: [QuantizationScore]], labels: [(key: String, label: String)]) -> Figure {
    var figure = Figure(width: 1080, height: 380, rows: 1, columns: 2)
    // Each bucket [low, 2 low) cells, plotted at its geometric middle in pixels.
    let x = buckets.map { $0 * 2.0.squareRoot() * Double(stride) }
    let styles: [LineStyle] = [.solid, .solid, .dashed]
    for (k, (title, pick)) in [("whole RoI: IoU(RoI, region read)", { (s: QuantizationScore) in s.roiIoU }),
                               ("per bin: mean IoU(bin, region read)", { (s: QuantizationScore) in s.binIoU })].enumerated() {
      var ax = Axes()
      ax.title = title
      ax.xLabel = "RoI side (px on the image; one cell = 4 px)"
      ax.yLabel = "IoU"
      ax.xScale = .log
      ax.xTicks = x.map { (position: $0, label: String(format: "%.0f", $0)) }
      ax.yLimits = 0...1
      ax.legend = k == 0 ? .lowerRight : .upperLeft
      for (i, m) in labels.enumerated() {
        ax.line(x: x, y: curves[m.key]!.map(pick), label: m.label, style: styles[i], marker: .circle)
      }
      figure.axes[k] = ax
    }
    return figure
  }
}
