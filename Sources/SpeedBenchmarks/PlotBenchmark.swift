// Rendering speed: a 2x PNG of a 4-panel figure holding 10,000 scatter
// points and a 256x256 heat map (issue bar: under 100 ms). Validated first:
// the Scene holds every point and the raster, and the PNG has the size asked.
import Foundation
import Plot
import Tensor

enum PlotBenchmark {
  static func figure() -> Figure {
    var rng = SplitMix64(seed: 4)
    var figure = Figure(width: 1000, height: 800, rows: 2, columns: 2, title: "benchmark figure")
    let xs = (0..<10_000).map { _ in rng.nextGaussian() }
    let ys = (0..<10_000).map { _ in rng.nextGaussian() }
    figure.axes[0].scatter(x: xs, y: ys, size: 3)
    var values: [Double] = []
    for i in 0..<(256 * 256) { values.append(sin(Double(i % 256) / 20) * cos(Double(i / 256) / 30)) }
    figure.axes[1].image(Raster(values: values, width: 256, height: 256, colormap: .viridis, range: -1...1))
    figure.axes[1].colorbar = Colorbar(colormap: .viridis, range: -1...1)
    figure.axes[2].line(x: (0..<500).map(Double.init), y: (0..<500).map { sin(Double($0) / 30) })
    figure.axes[3].histogram(xs, bins: 40)
    return figure
  }

  static func run(repeats: Int, log: (String) -> Void) throws -> BenchmarkResult {
    let f = figure()
    let scene = try f.scene()
    let markers = scene.items.filter { if case .marker = $0 { return true } else { return false } }.count
    guard markers == 10_000, scene.description.contains("image 256x256") else {
      throw BenchmarkError("plot scene has \(markers) markers and no 256x256 image")
    }
    let url = URL(fileURLWithPath: ".build/bench/plot-benchmark.png")
    try f.write(to: url, scale: 2)
    let data = try Data(contentsOf: url)
    let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
    guard width == 2000 else { throw BenchmarkError("plot PNG is \(width) px wide, expected 2000") }
    log("plot: scene holds 10,000 markers and the 256x256 raster; PNG is 2000 px wide. Timing.")
    let t0 = DispatchTime.now().uptimeNanoseconds
    _ = try f.scene()
    let t1 = DispatchTime.now().uptimeNanoseconds
    try f.write(to: URL(fileURLWithPath: ".build/bench/plot-benchmark.svg"))
    let t2 = DispatchTime.now().uptimeNanoseconds
    log("plot: layout \((t1 - t0) / 1_000_000) ms, SVG \((t2 - t1) / 1_000_000) ms")
    var best = Double.infinity
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      try f.write(to: url, scale: 2)
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return BenchmarkResult(
      name: "Plot: 2x PNG, 4 panels, 10,000 points + 256x256 heat map (layout + render + write)", seconds: best,
      throughput: 1 / best, unit: "figures/s", validation: "10,000 markers, 2000 px")
  }
}
