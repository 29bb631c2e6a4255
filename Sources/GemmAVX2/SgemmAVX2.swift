// The packed product (Gemm/PackedGemm.swift) specialised for 8-float
// vectors. This module alone is compiled with `-target-cpu haswell`
// (Package.swift: AVX2 + FMA), so call it only when
// `GemmKernel.avx2.isSupported` (Tensor's BLAS door does).
import Gemm

public enum SgemmAVX2 {
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Float, a: MatrixOperand, b: MatrixOperand, beta: Float, c: MatrixResult,
    threads: Int, blocking: GemmBlocking
  ) {
    packedGemm(SIMD8<Float>.self, m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, threads: threads, blocking: blocking)
  }
}
