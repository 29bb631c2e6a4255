// EdgeBoxes (Zitnick and Dollár, ECCV 2014): a box is likely to hold an
// object when many edge groups lie wholly inside it, i.e. are not connected
// (through chains of similarly oriented groups) to groups crossing its
// boundary. Score (Eq. 2-4 of the paper):
//   w_b(s_i) = 1 - max over paths T from a boundary group to s_i of the
//              product of affinities along T (0 for boundary groups);
//   h_b = sum_i w_b(s_i) m_i / (2 (b_w + b_h))^kappa, kappa = 1.5,
//   minus the edge magnitude in the box's central half (b_w/2 x b_h/2)
//   divided by the same perimeter term (h_b^in).
// Conventions: groups from EdgeGroups.swift (a simple gradient edge map, not
// the paper's structured edges); a group is inside a box when all its
// pixels are; candidate boxes on a sliding grid whose neighbours overlap by
// IoU alpha = 0.65 in position, scale and aspect ratio (1/3 ... 3), from a
// smallest box of `minBoxArea` pixels; greedy NMS at beta = 0.75. Not done:
// the paper's local refinement of the best boxes.
import Foundation

public struct EdgeBoxes: Sendable {
  public var alpha = 0.65
  public var beta = 0.75
  public var kappa = 1.5
  public var minBoxArea = 400.0
  public var maxAspectRatio = 3.0
  public var maxBoxes = 10000

  public init(minBoxArea: Double = 400) { self.minBoxArea = minBoxArea }

  /// Ranked boxes (best first) with their scores.
  public func proposals(_ image: PlanarImage) -> [(box: Box, score: Double)] {
    let groups = EdgeGroups(image)
    let (w, h) = (image.width, image.height)
    // Integral image of magnitudes (for the central-half term).
    var integral = [Double](repeating: 0, count: (w + 1) * (h + 1))
    for y in 0..<h {
      var row = 0.0
      for x in 0..<w {
        row += Double(groups.magnitude[y * w + x])
        integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row
      }
    }
    func sum(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> Double {
      integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0]
    }
    // Groups bucketed by mean position on a grid of 8 px cells.
    let cell = 8
    let (gw, gh) = ((w + cell - 1) / cell, (h + cell - 1) / cell)
    var buckets = [[Int32]](repeating: [], count: gw * gh)
    for g in 0..<groups.count {
      let (cx, cy) = (min(Int(groups.meanX[g]) / cell, gw - 1), min(Int(groups.meanY[g]) / cell, gh - 1))
      buckets[cy * gw + cx].append(Int32(g))
    }
    var stamp = [Int32](repeating: -1, count: groups.count)
    var reach = [Float](repeating: 0, count: groups.count)
    var scored: [(box: Box, score: Double)] = []
    var boxIndex: Int32 = 0
    for candidate in candidates(width: w, height: h) {
      let (x0, y0, x1, y1) = candidate
      boxIndex += 1
      // Boundary groups: reach 1 (fully connected to the outside).
      var frontier = PairHeap()
      func touch(_ i: Int) {
        let g = groups.group[i]
        guard g >= 0, stamp[Int(g)] != boxIndex || reach[Int(g)] < 1 else { return }
        stamp[Int(g)] = boxIndex
        reach[Int(g)] = 1
        frontier.push(1, g, g)
      }
      for x in x0..<x1 { touch(y0 * w + x); touch((y1 - 1) * w + x) }
      for y in y0..<y1 { touch(y * w + x0); touch(y * w + x1 - 1) }
      // Wholly inside: the group's pixels all lie in the box (its mean then does too, so the buckets find it).
      func inside(_ g: Int) -> Bool {
        let e = groups.extent[g]
        return Int(e.0) >= x0 && Int(e.2) < x1 && Int(e.1) >= y0 && Int(e.3) < y1
      }
      // Max-product reach through inside groups (best first).
      while let top = frontier.pop() {
        let g = Int(top.a)
        guard Float(top.s) >= reach[g] else { continue }
        for (j, a) in groups.affinities[g] where inside(Int(j)) {
          let r = Float(top.s) * a
          if stamp[Int(j)] != boxIndex || r > reach[Int(j)] {
            stamp[Int(j)] = boxIndex
            reach[Int(j)] = r
            frontier.push(Double(r), j, j)
          }
        }
      }
      var total = 0.0
      for cy in (y0 / cell)...min((y1 - 1) / cell, gh - 1) {
        for cx in (x0 / cell)...min((x1 - 1) / cell, gw - 1) {
          for g in buckets[cy * gw + cx] where inside(Int(g)) {
            let r = stamp[Int(g)] == boxIndex ? reach[Int(g)] : 0
            total += Double((1 - r) * groups.groupMagnitude[Int(g)])
          }
        }
      }
      guard total > 0 else { continue }
      let (bw, bh) = (x1 - x0, y1 - y0)
      let perimeter = pow(2 * Double(bw + bh), kappa)
      let inner = sum(x0 + bw / 4, y0 + bh / 4, x0 + bw / 4 + bw / 2, y0 + bh / 4 + bh / 2)
      let score = (total - inner) / perimeter
      if score > 0 { scored.append((Box(x1: Double(x0), y1: Double(y0), x2: Double(x1), y2: Double(y1)), score)) }
    }
    // Greedy NMS at beta (the library's, which keeps the highest score first, ties by index).
    let keep = nonMaxSuppression(scored.map { $0.box }, scores: scored.map { $0.score }, iouThreshold: beta)
    return keep.prefix(maxBoxes).map { scored[$0] }
  }

  /// Integer boxes (x0, y0, x1, y1), x1 exclusive, on the alpha-spaced grid of positions, scales and aspect ratios.
  func candidates(width w: Int, height h: Int) -> [(Int, Int, Int, Int)] {
    let scaleStep = (1 / alpha).squareRoot()
    let aspectStep = (1 + alpha) / (2 * alpha)
    let positionStep = (1 - alpha) / (1 + alpha)
    var out: [(Int, Int, Int, Int)] = []
    // Aspect ratios aspectStep^j, j = -J ... J, centred on square boxes (as Dollár's code).
    let steps = Int((log(maxAspectRatio) / log(aspectStep)).rounded(.down))
    for j in -steps...steps {
      let aspect = pow(aspectStep, Double(j))
      var side = minBoxArea.squareRoot()
      while side < Double(max(w, h)) * scaleStep {  // the last scale is clamped to the image
        let bw = min(Int((side * aspect.squareRoot()).rounded()), w), bh = min(Int((side / aspect.squareRoot()).rounded()), h)
        if bw >= 2 && bh >= 2 {
          let (sx, sy) = (max(2, Int(Double(bw) * positionStep)), max(2, Int(Double(bh) * positionStep)))
          var y = 0
          while y + bh <= h {
            var x = 0
            while x + bw <= w { out.append((x, y, x + bw, y + bh)); x += sx }
            y += sy
          }
        }
        side *= scaleStep
      }
    }
    return out
  }
}
