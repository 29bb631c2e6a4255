// The one place ConvNotes talks to BLAS: matrix products go to the kernel
// measured fastest on this machine (GemmChoice.active: the packed AVX-512
// or AVX2 kernel of the Gemm modules, or OpenBLAS through cblas). The packed kernels
// give the same bits on any thread count; OpenBLAS may not.
//
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are set by the environment on some
// processors and read when libopenblas loads; this file only reads them, for
// provenance. The thread count changes floating-point summation order, so
// it is part of every run's provenance.
import CBLAS
import Gemm
import GemmAVX2
import GemmAVX512

#if canImport(Glibc)
  import Glibc
#endif

/// Process-wide memory settings for tensor work.
public enum Memory {
  /// Keeps freed large buffers (im2col matrices of tens of megabytes) in the
  /// heap instead of returning them to the kernel: without this, glibc
  /// mmaps and unmaps them on every batch and the kernel zero-fills fresh
  /// pages each time (a third of training time went to page faults).
  public static func keepLargeAllocations() {
    #if canImport(Glibc)
      // 32 MiB is the largest threshold glibc accepts on 64-bit (larger values are refused).
      _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
      _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
    #endif
  }
}

public enum BLAS {
  /// Sets the number of threads OpenBLAS uses from now on.
  public static func setThreads(_ count: Int) {
    precondition(count >= 1, "BLAS.setThreads: thread count \(count) must be at least 1")
    openblas_set_num_threads(Int32(count))
  }

  /// The number of threads OpenBLAS uses now.
  public static var threads: Int { Int(openblas_get_num_threads()) }

  /// The kernel OpenBLAS picked (e.g. "Haswell"), as it names it.
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// OpenBLAS's build configuration string.
  public static var configuration: String {
    guard let config = openblas_get_config() else { return "unknown" }
    return String(cString: config).trimmingCharacters(in: " ")
  }

  /// OPENBLAS_CORETYPE as the environment set it, or "" when unset.
  public static var coreTypeEnvironment: String {
    guard let value = getenv("OPENBLAS_CORETYPE") else { return "" }
    return String(cString: value)
  }

  /// The matrix-product kernel this process uses ("avx512", "avx2" or "openblas").
  public static var gemmKernel: String { GemmChoice.active.kernel.rawValue }

  /// `c = alpha * op(a) * op(b) + beta * c`, row-major, on raw buffers.
  /// `a` is (M, K) after `op`, `b` is (K, N) after `op`, `c` is (M, N).
  /// Threads: `threads` if given, else the run's count (`Parallel.threadOverride`,
  /// else `BLAS.threads`); OpenBLAS always keeps its process-wide count.
  public static func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int? = nil
  ) {
    sgemm(
      kernel: GemmChoice.active.kernel, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
      a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: threads)
  }

  /// The same product through a chosen kernel (tests and benchmarks compare them).
  public static func sgemm(
    kernel: GemmKernel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int? = nil
  ) {
    let opA = MatrixOperand(rowMajor: a, leadingDimension: lda, transposed: transposeA)
    let opB = MatrixOperand(rowMajor: b, leadingDimension: ldb, transposed: transposeB)
    let result = MatrixResult(c, rowStride: ldc, columnStride: 1)
    let threads = threads ?? Parallel.threadOverride ?? Self.threads
    switch kernel {
    case .avx512:
      SgemmAVX512.gemm(m: m, n: n, k: k, alpha: alpha, a: opA, b: opB, beta: beta, c: result, threads: threads, blocking: kernel.blocking)
    case .avx2:
      SgemmAVX2.gemm(m: m, n: n, k: k, alpha: alpha, a: opA, b: opB, beta: beta, c: result, threads: threads, blocking: kernel.blocking)
    case .openblas:
      if m == 0 || n == 0 { return }
      cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}
