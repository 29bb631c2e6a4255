// Benchmarks of the hot paths, run by `convnotes bench`. Each one validates
// its result against an independent computation before it is timed (llm.c's
// rule), reports the best of N wall times, and prints throughput beside the
// machine's sgemm peak so numbers from different machines can be read.
//
// Workloads (fixed seeds):
// - sgemm 512 x 512 x 512, 1 and 2 threads: the machine's peak.
// - greedy NMS, 20,000 boxes: centres uniform in [0, 1000]^2, sides uniform
//   in [10, 100], scores uniform; IoU 0.5. Validated against the quadratic loop.
// - COCO evaluation, 500 images, 2,250 ground truths, 3,375 detections
//   (evaluate + accumulate + summarize). Validated against pycocotools'
//   numbers on the cross-check files when run from the repository.
import Datasets
import Detection
import Foundation
import Gemm
import Layers
import Support
import Tensor

public struct BenchmarkResult: Sendable, Codable {
  public var name: String
  public var seconds: Double
  public var throughput: Double
  public var unit: String
  public var validation: String
}

public enum BenchmarkSuite {
  public static func runAll(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    var results: [BenchmarkResult] = []
    Memory.keepLargeAllocations()
    // sgemm last: OpenBLAS's idle worker threads spin for a while after a
    // multi-threaded call and would steal the core the other benchmarks use.
    results.append(try nms(repeats: repeats, log: log))
    results.append(try PlotBenchmark.run(repeats: repeats, log: log))
    results.append(contentsOf: try cocoEvaluation(repeats: repeats, log: log))
    results.append(contentsOf: try RoIAlignBenchmark.run(repeats: repeats, log: log))
    results.append(contentsOf: try convNet(repeats: repeats, log: log))
    return results
  }

  /// RoI Align forward + backward on 2 threads, beside torchvision's CPU kernel when importable.
  public static func roiAlign(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    Memory.keepLargeAllocations()
    return try RoIAlignBenchmark.run(repeats: repeats, log: log)
  }

  /// sgemm's peak and the reference ConvNet, on 1 and 2 threads.
  public static func convNet(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    Memory.keepLargeAllocations()
    var results: [BenchmarkResult] = []
    let threadsBefore = BLAS.threads
    defer { BLAS.setThreads(threadsBefore) }
    log(try ConvGemmShapes.run(repeats: repeats, peak: try oneThreadPeak(repeats: repeats, log: log), log: log))
    for threads in [1, 2] {
      BLAS.setThreads(threads)
      let peak = try sgemm(repeats: repeats, threads: threads, log: log)
      results.append(peak)
      results.append(contentsOf: try ConvNetBenchmark.run(threads: threads, repeats: repeats, sgemmPeak: peak.throughput, log: log))
    }
    // OpenBLAS beside the packed kernel (last: its idle threads spin for a while).
    if GemmChoice.active.kernel != .openblas {
      for threads in [1, 2] {
        BLAS.setThreads(threads)
        results.append(try sgemm(repeats: repeats, threads: threads, kernel: .openblas, log: log))
      }
    }
    return results
  }

  /// The matrix products of one ConvNet training step, packed beside OpenBLAS (one thread).
  public static func gemmShapes(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    Memory.keepLargeAllocations()
    log(GemmChoiceReport.text())
    log(try ConvGemmShapes.run(repeats: repeats, peak: try oneThreadPeak(repeats: repeats, log: log), log: log))
    return []
  }

  /// The better of the chosen kernel's and OpenBLAS's sgemm 512³ rate on one
  /// thread: the machine's practical FMA peak for one core. Best of at least
  /// 60 products (about 0.15 s each): on a shared VM the best of 7 (15 ms)
  /// often caught the core before it reached full clock, and the shapes'
  /// shares of that peak then read above 100% (seen on a Xeon VM: peak 107
  /// one run, 155 the next).
  static func oneThreadPeak(repeats: Int, log: (String) -> Void) throws -> Double {
    let threadsBefore = BLAS.threads
    BLAS.setThreads(1)
    defer { BLAS.setThreads(threadsBefore) }
    let kernels = Set([GemmChoice.active.kernel, .openblas])
    return try kernels.map { try sgemm(repeats: max(repeats, 60), threads: 1, kernel: $0, log: { _ in }).throughput }.max() ?? 1
  }

  /// Best wall time of `repeats` runs of `body`.
  static func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
  }

  static func sgemm(repeats: Int, threads: Int, kernel chosen: GemmKernel? = nil, log: (String) -> Void) throws -> BenchmarkResult {
    let kernel = chosen ?? GemmChoice.active.kernel
    let n = 512
    var rng = SplitMix64(seed: 1)
    let a = (0..<(n * n)).map { _ in Float(rng.uniform(-1, 1)) }
    let b = (0..<(n * n)).map { _ in Float(rng.uniform(-1, 1)) }
    var c = [Float](repeating: 0, count: n * n)
    func product() {
      c.withUnsafeMutableBufferPointer { pc in
        BLAS.sgemm(
          kernel: kernel, transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0,
          c: pc.baseAddress!, ldc: n, threads: threads)
      }
    }
    product()
    // Validate a few entries against a Double dot product.
    var worst = 0.0
    for (i, j) in [(0, 0), (17, 300), (511, 511), (256, 3)] {
      var sum = 0.0
      for k in 0..<n { sum += Double(a[i * n + k]) * Double(b[k * n + j]) }
      worst = max(worst, abs(sum - Double(c[i * n + j])))
    }
    let name = kernel == .openblas ? "OpenBLAS \(BLAS.coreName)" : "packed \(kernel.rawValue)"
    guard worst < 1e-3 else { throw BenchmarkError("sgemm (\(name)) disagrees with a Double dot product by \(worst)") }
    log("sgemm (\(name)): matches Double dot products (max |Δ| = \(String(format: "%.1e", worst))). Timing \(threads) thread(s).")
    let seconds = best(repeats * 3) { product() }
    return BenchmarkResult(
      name: "sgemm 512x512x512, \(threads) thread\(threads == 1 ? "" : "s") (\(name))", seconds: seconds,
      throughput: 2 * Double(n * n * n) / seconds / 1e9, unit: "GFLOP/s", validation: "max |Δ| \(String(format: "%.1e", worst))")
  }

  public static func nmsWorkload(count: Int = 20_000, seed: UInt64 = 7) -> (boxes: [Float], scores: [Float]) {
    var rng = SplitMix64(seed: seed)
    var boxes: [Float] = []
    var scores: [Float] = []
    for _ in 0..<count {
      let cx = rng.uniform(0, 1000), cy = rng.uniform(0, 1000)
      let w = rng.uniform(10, 100), h = rng.uniform(10, 100)
      boxes += [Float(cx - w / 2), Float(cy - h / 2), Float(cx + w / 2), Float(cy + h / 2)]
      scores.append(Float(rng.nextUniform()))
    }
    return (boxes, scores)
  }

  static func nms(repeats: Int, log: (String) -> Void) throws -> BenchmarkResult {
    let (boxes, scores) = nmsWorkload()
    let kept = nonMaxSuppression(flatBoxes: boxes, scores: scores, iouThreshold: 0.5)
    // Independent reference: every candidate against every kept box, no grid.
    var reference: [Int] = []
    let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    for j in order {
      var keep = true
      for i in reference {
        let w = max(0, min(boxes[4 * i + 2], boxes[4 * j + 2]) - max(boxes[4 * i], boxes[4 * j]))
        let h = max(0, min(boxes[4 * i + 3], boxes[4 * j + 3]) - max(boxes[4 * i + 1], boxes[4 * j + 1]))
        let ai = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1])
        let aj = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1])
        if Double(w * h / (ai + aj - w * h)) > 0.5 { keep = false; break }
      }
      if keep { reference.append(j) }
    }
    guard kept == reference else { throw BenchmarkError("NMS keeps \(kept.count) boxes, the quadratic loop \(reference.count)") }
    log("nms: keeps exactly the quadratic loop's \(kept.count) of \(scores.count) boxes. Timing.")
    try AtomicFile.write(Data("[\(kept.map(String.init).joined(separator: ", "))]".utf8), to: URL(fileURLWithPath: ".build/bench/nms-kept.json"))
    let seconds = best(repeats) { _ = nonMaxSuppression(flatBoxes: boxes, scores: scores, iouThreshold: 0.5) }
    return BenchmarkResult(
      name: "greedy NMS, 20,000 boxes, IoU 0.5 (\(kept.count) kept)", seconds: seconds,
      throughput: Double(scores.count) / seconds / 1e6, unit: "Mboxes/s", validation: "= quadratic loop")
  }

  /// 500 images, 2,250 objects, 3,375 detections, deterministic.
  public static func evaluationWorkload(seed: UInt64 = 11) -> (DetectionDataset, [DetectedObject]) {
    var rng = SplitMix64(seed: seed)
    let categories = (1...5).map { Category(id: $0, name: "class-\($0)") }
    var objects: [GroundTruthObject] = []
    var detections: [DetectedObject] = []
    for image in 1...500 {
      let count = image % 2 == 0 ? 5 : 4  // 4.5 per image: 2,250 in all
      for n in 0..<count {
        let side = exp(rng.uniform(log(12.0), log(300.0)))
        let box = COCOBox(x: rng.uniform(0, 640 - side), y: rng.uniform(0, 480 - side), width: side, height: side * rng.uniform(0.6, 1.4))
        let category = 1 + rng.nextInt(below: 5)
        objects.append(
          GroundTruthObject(id: objects.count + 1, imageId: image, categoryId: category, bbox: box, isCrowd: n == 0 && image % 25 == 0))
      }
      // 6.75 detections per image: 3,375 in all (jittered objects and background).
      let wanted = image % 4 == 0 ? 6 : 7
      let mine = objects.suffix(count)
      for k in 0..<wanted {
        if k < mine.count + 1, let g = mine.randomElementDeterministic(k) {
          let j = g.bbox
          let s = 0.08
          detections.append(
            DetectedObject(
              imageId: image, categoryId: g.categoryId,
              bbox: COCOBox(x: j.x + rng.nextGaussian() * s * j.width, y: j.y + rng.nextGaussian() * s * j.height, width: j.width * rng.uniform(0.85, 1.15), height: j.height * rng.uniform(0.85, 1.15)),
              score: rng.nextUniform()))
        } else {
          let side = rng.uniform(10, 200)
          detections.append(
            DetectedObject(
              imageId: image, categoryId: 1 + rng.nextInt(below: 5),
              bbox: COCOBox(x: rng.uniform(0, 440), y: rng.uniform(0, 280), width: side, height: side), score: rng.nextUniform() * 0.6))
        }
      }
    }
    return (DetectionDataset(imageIds: Array(1...500), categories: categories, objects: objects), detections)
  }

  static func cocoEvaluation(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    let (data, detections) = evaluationWorkload()
    var validation = "perfect detections give AP 1"
    let perfect = data.objects.filter { !$0.isCrowd }.map {
      DetectedObject(imageId: $0.imageId, categoryId: $0.categoryId, bbox: $0.bbox, score: 1)
    }
    let perfectAP = COCOEvaluation.evaluate(data, detections: perfect).summary.ap
    guard abs(perfectAP - 1) < 1e-9 else { throw BenchmarkError("perfect detections score AP \(perfectAP), not 1") }
    let fixtures = URL(fileURLWithPath: "Tests/DetectionTests/Fixtures")
    if let gt = try? COCOFormat.readGroundTruth(fixtures.appendingPathComponent("crosscheck-1-gt.json")),
      let dt = try? COCOFormat.readDetections(fixtures.appendingPathComponent("crosscheck-1-dt.json"), for: gt),
      let expectedData = try? Data(contentsOf: fixtures.appendingPathComponent("crosscheck-1-expected.json")),
      let expected = (try? JSONSerialization.jsonObject(with: expectedData) as? [String: Any])?["coco"] as? [String: Double],
      let ap = expected["AP"]
    {
      let ours = COCOEvaluation.evaluate(gt, detections: dt).summary.ap
      guard abs(ours - ap) < 1e-9 else { throw BenchmarkError("COCO AP \(ours) differs from pycocotools' \(ap)") }
      validation += "; = pycocotools on crosscheck-1 (|Δ| \(String(format: "%.0e", abs(ours - ap))))"
    }
    let summary = COCOEvaluation.evaluate(data, detections: detections).summary
    log("coco evaluation: \(validation); this workload: AP \(String(format: "%.6f", summary.ap)), AP50 \(String(format: "%.6f", summary.ap50)). Timing \(data.imageIds.count) images, \(data.objects.count) objects, \(detections.count) detections.")
    let seconds = best(repeats) { _ = COCOEvaluation.evaluate(data, detections: detections).summary }
    // The CLI path: JSON in, parse, evaluate COCO and VOC.
    let encoder = JSONEncoder()
    let gtJSON = try encoder.encode(CodableDataset(data))
    let dtJSON = try encoder.encode(detections.map(CodableDetection.init))
    let folder = URL(fileURLWithPath: ".build/bench")
    try AtomicFile.write(gtJSON, to: folder.appendingPathComponent("eval-gt.json"))
    try AtomicFile.write(dtJSON, to: folder.appendingPathComponent("eval-dt.json"))
    let cliSeconds = try best(repeats) {
      let gt = try COCOFormat.parseGroundTruth(gtJSON, file: "gt")
      let dt = try COCOFormat.parseDetections(dtJSON, file: "dt", for: gt)
      _ = DetectionScores.compute(dataset: gt, detections: dt, metric: "all")
    }
    return [
      BenchmarkResult(
        name: "COCO evaluate+accumulate+summarize, 500 images, \(data.objects.count) gt, \(detections.count) dt",
        seconds: seconds, throughput: Double(data.imageIds.count) / seconds, unit: "images/s", validation: validation),
      BenchmarkResult(
        name: "eval-detections path: parse JSON + COCO + VOC (files in .build/bench/)", seconds: cliSeconds,
        throughput: Double(data.imageIds.count) / cliSeconds, unit: "images/s", validation: "same data"),
    ]
  }

  public static func table(_ results: [BenchmarkResult]) -> String {
    var out = ""
    let peak = results.filter { $0.unit == "GFLOP/s" }.map(\.throughput).max() ?? 0
    for r in results {
      out += "\(r.name)\n    \(String(format: "%9.3f ms", r.seconds * 1e3))   \(String(format: "%10.1f", r.throughput)) \(r.unit)   [\(r.validation)]\n"
    }
    if peak > 0 { out += "machine peak (best sgemm): \(String(format: "%.1f", peak)) GFLOP/s\n" }
    return out
  }

  public static func json(_ results: [BenchmarkResult]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return ((try? encoder.encode(results)).map { String(decoding: $0, as: UTF8.self) } ?? "[]") + "\n"
  }
}

public struct BenchmarkError: Error, CustomStringConvertible {
  public var description: String
  init(_ message: String) { description = "benchmark validation failed: " + message }
}

extension Collection where Index == Int {
  /// The element at position `k` (a deterministic "pick one").
  fileprivate func randomElementDeterministic(_ k: Int) -> Element? {
    k < count ? self[startIndex + k] : nil
  }
}

/// COCO JSON writers for the benchmark data (so a Python peer can be timed on the same files).
struct CodableDataset: Encodable {
  struct Image: Encodable { var id: Int }
  struct Annotation: Encodable {
    var id: Int
    var image_id: Int
    var category_id: Int
    var bbox: [Double]
    var area: Double
    var iscrowd: Int
  }
  struct Cat: Encodable { var id: Int; var name: String }
  var images: [Image]
  var annotations: [Annotation]
  var categories: [Cat]
  init(_ d: DetectionDataset) {
    images = d.imageIds.map { Image(id: $0) }
    annotations = d.objects.map {
      Annotation(id: $0.id, image_id: $0.imageId, category_id: $0.categoryId, bbox: [$0.bbox.x, $0.bbox.y, $0.bbox.width, $0.bbox.height], area: $0.area, iscrowd: $0.isCrowd ? 1 : 0)
    }
    categories = d.categories.map { Cat(id: $0.id, name: $0.name) }
  }
}

struct CodableDetection: Encodable {
  var image_id: Int
  var category_id: Int
  var bbox: [Double]
  var score: Double
  init(_ d: DetectedObject) {
    (image_id, category_id, bbox, score) = (d.imageId, d.categoryId, [d.bbox.x, d.bbox.y, d.bbox.width, d.bbox.height], d.score)
  }
}

#if canImport(Glibc)
  import Glibc
#endif
