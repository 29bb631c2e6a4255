// What region of the feature map a RoI operator actually reads, measured
// from the operators' own geometry (RoIPool.windows, RoIAlign.samples), in
// feature-cell units.
//
// Geometry: feature cell (i, j) summarizes the footprint [j, j + 1) x
// [i, i + 1) of the feature map (in image pixels, [s j, s (j + 1)) for stride
// s, once the receptive-field offset is removed). An operator gives each
// cell a weight per bin: RoIPool a uniform weight over the cells of the bin's
// window (which of them wins the max depends on the data), RoIAlign the
// bilinear weights of its samples, averaged. The region a bin reads is the
// box with the same mean and variance as that weight spread over the cells'
// footprints: per axis, centre mu and half-width sqrt(3) sigma (a uniform
// window is exactly its own box). The region the whole RoI reads mixes its
// bins equally, as the output does. The numbers: IoU of the RoI with what
// the whole RoI reads, mean IoU of each ideal bin (the RoI cut into H x W
// equal parts) with what its bin reads, and the signed offset of the read
// centre from the RoI centre (cells, mean over x and y).
import Layers

extension RoIPooling {
  /// Mean, variance of a weight distribution along one axis (footprints included).
  struct Moments {
    var weight = 0.0, first = 0.0, second = 0.0
    /// Adds weight `w` on the cell footprint [i, i + 1): mean i + 1/2, variance 1/12.
    mutating func add(cell i: Int, weight w: Double) {
      let c = Double(i) + 0.5
      weight += w; first += w * c; second += w * (c * c + 1.0 / 12)
    }
    mutating func add(_ other: Moments, scaledTo total: Double = 1) {
      guard other.weight > 0 else { return }
      let k = total / other.weight
      weight += total; first += k * other.first; second += k * other.second
    }
    var mean: Double { first / weight }
    var halfWidth: Double { (3 * max(second / weight - mean * mean, 0)).squareRoot() }
    var interval: (Double, Double) { (mean - halfWidth, mean + halfWidth) }
  }

  struct ReadRegion {
    var x = Moments(), y = Moments()
    var box: (x1: Double, y1: Double, x2: Double, y2: Double) {
      (x.interval.0, y.interval.0, x.interval.1, y.interval.1)
    }
  }

  struct QuantizationScore {
    var roiIoU: Double
    var binIoU: Double
    var centreOffset: Double
  }

  static func iou(_ a: (x1: Double, y1: Double, x2: Double, y2: Double), _ b: (x1: Double, y1: Double, x2: Double, y2: Double)) -> Double {
    let w = max(0, min(a.x2, b.x2) - max(a.x1, b.x1)), h = max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
    let inter = w * h, union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter
    return union > 0 ? inter / union : 0
  }

  /// Scores the regions each bin reads against the RoI `r` (given in feature cells) cut into `h` x `w` bins.
  static func score(bins: [ReadRegion], roi r: (x1: Double, y1: Double, x2: Double, y2: Double), h: Int, w: Int) -> QuantizationScore {
    var whole = ReadRegion()
    var binIoU = 0.0
    let (bw, bh) = ((r.x2 - r.x1) / Double(w), (r.y2 - r.y1) / Double(h))
    for (b, region) in bins.enumerated() {
      let (ph, pw) = (Double(b / w), Double(b % w))
      let ideal = (x1: r.x1 + pw * bw, y1: r.y1 + ph * bh, x2: r.x1 + (pw + 1) * bw, y2: r.y1 + (ph + 1) * bh)
      binIoU += region.x.weight > 0 ? iou(region.box, ideal) : 0
      whole.x.add(region.x)
      whole.y.add(region.y)
    }
    let offset = ((whole.x.mean - (r.x1 + r.x2) / 2) + (whole.y.mean - (r.y1 + r.y2) / 2)) / 2
    return QuantizationScore(roiIoU: iou(whole.box, r), binIoU: binIoU / Double(bins.count), centreOffset: offset)
  }

  /// The regions RoIPool's bins read for one region on a height x width map.
  static func readRegions(_ pool: RoIPool, _ roi: RegionOfInterest, height: Int, width: Int) -> [ReadRegion] {
    pool.windows(roi, height: height, width: width).map { win in
      var region = ReadRegion()
      for j in win.x0..<max(win.x1, win.x0) { region.x.add(cell: j, weight: 1) }
      for i in win.y0..<max(win.y1, win.y0) { region.y.add(cell: i, weight: 1) }
      return region
    }
  }

  /// The regions RoIAlign's bins read for one region on a height x width map.
  static func readRegions(_ align: RoIAlign, _ roi: RegionOfInterest, height: Int, width: Int) -> [ReadRegion] {
    let s = align.samples(for: [roi], height: height, width: width)
    let bins = align.outputHeight * align.outputWidth, per = s.perBin[0]
    return (0..<bins).map { b in
      var region = ReadRegion()
      for k in 0..<per {
        let at = 4 * (b * per + k)
        for t in 0..<4 where s.positions[at + t] >= 0 {
          let p = Int(s.positions[at + t]), wgt = Double(s.weights[at + t])
          region.x.add(cell: p % width, weight: wgt)
          region.y.add(cell: p / width, weight: wgt)
        }
      }
      return region
    }
  }
}
