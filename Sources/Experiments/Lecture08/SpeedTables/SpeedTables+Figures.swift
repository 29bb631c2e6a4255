// The figures of the speed-tables chapter: the speed-accuracy plane (ours
// beside the lecture's, like YOLO's Table 1) and the test time split into the
// proposal step and the detector.
import Foundation
import Plot

extension SpeedTables {
  static func color(_ index: Int) -> Color { qualitativePalette[index % qualitativePalette.count] }

  static func speedAccuracyFigure(_ rows: [Row]) -> Figure {
    var figure = Figure(width: 900, height: 400, rows: 1, columns: 2)
    var ours = Axes()
    ours.title = "measured here (FashionScenes, 2-core CPU)"
    ours.xLabel = "images per second, with proposals"
    ours.yLabel = "mAP, % (VOC 2007)"
    ours.xScale = .log
    ours.legend = .none
    var lecture = Axes()
    lecture.title = "the lecture and papers (VOC 2007, GPU)"
    lecture.xLabel = "images per second, with proposals"
    lecture.xScale = .log
    lecture.legend = .none
    for (i, r) in rows.enumerated() {
      let fps = 1 / r.totalSeconds
      ours.scatter(x: [fps], y: [100 * r.map07], color: color(i), size: 9)
      ours.text(r.entry.name, x: fps, y: 100 * r.map07, color: color(i), horizontal: .start, vertical: .bottom)
      let paper = r.entry.lecture
      lecture.scatter(x: [paper.fps], y: [paper.map], color: color(i), size: 9)
      lecture.text(r.entry.name, x: paper.fps, y: paper.map, color: color(i), horizontal: .start, vertical: .bottom)
    }
    let fpsValues = rows.map { 1 / $0.totalSeconds }
    ours.xLimits = (fpsValues.min()! / 2)...(fpsValues.max()! * 4)
    let maps = rows.map { 100 * $0.map07 }
    ours.yLimits = max(0, maps.min()! - 10)...min(100, maps.max()! + 10)
    let paperFps = rows.map(\.entry.lecture.fps)
    lecture.xLimits = (paperFps.min()! / 2)...(paperFps.max()! * 4)
    lecture.yLimits = 55...80
    figure.axes[0] = ours
    figure.axes[1] = lecture
    return figure
  }

  static func testTimeFigure(_ rows: [Row], proposalSeconds: Double) -> Figure {
    var figure = Figure(width: 780, height: 340, rows: 1, columns: 1)
    var ax = Axes()
    ax.yLabel = "seconds per image (log)"
    ax.yScale = .log
    ax.xTicks = rows.enumerated().map { (Double($0.offset), $0.element.entry.name) }
    ax.legend = .upperRight
    let detector = rows.map(\.seconds)
    let total = rows.map(\.totalSeconds)
    let x = rows.indices.map(Double.init)
    // Log-scale bars need a positive baseline: a decade under the smallest time.
    let floor = pow(10, log10(min(detector.min()!, proposalSeconds) / 10).rounded(.down))
    ax.bars(x: x, heights: total.map { $0 - floor }, width: 0.6, baseline: floor, label: "proposal step (Selective Search)", color: color(5))
    ax.bars(x: x, heights: detector.map { $0 - floor }, width: 0.6, baseline: floor, label: "the detector", color: color(0))
    ax.yLimits = floor...(total.max()! * 3)
    figure.axes[0] = ax
    return figure
  }
}
