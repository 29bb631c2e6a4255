// The HOG benchmark of `convnotes bench --hog`: the descriptor (9 bins, 8 px
// cells, 2 x 2 blocks, L2-Hys) of a 512 x 512 grey image made by the formula
// of scripts/crosscheck_hog.py (`bench_image`), with skimage's nearest
// voting and with Dalal-Triggs bilinear voting, 1 thread.
// Validation before timing: the nearest descriptor must equal a plain
// reference written here (atan2 and a floor for the bin, one loop per cell,
// per-block L2-Hys) to 1e-4; when python3 can import skimage it must equal
// skimage's too, and skimage's and OpenCV's (4.x HOGDescriptor, uint8 input,
// winSize 512 x 512) times are printed beside ours, measured in the same run.
import Detection
import Foundation
import Tensor

public enum HOGBenchmark {
  static let side = 512

  static func image() -> [Float] {
    var out = [Float](repeating: 0, count: side * side)
    for y in 0..<side { for x in 0..<side {
      let (xd, yd) = (Double(x), Double(y))
      out[y * side + x] = Float(0.5 + 0.25 * sin(0.11 * xd + 0.07 * yd) + 0.25 * sin(0.013 * xd * yd / 8 + 0.3 * cos(0.05 * yd)))
    } }
    return out
  }

  /// skimage's algorithm written the plain way (no shared code with Detection.HOG).
  static func reference(_ img: [Float], _ n: Int) -> [Float] {
    let cells = n / 8
    var hist = [Double](repeating: 0, count: cells * cells * 9)
    for y in 0..<(cells * 8) {
      for x in 0..<(cells * 8) {
        let gx = (x == 0 || x == n - 1) ? 0 : Double(img[y * n + x + 1]) - Double(img[y * n + x - 1])
        let gy = (y == 0 || y == n - 1) ? 0 : Double(img[(y + 1) * n + x]) - Double(img[(y - 1) * n + x])
        var angle = atan2(gy, gx) * 180 / Double.pi
        angle = angle.truncatingRemainder(dividingBy: 180)
        if angle < 0 { angle += 180 }
        let bin = min(Int(angle / 20), 8)
        hist[((y / 8) * cells + x / 8) * 9 + bin] += (gx * gx + gy * gy).squareRoot() / 64
      }
    }
    var out: [Float] = []
    for r in 0..<(cells - 1) {
      for c in 0..<(cells - 1) {
        var v: [Double] = []
        for i in 0..<2 {
          for j in 0..<2 {
            let start: Int = (((r + i) * cells) + c + j) * 9
            v += hist[start..<(start + 9)]
          }
        }
        var norm = (v.reduce(0) { $0 + $1 * $1 } + 1e-10).squareRoot()
        v = v.map { min($0 / norm, 0.2) }
        norm = (v.reduce(0) { $0 + $1 * $1 } + 1e-10).squareRoot()
        out += v.map { Float($0 / norm) }
      }
    }
    return out
  }

  public static func run(repeats: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
    let img = image()
    let ours = HOG.descriptor(img, channels: 1, height: side, width: side)
    let ref = reference(img, side)
    let worst = zip(ours, ref).map { abs($0 - $1) }.max() ?? .infinity
    guard ours.count == ref.count, worst < 1e-4 else {
      throw BenchmarkError("HOG 512 x 512: max |ours - reference| = \(worst) over \(ref.count) values (expected < 1e-4)")
    }
    let peer = peerTimes(ours, log: log)
    var results: [BenchmarkResult] = []
    try Parallel.$threadOverride.withValue(1) {
      for voting in HOGParameters.Voting.allCases {
        let p = HOGParameters(voting: voting)
        let seconds = try BenchmarkSuite.best(repeats) { _ = HOG.descriptor(img, channels: 1, height: side, width: side, parameters: p) }
        var validation = voting == .nearest ? String(format: "= plain reference (max diff %.1e)", worst) : "bilinear (Dalal-Triggs), not skimage's rule"
        if voting == .nearest, let peer { validation += peer.summary }
        log(String(format: "HOG 512 x 512 grey, %@ voting: %.2f ms", voting.rawValue, seconds * 1000) + (voting == .nearest ? (peer?.summary ?? "; python peers not importable") : ""))
        results.append(BenchmarkResult(name: "HOG 512 x 512 grey, \(voting.rawValue) voting, 1 thread", seconds: seconds, throughput: Double(side * side) / seconds / 1e6, unit: "Mpixel/s", validation: validation))
      }
    }
    return results
  }

  struct PeerTimes { var summary: String }

  /// skimage's and OpenCV's times on the same image, and skimage's agreement with `ours`, when python3 has them.
  static func peerTimes(_ ours: [Float], log: (String) -> Void) -> PeerTimes? {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convnotes-hog-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("ours.f32")
    guard (try? ours.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: file)) != nil else { return nil }
    let script = """
      import sys, time, numpy as np
      from skimage.feature import hog
      n = 512
      y, x = np.mgrid[0:n, 0:n].astype(np.float64)
      img = 0.5 + 0.25 * np.sin(0.11 * x + 0.07 * y) + 0.25 * np.sin(0.013 * x * y / 8 + 0.3 * np.cos(0.05 * y))
      f = lambda: hog(img, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys")
      ref = f()
      ours = np.fromfile(sys.argv[1], dtype=np.float32)
      def best(g):
          t = []
          for _ in range(5):
              s = time.perf_counter(); g(); t.append(time.perf_counter() - s)
          return min(t) * 1000
      out = "diff=%.2e skimage=%.2f" % (np.abs(ours - ref).max() if ours.size == ref.size else float("inf"), best(f))
      try:
          import cv2
          d = cv2.HOGDescriptor((n, n), (16, 16), (8, 8), (8, 8), 9)
          u8 = (img * 255).clip(0, 255).astype(np.uint8)
          out += " opencv=%.2f" % best(lambda: d.compute(u8))
      except Exception:
          pass
      print(out)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let line = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), line.hasPrefix("diff=") else { return nil }
    var fields: [String: String] = [:]
    for part in line.split(separator: " ") { let kv = part.split(separator: "="); if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) } }
    var summary = "; skimage \(fields["skimage"] ?? "?") ms (max diff \(fields["diff"] ?? "?"))"
    if let cv = fields["opencv"] { summary += ", OpenCV HOGDescriptor \(cv) ms" } else { summary += ", OpenCV HOGDescriptor not importable" }
    log("HOG peers (python3, same image, this run)\(summary)")
    return PeerTimes(summary: summary)
  }
}
