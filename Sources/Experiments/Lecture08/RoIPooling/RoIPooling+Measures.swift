// The roi-pooling chapter's measurements on the real maps: numeric
// differences between conventions, gradient checks, thread bits, speed.
import ExperimentKit
import Foundation
import Layers
import Models
import Tensor

extension RoIPooling {
  /// mean |a - b| / mean |b|, max |a - b|, and the fraction of entries whose bits differ.
  static func difference(_ a: Tensor, _ b: Tensor) -> (relative: Double, max: Double, changed: Double) {
    precondition(a.shape == b.shape, "roi-pooling: comparing shapes \(a.shape) and \(b.shape)")
    var sum = 0.0, scale = 0.0, worst = 0.0, changed = 0
    for (x, y) in zip(a.scalars, b.scalars) {
      let d = Double(abs(x - y))
      sum += d; scale += Double(abs(y)); worst = max(worst, d)
      if x != y { changed += 1 }
    }
    return (scale > 0 ? sum / scale : 0, worst, Double(changed) / Double(max(a.count, 1)))
  }

  static func conventionsTable(_ features: Tensor, rois: [RegionOfInterest], context: RunContext) -> [[JSONValue]] {
    let reference = alignOp().forward(features, rois: rois).output
    let nearest = poolOp.forward(features, rois: rois).output
    var outward = poolOp
    outward.rounding = .outward
    let cases: [(key: String, what: String, with: String, a: Tensor, b: Tensor)] = [
      ("unaligned", "RoIAlign, aligned=False", "aligned=True", alignOp(aligned: false).forward(features, rois: rois).output, reference),
      ("ratio2", "RoIAlign, sampling_ratio=2", "adaptive (0)", alignOp(ratio: 2).forward(features, rois: rois).output, reference),
      ("ratio1", "RoIAlign, sampling_ratio=1", "adaptive (0)", alignOp(ratio: 1).forward(features, rois: rois).output, reference),
      ("poolAlign", "RoIPool (round, +1)", "RoIAlign (aligned)", nearest, reference),
      ("outward", "RoIPool, floor/ceil corners", "RoIPool, round", outward.forward(features, rois: rois).output, nearest),
    ]
    return cases.map { c in
      let d = difference(c.a, c.b)
      context.record("conv.\(c.key).relative", d.relative, format: ".3f")
      context.record("conv.\(c.key).max", d.max, format: ".3f")
      context.record("conv.\(c.key).changed", d.changed, format: ".1%")
      return [.string(c.what), .string(c.with), .number(d.relative), .number(d.max), .number(d.changed)]
    }
  }

  static func gradientChecks(_ net: LocalizationNetwork, _ image: Tensor, rois: [RegionOfInterest], samples: Int, context: RunContext) throws {
    var rng = context.rng.derived("gradient-check")
    let preReLU = trunk(net, through: "bn3").forward(image, mode: .test)
    let map = trunk(net, through: "relu3").forward(image, mode: .test)
    let pool = checkLayer(RoIPoolLayer(poolOp, rois: rois), input: preReLU, samples: samples, step: 1e-3, using: &rng)
    let alignLayer = RoIAlignLayer(alignOp(), rois: rois)
    let align = checkLayer(alignLayer, input: map, samples: samples, using: &rng)
    let cache = alignLayer.forward(map, mode: .test).cache
    let vjp = checkVJP({ alignLayer.forward($0, mode: .test).output }, vjp: { alignLayer.backward($0, cache: cache, rule: .gradient) }, at: map, using: &rng)
    context.record("grad.pool.worst", pool.worstRelativeError, format: ".1e")
    context.record("grad.align.worst", align.worstRelativeError, format: ".1e")
    context.record("grad.align.vjp", vjp.relativeError, format: ".1e")
    context.record("grad.coordinates", pool.checked)
    context.record("grad.rois", rois.count)

    // The same bits on 1 and 2 threads, for every region of the check.
    var doutRng = context.rng.derived("thread-bits")
    let dout = Tensor.randomNormal(shape: [rois.count, map.shape[1], bins, bins], std: 1, using: &doutRng)
    func grads(_ threads: Int) -> [[Float]] {
      Parallel.$threadOverride.withValue(threads) {
        let a = alignOp().forward(map, rois: rois), p = poolOp.forward(map, rois: rois)
        return [alignOp().backward(dout, cache: a.cache).scalars, poolOp.backward(dout, cache: p.cache).scalars]
      }
    }
    context.record("threads.sameBits", grads(1) == grads(2) ? 1 : 0)
  }

  /// Best wall time of forward + backward, in milliseconds.
  static func milliseconds(_ repeats: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return best
  }

  static func speed(_ map: Tensor, counts: [Int], repeats: Int, mapSide: Int, context: RunContext) {
    var rng = context.rng.derived("speed")
    let side = Double(mapSide) * Double(stride)
    var times: [(align: Double, pool: Double)] = []
    for n in counts {
      let rois = (0..<n).map { _ -> RegionOfInterest in
        let (w, h) = (rng.uniform(8, 64), rng.uniform(8, 64))
        let (x, y) = (rng.uniform(0, side - w), rng.uniform(0, side - h))
        return RegionOfInterest(x1: Float(x), y1: Float(y), x2: Float(x + w), y2: Float(y + h))
      }
      var dRng = rng.derived("dout")
      let dout = Tensor.randomNormal(shape: [n, map.shape[1], bins, bins], std: 1, using: &dRng)
      let align = milliseconds(repeats) { let (_, c) = alignOp().forward(map, rois: rois); _ = alignOp().backward(dout, cache: c) }
      let pool = milliseconds(repeats) { let (_, c) = poolOp.forward(map, rois: rois); _ = poolOp.backward(dout, cache: c) }
      context.measure("speed.align.n\(n)", align, unit: "ms", format: ".2f")
      context.measure("speed.pool.n\(n)", pool, unit: "ms", format: ".2f")
      times.append((align, pool))
    }
    context.record("speed.largestN", counts.last ?? 0)
    guard let first = times.first, let last = times.last, counts.count > 1 else { return }
    context.measure("speed.alignOverPool", last.align / max(last.pool, 1e-9), unit: "x", format: ".1f")
    // Time per region at the largest N over time per region at the smallest (1 = linear in N).
    context.measure("speed.align.perRoIRatio", (last.align / Double(counts.last!)) / (first.align / Double(counts[0])), format: ".2f")
  }
}
