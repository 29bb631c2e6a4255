// The matrix products one training step of the reference ConvNet makes,
// per image, on one thread: every packed kernel the CPU supports (AVX-512
// and AVX2 on an AVX-512 machine) beside OpenBLAS on the same operands (validated against each other first), so that the product
// kernel's efficiency is read on the shapes that matter rather than on
// 512³ alone. Shapes (m x n x k, op(A), op(B)), conv layers as im2col + GEMM:
//   forward   y_n (F x P)  = W (F x CKK) · col_n (CKK x P)
//   dW        dW (F x CKK) += dy_n (F x P) · col_nᵀ
//   dX        dcol (CKK x P) = Wᵀ · dy_n (F x P)
// with P = OH·OW, CKK = C·K·K; fc1 at batch 64 the same three ways.
import Foundation
import Gemm
import Tensor

enum ConvGemmShapes {
  struct Shape {
    var name: String
    var m, n, k: Int
    var transposeA, transposeB: Bool
    var beta: Float
  }

  static let shapes: [Shape] = [
    Shape(name: "conv1 forward", m: 32, n: 784, k: 9, transposeA: false, transposeB: false, beta: 1),
    Shape(name: "conv1 dW", m: 32, n: 9, k: 784, transposeA: false, transposeB: true, beta: 1),
    Shape(name: "conv2 forward", m: 64, n: 196, k: 288, transposeA: false, transposeB: false, beta: 1),
    Shape(name: "conv2 dW", m: 64, n: 288, k: 196, transposeA: false, transposeB: true, beta: 1),
    Shape(name: "conv2 dX", m: 288, n: 196, k: 64, transposeA: true, transposeB: false, beta: 0),
    Shape(name: "fc1 forward", m: 64, n: 128, k: 3136, transposeA: false, transposeB: true, beta: 1),
    Shape(name: "fc1 dW", m: 128, n: 3136, k: 64, transposeA: true, transposeB: false, beta: 1),
    Shape(name: "fc1 dX", m: 64, n: 3136, k: 128, transposeA: false, transposeB: false, beta: 0),
  ]

  /// One line per shape: GFLOP/s of every packed kernel this CPU supports
  /// and of OpenBLAS, one thread, each packed kernel's ratio to OpenBLAS,
  /// and the shape's share of `peak` (the bench's best sgemm 512³ rate on one thread).
  static func run(repeats: Int, peak: Double?, log: (String) -> Void) throws -> String {
    let threadsBefore = BLAS.threads
    BLAS.setThreads(1)  // OpenBLAS's count is process-wide
    defer { BLAS.setThreads(threadsBefore) }
    // Every packed kernel beside OpenBLAS, whichever of them this machine chose.
    let packed = GemmKernel.allCases.filter { $0 != .openblas && $0.isSupported(flags: CPUFlags.current) }
    var out = "products of one training step, one thread (GFLOP/s, best of \(max(5, repeats * 5)) x 50 calls"
    if let peak { out += String(format: "; of peak = share of the one-thread sgemm 512³ peak, %.1f GFLOP/s", peak) }
    out += "):\n  product          m x n x k        "
    for kernel in packed { out += " " + "\(kernel.rawValue)".leftPadded(8) + "  vs BLAS" }
    let blasHeader = "OpenBLAS \(BLAS.coreName)"
    out += "  " + blasHeader + (peak == nil ? "\n" : "  of peak\n")
    for s in shapes {
      var rng = SplitMix64(seed: 9)
      let rowsA = s.transposeA ? s.k : s.m, colsA = s.transposeA ? s.m : s.k
      let rowsB = s.transposeB ? s.n : s.k, colsB = s.transposeB ? s.k : s.n
      let a = (0..<(rowsA * colsA)).map { _ in Float(rng.uniform(-1, 1)) }
      let b = (0..<(rowsB * colsB)).map { _ in Float(rng.uniform(-1, 1)) }
      let c0 = (0..<(s.m * s.n)).map { _ in Float(rng.uniform(-1, 1)) }
      func product(_ kernel: GemmKernel, _ c: inout [Float]) {
        c.withUnsafeMutableBufferPointer { pc in
          BLAS.sgemm(
            kernel: kernel, transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: 1, a: a, lda: colsA,
            b: b, ldb: colsB, beta: s.beta, c: pc.baseAddress!, ldc: s.n, threads: 1)
        }
      }
      var theirs = c0
      product(.openblas, &theirs)
      for kernel in packed {
        var ours = c0
        product(kernel, &ours)
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        guard worst < 1e-3 * Float(s.k).squareRoot() else {
          throw BenchmarkError("\(s.name): \(kernel.rawValue) and OpenBLAS products differ by \(worst)")
        }
      }
      func rate(_ kernel: GemmKernel) -> Double {
        var c = c0
        let seconds = BenchmarkSuite.best(max(5, repeats * 5)) { for _ in 0..<50 { product(kernel, &c) } } / 50
        return 2 * Double(s.m * s.n * s.k) / seconds / 1e9
      }
      let blas = rate(.openblas)
      let rates = packed.map(rate)
      out += "  " + s.name.padding(toLength: 15, withPad: " ", startingAt: 0)
      out += "  " + "\(s.m) x \(s.n) x \(s.k)".padding(toLength: 15, withPad: " ", startingAt: 0)
      for r in rates { out += String(format: "  %7.1f  %6.2fx", r, r / blas) }
      out += "  " + String(format: "%.1f", blas).leftPadded(blasHeader.count)
      if let peak { out += "  " + String(format: "%.0f%%", 100 * (rates + [blas]).max()! / peak).leftPadded(7) }
      out += "\n"
    }
    return out
  }
}

extension String {
  func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
