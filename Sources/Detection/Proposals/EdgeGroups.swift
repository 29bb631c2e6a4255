// The edge groups of EdgeBoxes (Zitnick and Dollár, "Edge Boxes: Locating
// Object Proposals from Edges", ECCV 2014, Section 3), from a simple edge map
// instead of the paper's structured edges:
// - edges: each channel smoothed with a Gaussian (sigma = 1), centred
//   differences; per pixel the channel of largest gradient gives magnitude
//   and orientation (mod pi); thinned by non-maximum suppression across the
//   edge; magnitudes divided by the image's largest, and below 0.1 dropped;
// - groups: 8-connected edge pixels chained greedily (Dollár's edgeBoxes.cpp
//   clusterEdges) from each unassigned pixel, always to the neighbour of
//   closest orientation, until the summed orientation change exceeds pi / 2;
// - each group: its summed magnitude m, mean position, pixel bounding box, and mean orientation
//   (the doubled-angle mean, so that 0 and pi agree);
// - affinity of two groups whose pixels touch (8-neighbours):
//   |cos(theta_i - theta_ij) cos(theta_j - theta_ij)|^2, theta_ij the
//   direction between their mean positions; kept when above 0.05.
import Foundation

public struct EdgeGroups: Sendable {
  public var width: Int
  public var height: Int
  /// Group of each pixel, -1 off edges.
  public var group: [Int32]
  /// Edge magnitude per pixel after thinning (0 off edges).
  public var magnitude: [Float]
  public var groupMagnitude: [Float]
  public var meanX: [Float]
  public var meanY: [Float]
  public var orientation: [Float]
  /// Per group, the bounding box of its pixels (x0, y0, x1, y1), inclusive.
  public var extent: [(Int32, Int32, Int32, Int32)]
  /// Per group, (neighbour, affinity) pairs.
  public var affinities: [[(Int32, Float)]]

  public var count: Int { groupMagnitude.count }

  public init(_ image: PlanarImage, threshold: Float = 0.1) {
    let (w, h, c) = (image.width, image.height, image.channels)
    let n = w * h
    var planes = image.values.map(Double.init)
    GaussianSmoothing.smooth(&planes, width: w, height: h, channels: c, sigma: 1)
    var mag = [Float](repeating: 0, count: n), ori = [Float](repeating: 0, count: n)
    for y in 0..<h {
      for x in 0..<w {
        var best: Float = -1
        for ch in 0..<c {
          let b = ch * n
          let gx = Float(planes[b + y * w + min(x + 1, w - 1)] - planes[b + y * w + max(x - 1, 0)]) / 2
          let gy = Float(planes[b + min(y + 1, h - 1) * w + x] - planes[b + max(y - 1, 0) * w + x]) / 2
          let m = (gx * gx + gy * gy).squareRoot()
          if m > best {
            best = m
            var o = atan2f(gy, gx)  // gradient direction; the edge runs across it
            if o < 0 { o += .pi }
            if o >= .pi { o -= .pi }
            (mag[y * w + x], ori[y * w + x]) = (m, o)
          }
        }
      }
    }
    // Non-maximum suppression along the gradient; then normalize and threshold.
    var thin = [Float](repeating: 0, count: n)
    var largest: Float = 0
    for y in 1..<max(h - 1, 1) {
      for x in 1..<max(w - 1, 1) {
        let i = y * w + x
        let (dx, dy) = (cosf(ori[i]), sinf(ori[i]))
        func at(_ fx: Float, _ fy: Float) -> Float {
          let (xi, yi) = (min(max(Int((fx).rounded()), 0), w - 1), min(max(Int((fy).rounded()), 0), h - 1))
          return mag[yi * w + xi]
        }
        if mag[i] >= at(Float(x) + dx, Float(y) + dy) && mag[i] >= at(Float(x) - dx, Float(y) - dy) {
          thin[i] = mag[i]
          largest = max(largest, mag[i])
        }
      }
    }
    if largest > 0 { for i in 0..<n { thin[i] = thin[i] / largest >= threshold ? thin[i] / largest : 0 } }

    // Greedy chains of similar orientation.
    var group = [Int32](repeating: -1, count: n)
    var next: Int32 = 0
    for y in 1..<max(h - 1, 1) {
      for x in 1..<max(w - 1, 1) where thin[y * w + x] > 0 && group[y * w + x] < 0 {
        var (cx, cy) = (x, y)
        var turned: Float = 0
        while turned < 0.5 {
          group[cy * w + cx] = next
          let o0 = ori[cy * w + cx]
          var bestTurn: Float = 1000, bx = -1, by = -1
          for yy in (cy - 1)...(cy + 1) where yy > 0 && yy < h - 1 {
            for xx in (cx - 1)...(cx + 1) where xx > 0 && xx < w - 1 {
              let j = yy * w + xx
              guard thin[j] > 0 && group[j] < 0 else { continue }
              var v = abs(ori[j] - o0) / .pi
              if v > 0.5 { v = 1 - v }
              if v < bestTurn { (bestTurn, bx, by) = (v, xx, yy) }
            }
          }
          if bx < 0 { break }
          turned += bestTurn
          (cx, cy) = (bx, by)
        }
        next += 1
      }
    }
    let count = Int(next)
    var gm = [Float](repeating: 0, count: count), sx = [Float](repeating: 0, count: count), sy = [Float](repeating: 0, count: count)
    var c2 = [Float](repeating: 0, count: count), s2 = [Float](repeating: 0, count: count)
    var extent = [(Int32, Int32, Int32, Int32)](repeating: (Int32.max, Int32.max, -1, -1), count: count)
    for y in 0..<h {
      for x in 0..<w where group[y * w + x] >= 0 {
        let (g, m) = (Int(group[y * w + x]), thin[y * w + x])
        let e = extent[g]
        extent[g] = (min(e.0, Int32(x)), min(e.1, Int32(y)), max(e.2, Int32(x)), max(e.3, Int32(y)))
        gm[g] += m
        sx[g] += m * Float(x)
        sy[g] += m * Float(y)
        c2[g] += m * cosf(2 * ori[y * w + x])
        s2[g] += m * sinf(2 * ori[y * w + x])
      }
    }
    var o = [Float](repeating: 0, count: count)
    for g in 0..<count {
      sx[g] /= gm[g]
      sy[g] /= gm[g]
      var a = atan2f(s2[g], c2[g]) / 2
      if a < 0 { a += .pi }
      o[g] = a
    }
    // Affinities of touching groups.
    var pairs = Set<Int64>()
    for y in 0..<h {
      for x in 0..<w where group[y * w + x] >= 0 {
        let g = group[y * w + x]
        for (dx, dy) in [(1, 0), (0, 1), (1, 1), (-1, 1)] {
          let (xx, yy) = (x + dx, y + dy)
          guard xx >= 0 && xx < w && yy < h else { continue }
          let other = group[yy * w + xx]
          if other >= 0 && other != g { pairs.insert(Int64(min(g, other)) << 32 | Int64(max(g, other))) }
        }
      }
    }
    var affinities = [[(Int32, Float)]](repeating: [], count: count)
    for p in pairs.sorted() {
      let (i, j) = (Int(p >> 32), Int(p & 0xFFFF_FFFF))
      // theta_ij: the direction from i to j, compared with the edge directions (gradient + pi/2).
      let between = atan2f(sy[j] - sy[i], sx[j] - sx[i])
      let a = abs(cosf(o[i] + .pi / 2 - between) * cosf(o[j] + .pi / 2 - between))
      let affinity = a * a
      if affinity > 0.05 {
        affinities[i].append((Int32(j), affinity))
        affinities[j].append((Int32(i), affinity))
      }
    }
    (width, height, self.group, magnitude) = (w, h, group, thin)
    (groupMagnitude, meanX, meanY, orientation, self.affinities) = (gm, sx, sy, o, affinities)
    self.extent = extent
  }
}
