// Segmentation from a saliency map with a graph cut, in the spirit of GrabCut
// (Rother, Kolmogorov & Blake, "GrabCut: Interactive Foreground Extraction
// using Iterated Graph Cuts", SIGGRAPH 2004; Boykov & Jolly, ICCV 2001), as
// Simonyan et al. (2014) used class saliency maps to seed it.
//
// Instead of a user's rectangle, the saliency map seeds the cut: the most
// salient `foregroundSeedShare` of the pixels are fixed to the foreground, the
// least salient `backgroundSeedShare` to the background. Colour models are
// normalized 3-D histograms (8 bins per channel, +1 smoothing) rather than
// GrabCut's Gaussian mixtures. Energy, minimized exactly by a min s-t cut:
//   E = Σ_p -log P(c_p | label_p)
//     + λ Σ_{4-neighbours p,q} [label_p != label_q] exp(-β |c_p - c_q|²),
// β = 1 / (2 <|c_p - c_q|²>) over all neighbour pairs (GrabCut's choice).
// As in GrabCut the colour models are re-estimated from the current
// segmentation and the cut repeated (`iterations` times). Pixels: RGB planes,
// (3, height, width) in [0, 1], row-major.

public struct GraphCutSegmentation: Sendable {
  public var foregroundSeedShare = 0.05
  public var backgroundSeedShare = 0.3
  public var smoothness = 3.0
  public var iterations = 3

  public init() {}

  /// The foreground mask (height * width) of an image given its saliency map (height * width, any non-negative scale).
  public func segment(rgb: [Float], width: Int, height: Int, saliency: [Float]) -> [Bool] {
    let n = width * height
    precondition(rgb.count == 3 * n && saliency.count == n, "GraphCutSegmentation: \(rgb.count) colour values and \(saliency.count) saliency values for \(width)x\(height)")
    let order = saliency.indices.sorted { (saliency[$0], $0) > (saliency[$1], $1) }
    var seed = [Int8](repeating: 0, count: n)  // 1 foreground, -1 background, 0 free
    for p in order.prefix(max(1, Int(Double(n) * foregroundSeedShare))) { seed[p] = 1 }
    for p in order.suffix(max(1, Int(Double(n) * backgroundSeedShare))) where seed[p] == 0 { seed[p] = -1 }
    let bins = (0..<n).map { p in
      (0..<3).reduce(0) { $0 * 8 + min(Int(rgb[$1 * n + p] * 8), 7) }
    }
    // Contrast-sensitive neighbour weights.
    func distance2(_ p: Int, _ q: Int) -> Double {
      (0..<3).reduce(0.0) { let d = Double(rgb[$1 * n + p] - rgb[$1 * n + q]); return $0 + d * d }
    }
    var pairs: [(Int, Int, Double)] = []
    for y in 0..<height {
      for x in 0..<width {
        let p = y * width + x
        if x + 1 < width { pairs.append((p, p + 1, distance2(p, p + 1))) }
        if y + 1 < height { pairs.append((p, p + width, distance2(p, p + width))) }
      }
    }
    let meanDistance = pairs.reduce(0.0) { $0 + $1.2 } / Double(max(pairs.count, 1))
    let beta = meanDistance > 0 ? 1 / (2 * meanDistance) : 0
    var labels = seed.map { $0 == 1 }
    for iteration in 0..<max(iterations, 1) {
      // Colour models: from the seeds alone on the first pass, then from the current labels.
      var fg = [Double](repeating: 1, count: 512), bg = [Double](repeating: 1, count: 512)
      for p in 0..<n where iteration > 0 || seed[p] != 0 {
        if labels[p] { fg[bins[p]] += 1 } else { bg[bins[p]] += 1 }
      }
      // snippet.energy
      let (fgTotal, bgTotal) = (fg.reduce(0, +), bg.reduce(0, +))
      var graph = FlowNetwork(nodes: n + 2)
      let (source, sink) = (n, n + 1)
      let hard = 1e9
      for p in 0..<n {
        switch seed[p] {
        case 1: graph.addEdge(source, p, capacity: hard)
        case -1: graph.addEdge(p, sink, capacity: hard)
        default:
          // Cutting source->p labels p background: costs -log P(c | bg); p->sink likewise.
          graph.addEdge(source, p, capacity: -log(bg[bins[p]] / bgTotal))
          graph.addEdge(p, sink, capacity: -log(fg[bins[p]] / fgTotal))
        }
      }
      for (p, q, d) in pairs {
        let w = smoothness * exp(-beta * d)
        graph.addEdge(p, q, capacity: w, reverseCapacity: w)
      }
      _ = graph.maxFlow(source: source, sink: sink)
      // snippet.end
      labels = Array(graph.sourceSide(source: source).prefix(n))
    }
    return labels
  }

  /// The baseline: saliency above Otsu's threshold (the split of its 64-bin
  /// histogram that maximizes the between-class variance).
  public static func otsuMask(_ saliency: [Float]) -> [Bool] {
    let top = saliency.max() ?? 0
    guard top > 0 else { return saliency.map { _ in false } }
    var histogram = [Double](repeating: 0, count: 64)
    for s in saliency { histogram[min(Int(s / top * 64), 63)] += 1 }
    let total = Double(saliency.count)
    let sumAll = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
    var (weightBelow, sumBelow, best, threshold) = (0.0, 0.0, -1.0, 0)
    for t in 0..<63 {
      weightBelow += histogram[t]
      sumBelow += Double(t) * histogram[t]
      let weightAbove = total - weightBelow
      guard weightBelow > 0 && weightAbove > 0 else { continue }
      let meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove
      let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
      if between > best { (best, threshold) = (between, t) }
    }
    return saliency.map { min(Int($0 / top * 64), 63) > threshold }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
