// How this process's matrix-product kernel was chosen (Tensor/GemmChoice.swift),
// for `convnotes bench --gemm`: the calibration's time per kernel, the
// choice, and where it is recorded.
import Foundation
import Gemm
import Tensor

enum GemmChoiceReport {
  static func text() -> String {
    let active = GemmChoice.active
    var out = "matrix-product kernel: \(active.kernel.rawValue) (\(active.source.rawValue)"
    if active.source != .forced, let url = GemmChoice.recordURL() { out += ", record \(url.path)" }
    out += ")\n"
    guard let record = active.record else { return out + "  (no calibration: CONVNOTES_GEMM chose it)\n" }
    out += "  calibration: conv1 + conv2 products of \(GemmCalibration.images) images as Conv2D issues them, \(GemmChoice.calibrationThreads) threads, measured \(record.measuredAt)\n"
    let fastest = record.seconds.values.min() ?? 1
    for (name, seconds) in record.seconds.sorted(by: { $0.value < $1.value }) {
      out += "    " + name.padding(toLength: 9, withPad: " ", startingAt: 0)
      out += String(format: "%8.3f ms   %.2fx the fastest", seconds * 1e3, seconds / fastest) + (name == record.kernel ? "   <- chosen\n" : "\n")
    }
    for name in record.rejected { out += "    \(name): rejected, its products disagreed with the reference\n" }
    out += "  rule: the fastest packed kernel unless OpenBLAS is more than \(Int(GemmChoice.margin * 100))% faster; CONVNOTES_GEMM overrides; delete the record to measure again\n"
    return out
  }
}
