// The workload that decides which matrix-product kernel a machine uses
// (GemmChoice.swift): the products of the reference ConvNet's conv layers
// for a batch of images, issued the way Conv2D issues them with each
// kernel, on the machine's thread count:
//   - a packed kernel (avx512, avx2): the images are split between the
//     threads and every product runs on one thread (ImageParallel);
//   - OpenBLAS: the images run in order and every product uses OpenBLAS's
//     own threads.
// Per image, as im2col + GEMM (P = OH*OW, CKK = C*K*K):
//   forward  y (F x P) = W (F x CKK) · col (CKK x P)
//   dW       dW (F x CKK) += dy (F x P) · colᵀ
//   dX       dcol (CKK x P) = Wᵀ · dy
// for conv1 (F 32, CKK 9, P 784) and conv2 (F 64, CKK 288, P 196). These
// are the products that dominate every chapter's training time; a kernel
// that wins on 512³ but loses here (OpenBLAS on 2 threads, whose threads
// meet inside small per-image products) must not be chosen.
// Every kernel is validated against a Double reference before it is timed.
import Dispatch
import WorkerTeam
import Gemm

public enum GemmCalibration {
  /// One product of the workload, per image.
  struct Product {
    var m, n, k: Int
    var transposeA, transposeB: Bool
    var beta: Float
  }

  static let products: [Product] = [
    Product(m: 32, n: 784, k: 9, transposeA: false, transposeB: false, beta: 1),  // conv1 forward
    Product(m: 32, n: 9, k: 784, transposeA: false, transposeB: true, beta: 1),  // conv1 dW
    Product(m: 64, n: 196, k: 288, transposeA: false, transposeB: false, beta: 1),  // conv2 forward
    Product(m: 64, n: 288, k: 196, transposeA: false, transposeB: true, beta: 1),  // conv2 dW
    Product(m: 288, n: 196, k: 64, transposeA: true, transposeB: false, beta: 0),  // conv2 dX
  ]

  /// Images per timed batch: enough for every thread to get several.
  public static let images = 16

  /// Operands of one product (fixed values, the same for every kernel).
  struct Operands: @unchecked Sendable {
    var a: [Float], b: [Float], c: [Float]
    init(_ p: Product, seed: UInt64) {
      var rng = SplitMix64(seed: seed)
      a = (0..<(p.m * p.k)).map { _ in Float(rng.uniform(-1, 1)) }
      b = (0..<(p.k * p.n)).map { _ in Float(rng.uniform(-1, 1)) }
      c = (0..<(p.m * p.n)).map { _ in Float(rng.uniform(-1, 1)) }
    }
  }

  /// The product through `kernel` into `c` (row-major, leading dimensions from the shape).
  static func run(_ p: Product, _ o: Operands, kernel: GemmKernel, threads: Int, into c: UnsafeMutablePointer<Float>) {
    o.a.withUnsafeBufferPointer { a in
      o.b.withUnsafeBufferPointer { b in
        BLAS.sgemm(
          kernel: kernel, transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k, alpha: 1,
          a: a.baseAddress!, lda: p.transposeA ? p.m : p.k, b: b.baseAddress!, ldb: p.transposeB ? p.k : p.n,
          beta: p.beta, c: c, ldc: p.n, threads: threads)
      }
    }
  }

  /// Each product's expected C, from Double dot products.
  static func reference(operands: [Operands]) -> [[Double]] {
    zip(products, operands).map { p, o in
      var expected = [Double](repeating: 0, count: p.m * p.n)
      for i in 0..<p.m {
        for j in 0..<p.n {
          var sum = 0.0
          for t in 0..<p.k {
            let a = p.transposeA ? o.a[t * p.m + i] : o.a[i * p.k + t]
            let b = p.transposeB ? o.b[j * p.k + t] : o.b[t * p.n + j]
            sum += Double(a) * Double(b)
          }
          expected[i * p.n + j] = sum + Double(p.beta) * Double(o.c[i * p.n + j])
        }
      }
      return expected
    }
  }

  /// The largest difference between `kernel`'s products and the reference,
  /// relative to sqrt(k) (float32 rounding grows like it).
  static func validationError(kernel: GemmKernel, operands: [Operands], reference: [[Double]]) -> Double {
    var worst = 0.0
    for (index, (p, o)) in zip(products, operands).enumerated() {
      var c = o.c
      c.withUnsafeMutableBufferPointer { run(p, o, kernel: kernel, threads: 1, into: $0.baseAddress!) }
      for (got, expected) in zip(c, reference[index]) {
        worst = max(worst, abs(Double(got) - expected) / Double(p.k).squareRoot())
      }
    }
    return worst
  }

  /// Seconds for one batch of the workload through `kernel` on `threads`
  /// threads, the best of `rounds`.
  static func seconds(kernel: GemmKernel, threads: Int, operands: [Operands], rounds: Int) -> Double {
    let workers = max(1, threads)
    // One output buffer per worker (products accumulate into C, as dW does).
    let outputs = (0..<workers).map { _ in operands.map(\.c) }
    let buffers = outputs.map { $0.map { c -> SendablePointer<Float> in
      let p = UnsafeMutablePointer<Float>.allocate(capacity: c.count)
      p.initialize(from: c, count: c.count)
      return SendablePointer(p)
    } }
    defer { for worker in buffers { for b in worker { b.base.deallocate() } } }
    let splitsImages = kernel != .openblas && workers > 1
    func batch() {
      if splitsImages {
        WorkerTeam.perform(parts: workers) { w in
          for _ in (images * w / workers)..<(images * (w + 1) / workers) {
            for (i, p) in products.enumerated() { run(p, operands[i], kernel: kernel, threads: 1, into: buffers[w][i].base) }
          }
        }
      } else {
        for _ in 0..<images {
          for (i, p) in products.enumerated() { run(p, operands[i], kernel: kernel, threads: workers, into: buffers[0][i].base) }
        }
      }
    }
    batch()  // warm up: caches, OpenBLAS's thread pool
    var best = Double.infinity
    for _ in 0..<rounds {
      let start = DispatchTime.now().uptimeNanoseconds
      batch()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
  }

  /// Validates then times every kernel in `kernels` on `threads` threads.
  /// A kernel whose products disagree with the reference is left out (and
  /// named in `rejected`), never chosen.
  public static func measure(kernels: [GemmKernel], threads: Int, rounds: Int = 9) -> (seconds: [GemmKernel: Double], rejected: [GemmKernel]) {
    let operands = products.enumerated().map { Operands($1, seed: 17 + UInt64($0)) }
    let before = BLAS.threads
    BLAS.setThreads(max(1, threads))  // OpenBLAS's count is process-wide
    defer { BLAS.setThreads(before) }
    var seconds: [GemmKernel: Double] = [:]
    var rejected: [GemmKernel] = []
    let expected = reference(operands: operands)
    for kernel in kernels {
      guard validationError(kernel: kernel, operands: operands, reference: expected) < 1e-5 else {
        rejected.append(kernel)
        continue
      }
      seconds[kernel] = Self.seconds(kernel: kernel, threads: threads, operands: operands, rounds: rounds)
    }
    return (seconds, rejected)
  }
}
