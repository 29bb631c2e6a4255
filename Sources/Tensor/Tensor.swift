// A dense, row-major Float32 tensor. Shapes are outermost-first, as in the
// lecture notes: images are (N, C, H, W); fully-connected activations (N, D).

/// A dense, row-major array of `Float` with a shape.
public struct Tensor: Sendable, Equatable {
  public private(set) var shape: [Int]
  public var scalars: [Float]

  public init(shape: [Int], scalars: [Float]) {
    precondition(
      scalars.count == shape.reduce(1, *),
      "Tensor: \(scalars.count) scalars cannot fill shape \(shape)")
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor whose scalars the caller overwrites completely before reading
  /// them (skips zero-filling; for outputs of sgemm with beta = 0, im2col...).
  public init(uninitialized shape: [Int]) {
    let n = shape.reduce(1, *)
    self.shape = shape
    self.scalars = [Float](unsafeUninitializedCapacity: n) { buffer, count in
      count = n  // every element is written by the caller before it is read
    }
  }

  public init(zeros shape: [Int]) {
    self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  public var rank: Int { shape.count }
  public var count: Int { scalars.count }

  /// The same scalars viewed with another shape of the same size.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  /// `a · b` for `a: (M, K)` and `b: (K, N)`, by sgemm.
  public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(
      a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0],
      "matmul: cannot multiply \(a.shape) by \(b.shape)")
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var out = Tensor(zeros: [m, n])  // (M, N)
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        out.scalars.withUnsafeMutableBufferPointer { pc in
          guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else {
            return
          }
          BLAS.sgemm(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: pa, lda: k,
            b: pb, ldb: n, beta: 0, c: pc, ldc: n)
        }
      }
    }
    return out
  }
}

extension Tensor {
  /// Calls `body` with a pointer to the scalars (valid even for an empty tensor).
  @inlinable
  public func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
    try scalars.withUnsafeBufferPointer { p in
      if let base = p.baseAddress { return try body(base) }
      var dummy: Float = 0
      return try withUnsafePointer(to: &dummy) { try body($0) }
    }
  }

  /// Calls `body` with a mutable pointer to the scalars (valid even for an empty tensor).
  @inlinable
  public mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try scalars.withUnsafeMutableBufferPointer { p in
      if let base = p.baseAddress { return try body(base) }
      var dummy: Float = 0
      return try withUnsafeMutablePointer(to: &dummy) { try body($0) }
    }
  }
}
