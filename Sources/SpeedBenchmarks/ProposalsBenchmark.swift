// The region-proposal benchmark of `convnotes bench --proposals`: Selective
// Search, fast strategy (8 hierarchies), on a 512 x 512 photo
// (assets/images/astronaut.png), one thread, beside OpenCV's
// cv2.ximgproc.segmentation.createSelectiveSearchSegmentation
// (switchToSelectiveSearchFast, cv2.setNumThreads(1)) on the same file when a
// Python with opencv-contrib is found ($CONVNOTES_PYTHON, else python3).
// Validation before timing: on four flat quadrants every quadrant and the
// whole image are found (IoU >= 0.9); on the photo the whole image is a proposal,
// there are at least 200 proposals, and two runs give the same list.
import Detection
import Foundation
import Plot

public enum ProposalsBenchmark {
  public static func run(photo url: URL, repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    let decoded = try ImageFile.read(url)
    let photo = PlanarImage(width: decoded.width, height: decoded.height, channels: decoded.channels, values: decoded.values).rgb
    let search = SelectiveSearch(.fast)

    // Validate.
    let quadrants = quadrantImage(side: 64)
    let found = Set(search.proposals(quadrants, seed: 1))
    for q in [Box(x1: 0, y1: 0, x2: 32, y2: 32), Box(x1: 32, y1: 0, x2: 64, y2: 32), Box(x1: 0, y1: 32, x2: 32, y2: 64), Box(x1: 32, y1: 32, x2: 64, y2: 64), Box(x1: 0, y1: 0, x2: 64, y2: 64)] {
      // Smoothing (sigma 0.8) blurs the seams, so a quadrant's region may gain or lose a pixel column.
      guard found.contains(where: { $0.intersectionOverUnion(with: q) >= 0.9 }) else {
        throw BenchmarkError("selective search has no proposal within IoU 0.9 of \(q) on the four-quadrant image")
      }
    }
    let first = search.proposals(photo, seed: 1)
    let whole = Box(x1: 0, y1: 0, x2: Double(photo.width), y2: Double(photo.height))
    guard first.contains(whole), first.count >= 200 else {
      throw BenchmarkError("selective search on \(url.lastPathComponent): \(first.count) proposals, whole image \(first.contains(whole)) (expected >= 200 and the whole image)")
    }

    // Time.
    var best = Double.infinity
    var again: [Box] = []
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      again = search.proposals(photo, seed: 1)
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    guard again == first else { throw BenchmarkError("selective search is not deterministic on \(url.lastPathComponent)") }
    log("selective search (fast) on \(photo.width)x\(photo.height): \(first.count) proposals, \(String(format: "%.3f", best)) s (1 thread)")
    var results = [
      BenchmarkResult(
        name: "selective search, fast, \(photo.width)x\(photo.height) photo, 1 thread", seconds: best, throughput: 1 / best, unit: "images/s",
        validation: "\(first.count) proposals; quadrants and whole image found (IoU >= 0.9)")
    ]
    if let peer = openCV(url, log: log) {
      results.append(
        BenchmarkResult(
          name: "  peer: OpenCV \(peer.version) ximgproc selective search fast, 1 thread", seconds: peer.seconds, throughput: 1 / peer.seconds,
          unit: "images/s", validation: "\(peer.count) proposals; ours / OpenCV time \(String(format: "%.2f", best / peer.seconds))"))
    }
    return results
  }

  /// Four flat quadrants of different colours.
  static func quadrantImage(side: Int) -> PlanarImage {
    let n = side * side
    let colours: [[Float]] = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.9], [0.9, 0.9, 0.2]]
    var v = [Float](repeating: 0, count: 3 * n)
    for y in 0..<side { for x in 0..<side {
      let q = (2 * y < side ? 0 : 2) + (2 * x < side ? 0 : 1)
      for c in 0..<3 { v[c * n + y * side + x] = colours[q][c] }
    } }
    return PlanarImage(width: side, height: side, channels: 3, values: v)
  }

  /// OpenCV's time (best of 3) on the same file, or nil when no Python with opencv-contrib answers.
  static func openCV(_ url: URL, log: (String) -> Void) -> (seconds: Double, count: Int, version: String)? {
    let python = ProcessInfo.processInfo.environment["CONVNOTES_PYTHON"] ?? "python3"
    let script = """
      import sys, time, cv2
      cv2.setNumThreads(1)
      im = cv2.imread(sys.argv[1])
      best, n = 1e9, 0
      for _ in range(3):
          ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
          ss.setBaseImage(im); ss.switchToSelectiveSearchFast()
          t = time.perf_counter(); n = len(ss.process()); best = min(best, time.perf_counter() - t)
      print(best, n, cv2.__version__)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", script, url.path]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    do { try process.run() } catch {
      log("peer: \(python) not found (set CONVNOTES_PYTHON to a Python with opencv-contrib-python-headless)")
      return nil
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let parts = String(decoding: data, as: UTF8.self).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    guard process.terminationStatus == 0, parts.count == 3, let seconds = Double(parts[0]), let count = Int(parts[1]) else {
      log("peer: \(python) has no cv2.ximgproc (pip install opencv-contrib-python-headless, or set CONVNOTES_PYTHON)")
      return nil
    }
    return (seconds, count, parts[2])
  }
}
