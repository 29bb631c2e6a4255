// RoI Align forward + backward at Fast/Mask R-CNN's size: features
// 1 x 256 x 50 x 50 (an 800 px image at stride 16), 512 regions with sides
// uniform in [32, 400] px, 7 x 7 bins, sampling_ratio 2, aligned=True; the
// upstream gradient standard normal; fixed seeds.
// Validated before it is timed: the forward pass against a direct Double
// evaluation of the bilinear samples on 16 regions x 8 channels, the
// backward pass by the adjoint identity <dx, t> = <g, forward(t)> (RoI
// Align is linear in the features), and the backward's bits on 1 and 2
// threads. When `python3 -c "import torchvision"` works, the same tensors
// go to torchvision's CPU kernel (torch.set_num_threads(2)), whose outputs
// must agree, and whose best time is printed beside ours. RoIPool follows
// on the same tensors (its validation: see `pool`).
import Foundation
import Layers
import Support
import Tensor

enum RoIAlignBenchmark {
  static let (channels, side, regions, bins) = (256, 50, 512, 7)

  static func workload() -> (features: Tensor, rois: [RegionOfInterest], dout: Tensor) {
    var rng = SplitMix64(seed: 19)
    let features = Tensor.randomNormal(shape: [1, channels, side, side], std: 1, using: &rng)
    let rois = (0..<regions).map { _ -> RegionOfInterest in
      let (w, h) = (rng.uniform(32, 400), rng.uniform(32, 400))
      let (x, y) = (rng.uniform(0, 800 - w), rng.uniform(0, 800 - h))
      return RegionOfInterest(x1: Float(x), y1: Float(y), x2: Float(x + w), y2: Float(y + h))
    }
    return (features, rois, Tensor.randomNormal(shape: [regions, channels, bins, bins], std: 1, using: &rng))
  }

  /// Bilinear interpolation at (y, x) in Double, with torchvision's border rules, written out directly.
  static func bilinear(_ plane: ArraySlice<Float>, _ y0: Double, _ x0: Double) -> Double {
    if y0 < -1 || y0 > Double(side) || x0 < -1 || x0 > Double(side) { return 0 }
    let y = min(max(y0, 0), Double(side - 1)), x = min(max(x0, 0), Double(side - 1))
    let (yl, xl) = (Int(y), Int(x)), (yh, xh) = (min(Int(y) + 1, side - 1), min(Int(x) + 1, side - 1))
    let (ly, lx) = (y - Double(yl), x - Double(xl))
    let v = { (r: Int, c: Int) in Double(plane[plane.startIndex + r * side + c]) }
    return (1 - ly) * (1 - lx) * v(yl, xl) + (1 - ly) * lx * v(yl, xh) + ly * (1 - lx) * v(yh, xl) + ly * lx * v(yh, xh)
  }

  static func validate(_ op: RoIAlign, _ w: (features: Tensor, rois: [RegionOfInterest], dout: Tensor)) throws -> String {
    let (y, cache) = op.forward(w.features, rois: w.rois)
    var worst = 0.0
    for k in 0..<16 {
      let r = w.rois[k * 31]
      let (sx, sy) = (Double(r.x1) / 16 - 0.5, Double(r.y1) / 16 - 0.5)
      let (bw, bh) = ((Double(r.x2) - Double(r.x1)) / 16 / 7, (Double(r.y2) - Double(r.y1)) / 16 / 7)
      for c in stride(from: 0, to: channels, by: 32) {
        let plane = w.features.scalars[(c * side * side)..<((c + 1) * side * side)]
        for b in 0..<(bins * bins) {
          var sum = 0.0
          for iy in 0..<2 { for ix in 0..<2 { sum += bilinear(plane, sy + (Double(b / bins) + (Double(iy) + 0.5) / 2) * bh, sx + (Double(b % bins) + (Double(ix) + 0.5) / 2) * bw) } }
          worst = max(worst, abs(sum / 4 - Double(y.scalars[((k * 31 * channels) + c) * bins * bins + b])))
        }
      }
    }
    guard worst < 1e-4 else { throw BenchmarkError("roi_align: forward differs from the direct evaluation by \(worst)") }
    var rng = SplitMix64(seed: 23)
    let t = Tensor.randomNormal(shape: w.features.shape, std: 1, using: &rng)
    let dx = op.backward(w.dout, cache: cache)
    let (lhs, rhs) = (dx.dot(t), w.dout.dot(op.forward(t, rois: w.rois).output))
    let adjoint = abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-12)
    guard adjoint < 1e-4 else { throw BenchmarkError("roi_align: backward fails the adjoint test (relative error \(adjoint))") }
    let one = Parallel.$threadOverride.withValue(1) { op.backward(w.dout, cache: cache) }
    guard one.scalars == dx.scalars else { throw BenchmarkError("roi_align: backward bits differ between 1 and 2 threads") }
    return String(format: "forward within %.1e of direct Double sums; adjoint test %.1e; same bits on 1 and 2 threads", worst, adjoint)
  }

  static func run(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    let threadsBefore = BLAS.threads
    defer { BLAS.setThreads(threadsBefore) }
    BLAS.setThreads(2)
    let w = workload()
    let op = RoIAlign(outputHeight: bins, outputWidth: bins, spatialScale: 1.0 / 16, samplingRatio: 2, aligned: true)
    let validation = try validate(op, w)
    log("roi_align: " + validation)
    var forward = Double.infinity, total = Double.infinity
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      let (_, cache) = op.forward(w.features, rois: w.rois)
      let mid = DispatchTime.now().uptimeNanoseconds
      _ = op.backward(w.dout, cache: cache)
      let end = DispatchTime.now().uptimeNanoseconds
      forward = min(forward, Double(mid - start) / 1e9)
      total = min(total, Double(end - start) / 1e9)
    }
    log(String(format: "roi_align (ConvNotes, 2 threads): forward %.1f ms, forward + backward %.1f ms", forward * 1e3, total * 1e3))
    var results = [BenchmarkResult(name: "roi_align 1x256x50x50, 512 RoIs, 7x7, fwd+bwd, 2 threads", seconds: total,
                                   throughput: Double(regions) / total, unit: "RoI/s", validation: validation)]
    let (y, cache) = op.forward(w.features, rois: w.rois)
    if let peer = try TorchvisionPeer.run("align", w, expected: y, expectedGradient: op.backward(w.dout, cache: cache), repeats: repeats, log: log) {
      results.append(peer)
      log(String(format: "roi_align: ConvNotes / torchvision time = %.2f", total / peer.seconds))
    }
    results += try pool(w, repeats: repeats, log: log)
    return results
  }

  /// RoIPool on the same workload: validated by two identities (each output is the input at its
  /// remembered position; the gradient's sum is the sum of dout over non-empty bins), then timed.
  static func pool(_ w: (features: Tensor, rois: [RegionOfInterest], dout: Tensor), repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    let op = RoIPool(outputHeight: bins, outputWidth: bins, spatialScale: 1.0 / 16)
    let (y, cache) = op.forward(w.features, rois: w.rois)
    let plane = side * side
    var mass = 0.0
    for (i, a) in cache.argmax.enumerated() where a >= 0 {
      let (n, c) = (i / (channels * bins * bins), (i / (bins * bins)) % channels)
      guard y.scalars[i] == w.features.scalars[(w.rois[n].batchIndex * channels + c) * plane + Int(a)] else {
        throw BenchmarkError("roi_pool: output \(i) is not the input at its arg-max")
      }
      mass += Double(w.dout.scalars[i])
    }
    let dx = op.backward(w.dout, cache: cache)
    let sum = dx.scalars.reduce(0.0) { $0 + Double($1) }
    guard abs(sum - mass) < 1e-3 * max(1, abs(mass)) else { throw BenchmarkError("roi_pool: gradient sum \(sum), expected \(mass)") }
    let total = BenchmarkSuite.best(repeats) { let (_, c) = op.forward(w.features, rois: w.rois); _ = op.backward(w.dout, cache: c) }
    log(String(format: "roi_pool (ConvNotes, 2 threads): forward + backward %.1f ms", total * 1e3))
    var results = [BenchmarkResult(name: "roi_pool 1x256x50x50, 512 RoIs, 7x7, fwd+bwd, 2 threads", seconds: total,
                                   throughput: Double(regions) / total, unit: "RoI/s", validation: "outputs at their arg-max; gradient sum conserved")]
    if let peer = try TorchvisionPeer.run("pool", w, expected: y, expectedGradient: dx, repeats: repeats, log: log) {
      results.append(peer)
      log(String(format: "roi_pool: ConvNotes / torchvision time = %.2f", total / peer.seconds))
    }
    return results
  }
}
