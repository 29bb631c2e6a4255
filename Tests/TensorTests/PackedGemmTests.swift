import Gemm
import Testing

@testable import Tensor

/// The packed kernels (and OpenBLAS) against a Double-precision triple loop.
struct PackedGemmTests {
  static let kernels = GemmKernel.allCases.filter { $0.isSupported(flags: CPUFlags.current) }

  /// C = alpha op(A) op(B) + beta C in Double, row-major, from the same Float inputs.
  static func reference(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
    b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
  ) -> [Double] {
    var out = c.map(Double.init)
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for p in 0..<k {
          let x = transposeA ? a[p * lda + i] : a[i * lda + p]
          let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
          sum += Double(x) * Double(y)
        }
        out[i * ldc + j] = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j]))
      }
    }
    return out
  }

  static func random(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in Float(rng.nextUniform() * 2 - 1) }
  }

  /// Shapes that exercise full tiles, edges on both sides, several KC/MC/NC
  /// blocks, the transposed-problem path (n < NR) and the threaded split.
  static let shapes: [(m: Int, n: Int, k: Int)] = [
    (1, 1, 1), (6, 32, 8), (7, 33, 5), (5, 3, 300), (64, 9, 700), (13, 100, 257), (97, 1030, 40), (300, 70, 600),
  ]

  @Test(arguments: kernels)
  func matchesTheDoubleTripleLoop(kernel: GemmKernel) {
    var rng = SplitMix64(seed: 11)
    for (m, n, k) in Self.shapes {
      for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
        for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
          let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2
          let a = Self.random((ta ? k : m) * lda, &rng)
          let b = Self.random((tb ? n : k) * ldb, &rng)
          var c = Self.random(m * ldc, &rng)
          if beta == 0 { for i in c.indices where i % 3 == 0 { c[i] = .nan } }  // must not be read
          let expected = Self.reference(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
            c: c, ldc: ldc)
          var got = c
          got.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(
              kernel: kernel, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
              ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc)
          }
          var worst = 0.0
          for i in 0..<m {
            for j in 0..<n {
              worst = max(worst, abs(Double(got[i * ldc + j]) - expected[i * ldc + j]))
            }
            // Padding columns between n and ldc are untouched.
            for j in n..<ldc { #expect(got[i * ldc + j].bitPattern == c[i * ldc + j].bitPattern) }
          }
          // |error| <= k * eps * sum|a||b| ~ k * 6e-8 for entries in [-1, 1].
          #expect(worst <= Double(k) * 1.2e-7 * Double(max(1, abs(alpha))) + 1e-6, "\(kernel) \(m)x\(n)x\(k) tA \(ta) tB \(tb)")
        }
      }
    }
  }

  /// The packed kernels' arithmetic, written out: each element is the fused
  /// multiply-add chain over k in order, from zero, then alpha * acc + beta * C
  /// (one KC block, k <= 256; not the dot-product path, which sums along k in
  /// vectors). Whatever the tile shape (8 or 6 rows, a tile cut by an edge, the
  /// transposed problem, a thread split), every element must come out bit for bit.
  @Test(arguments: kernels.filter { $0 != .openblas })
  func equalsTheScalarFusedMultiplyAddChainBitForBit(kernel: GemmKernel) {
    var rng = SplitMix64(seed: 8)
    let shapes: [(m: Int, n: Int, k: Int)] = [(32, 784, 9), (64, 196, 40), (13, 100, 57), (7, 33, 5), (97, 70, 40), (288, 50, 64), (5, 300, 3), (300, 20, 17)]
    for (m, n, k) in shapes {
      for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
        for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
          let lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1
          let a = Self.random((ta ? k : m) * lda, &rng), b = Self.random((tb ? n : k) * ldb, &rng), c = Self.random(m * ldc, &rng)
          var expected = c
          for i in 0..<m {
            for j in 0..<n {
              var acc: Float = 0
              for p in 0..<k { acc = acc.addingProduct(ta ? a[p * lda + i] : a[i * lda + p], tb ? b[j * ldb + p] : b[p * ldb + j]) }
              expected[i * ldc + j] = beta == 0 ? alpha * acc : alpha * acc + beta * c[i * ldc + j]
            }
          }
          for threads in [1, 2] {
            var got = c
            got.withUnsafeMutableBufferPointer { pc in
              BLAS.sgemm(
                kernel: kernel, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc, threads: threads)
            }
            let mismatches = got.indices.filter { got[$0].bitPattern != expected[$0].bitPattern }.count
            #expect(mismatches == 0, "\(kernel) \(m)x\(n)x\(k) tA \(ta) tB \(tb) alpha \(alpha) beta \(beta), \(threads) threads: \(mismatches) elements differ")
          }
        }
      }
    }
  }

  /// One product computed on 1 and on 2 threads: the same bits.
  static func expectSameBitsOnOneAndTwoThreads(
    kernel: GemmKernel, m: Int, n: Int, k: Int, transposeB: Bool, beta: Float, seed: UInt64
  ) {
    var rng = SplitMix64(seed: seed)
    let a = Self.random(m * k, &rng), b = Self.random(k * n, &rng)
    func product(_ threads: Int) -> [Float] {
      var c = [Float](repeating: 0.5, count: m * n)
      c.withUnsafeMutableBufferPointer { pc in
        Parallel.$threadOverride.withValue(threads) {
          BLAS.sgemm(
            kernel: kernel, transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b,
            ldb: transposeB ? k : n, beta: beta, c: pc.baseAddress!, ldc: n)
        }
      }
      return c
    }
    #expect(product(1).map(\.bitPattern) == product(2).map(\.bitPattern))
  }

  @Test(arguments: kernels.filter { $0 != .openblas })
  func sameBitsOnOneAndTwoThreads(kernel: GemmKernel) {
    Self.expectSameBitsOnOneAndTwoThreads(kernel: kernel, m: 70, n: 900, k: 300, transposeB: false, beta: 0, seed: 5)
  }

  /// The dot-product path (a narrow C, both operands along k: a first conv
  /// layer's dW) splits rows of C between threads without changing a bit.
  @Test(arguments: kernels.filter { $0 != .openblas })
  func dotProductPathSameBitsOnOneAndTwoThreads(kernel: GemmKernel) {
    Self.expectSameBitsOnOneAndTwoThreads(kernel: kernel, m: 64, n: 9, k: 787, transposeB: true, beta: 1, seed: 6)
  }

  @Test func emptyProductsScaleC() {
    for kernel in Self.kernels {
      var c: [Float] = [1, 2, 3, 4]
      let a: [Float] = [0], b: [Float] = [0]
      c.withUnsafeMutableBufferPointer { pc in
        BLAS.sgemm(
          kernel: kernel, transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2,
          beta: 0.5, c: pc.baseAddress!, ldc: 2)
      }
      #expect(c == [0.5, 1, 1.5, 2], "\(kernel)")
    }
  }

  @Test func cpuFlagsParseTheFirstFlagsLine() {
    let text = "processor\t: 0\nflags\t\t: fpu avx2 fma\nprocessor\t: 1\nflags\t\t: fpu\n"
    #expect(CPUFlags.parse(cpuinfo: text) == ["fpu", "avx2", "fma"])
    #expect(GemmKernel.best(for: ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "popcnt"]) == .avx2)
    #expect(GemmKernel.best(for: ["sse2"]) == .openblas)
  }
}
