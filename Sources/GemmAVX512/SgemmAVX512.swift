// The packed product (Gemm/PackedGemm.swift) specialised for 16-float
// vectors. This module alone is compiled with `-target-cpu skylake-avx512`
// (Package.swift), so its code may use AVX-512; call it only when
// `GemmKernel.avx512.isSupported` (Tensor's BLAS door does).
import Gemm

public enum SgemmAVX512 {
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Float, a: MatrixOperand, b: MatrixOperand, beta: Float, c: MatrixResult,
    threads: Int, blocking: GemmBlocking
  ) {
    packedGemm(SIMD16<Float>.self, m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, threads: threads, blocking: blocking)
  }
}
