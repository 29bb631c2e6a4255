// Single-precision matrix product C = alpha * op(A) * op(B) + beta * C,
// the BLIS way: Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication" (ACM TOMS 2008); Van Zee & van de Geijn, "BLIS: A Framework
// for Rapidly Instantiating BLAS Functionality" (ACM TOMS 2015).
//
// Conventions:
//   - Every matrix is a strided view: element (i, j) lives at
//     base[i * rowStride + j * columnStride], so row-major, transposed and
//     column-major operands are the same code (only packing reads strides).
//   - Loops, outermost first: jc over NC columns of C, pc over KC steps of
//     the shared dimension (B's KC x NC block packed into NR-wide strips),
//     ic over MC rows (A's MC x KC block packed into MR-tall strips), then
//     the micro-kernel on one MR x NR tile. When all of C's rows fit one MC
//     block, a row-major B (column stride 1) is not packed: the kernel reads
//     its whole strips in place, k rows apart, and only a strip cut by the
//     right edge is copied.
//   - The micro-kernel keeps the tile in 2 * MR SIMD registers of width W
//     (NR = 2W) and adds one rank-1 update per k, in k order. An element of C
//     therefore sums its products in the same order whatever the tile it
//     falls in, so splitting C between threads never changes a bit.
//   - beta == 0 never reads C (it may hold garbage or NaN).
//
// The code is generic over the SIMD width and @inlinable: the modules
// GemmAVX512 and GemmAVX2 specialise it with target-specific code generation,
// and `GemmKernel` (KernelSelection.swift) picks one at run time.
import Dispatch
import WorkerTeam

/// A read-only strided matrix view: element (i, j) at `base[i * rowStride + j * columnStride]`.
public struct MatrixOperand: @unchecked Sendable {
  public var base: UnsafePointer<Float>
  public var rowStride: Int
  public var columnStride: Int

  @inlinable
  public init(_ base: UnsafePointer<Float>, rowStride: Int, columnStride: Int) {
    (self.base, self.rowStride, self.columnStride) = (base, rowStride, columnStride)
  }

  /// op(X) of a row-major matrix with leading dimension `ld`.
  @inlinable
  public init(rowMajor base: UnsafePointer<Float>, leadingDimension ld: Int, transposed: Bool) {
    self.init(base, rowStride: transposed ? 1 : ld, columnStride: transposed ? ld : 1)
  }

  /// The same elements seen transposed.
  @inlinable
  public var transposed: MatrixOperand { MatrixOperand(base, rowStride: columnStride, columnStride: rowStride) }
}

/// A writable strided matrix view.
public struct MatrixResult: @unchecked Sendable {
  public var base: UnsafeMutablePointer<Float>
  public var rowStride: Int
  public var columnStride: Int

  @inlinable
  public init(_ base: UnsafeMutablePointer<Float>, rowStride: Int, columnStride: Int) {
    (self.base, self.rowStride, self.columnStride) = (base, rowStride, columnStride)
  }

  @inlinable
  public var transposed: MatrixResult { MatrixResult(base, rowStride: columnStride, columnStride: rowStride) }
}

/// Cache blocking of the packed product (rows of A per block, shared
/// dimension per block, columns of B per block).
public struct GemmBlocking: Sendable {
  public var mc: Int
  public var kc: Int
  public var nc: Int
  @inlinable
  public init(mc: Int, kc: Int, nc: Int) { (self.mc, self.kc, self.nc) = (mc, kc, nc) }
}

/// C (m x n) = alpha * A (m x k) * B (k x n) + beta * C, split over `threads`.
@inlinable
public func packedGemm<V: SIMD & SendableMetatype>(
  _ vector: V.Type, m: Int, n: Int, k: Int, alpha: Float, a: MatrixOperand, b: MatrixOperand,
  beta: Float, c: MatrixResult, threads: Int, blocking: GemmBlocking
) where V.Scalar == Float {
  if m <= 0 || n <= 0 { return }
  if k <= 0 || alpha == 0 {
    scaleResult(m: m, n: n, beta: beta, c: c)
    return
  }
  // A narrow C whose operands both run along k: dot products, no packing.
  if prefersDotProducts(m: m, n: n, k: k, a: a, b: b) {
    dotProductGemm(vector, m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, threads: threads)
    return
  }
  // A product with few columns and many rows wastes most of each NR-wide
  // strip; its transpose (Cᵀ = Bᵀ Aᵀ) fills the strips instead.
  let nr = 2 &* V.scalarCount
  if n < nr && m > n {
    packedGemm(
      vector, m: n, n: m, k: k, alpha: alpha, a: b.transposed, b: a.transposed, beta: beta,
      c: c.transposed, threads: threads, blocking: blocking)
    return
  }
  let work = m &* n &* k
  let parts = work < (1 << 18) ? 1 : max(1, threads)
  if parts == 1 {
    serialPackedGemm(vector, rows: 0..<m, columns: 0..<n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, blocking: blocking)
    return
  }
  // Split the larger side in whole tiles; each part packs its own operands.
  let splitColumns = n >= m
  let tile = splitColumns ? nr : gemmTileRows(V.self)
  let extent = splitColumns ? n : m
  let tiles = (extent &+ tile &- 1) / tile
  let count = min(parts, tiles)
  WorkerTeam.perform(parts: count) { part in
    let lo = min(extent, tiles &* part / count &* tile)
    let hi = min(extent, tiles &* (part &+ 1) / count &* tile)
    if lo >= hi { return }
    serialPackedGemm(
      V.self, rows: splitColumns ? 0..<m : lo..<hi, columns: splitColumns ? lo..<hi : 0..<n, k: k,
      alpha: alpha, a: a, b: b, beta: beta, c: c, blocking: blocking)
  }
}

/// C = beta * C (the product is empty or scaled by zero).
@inlinable
func scaleResult(m: Int, n: Int, beta: Float, c: MatrixResult) {
  for i in 0..<m {
    for j in 0..<n {
      let p = c.base + (i &* c.rowStride &+ j &* c.columnStride)
      p.pointee = beta == 0 ? 0 : beta * p.pointee
    }
  }
}

/// The product restricted to C[rows, columns], on the calling thread.
@inlinable
func serialPackedGemm<V: SIMD>(
  _ vector: V.Type, rows: Range<Int>, columns: Range<Int>, k: Int, alpha: Float, a: MatrixOperand,
  b: MatrixOperand, beta: Float, c: MatrixResult, blocking: GemmBlocking
) where V.Scalar == Float {
  let mr = gemmTileRows(V.self)  // 8 with AVX-512 (MicroKernel8.swift), 6 with AVX2
  let nr = 2 &* V.scalarCount
  // Equal shared-dimension blocks (288 = 144 + 144, not 256 + 32).
  let kBlocks = (k &+ blocking.kc &- 1) / blocking.kc
  let kcMax = (k &+ kBlocks &- 1) / kBlocks
  let mcMax = min(blocking.mc, (rows.count &+ mr &- 1) / mr &* mr)
  let ncMax = min(blocking.nc, (columns.count &+ nr &- 1) / nr &* nr)
  // 8 values of slack after each panel for the transposing pack's last vector store.
  let packedA = UnsafeMutablePointer<Float>.allocate(capacity: mcMax &* kcMax &+ 8)
  let packedB = UnsafeMutablePointer<Float>.allocate(capacity: ncMax &* kcMax &+ max(nr, 8))
  defer {
    packedA.deallocate()
    packedB.deallocate()
  }
  var jc = columns.lowerBound
  while jc < columns.upperBound {
    let nc = min(blocking.nc, columns.upperBound &- jc)
    var pc = 0
    while pc < k {
      let kc = min(kcMax, k &- pc)
      // With a single block of rows, each strip of B is used by one pass of
      // micro-kernels only, so packing it buys nothing: a row-major B is then
      // read in place, except for a strip cut by the edge. (Measured, one
      // thread: 64x196x288, conv2's forward product, 99 vs 80 GFLOP/s; with
      // several row blocks the packed strip's locality wins: 512³, 103 vs 144.)
      let direct = b.columnStride == 1 && rows.count <= mcMax
      let wholeStrips = direct ? nc / nr * nr : 0
      if wholeStrips < nc {
        packStrips(
          vector, b.transposed, rows: jc &+ wholeStrips, height: nc &- wholeStrips, columns: pc, count: kc, stripHeight: nr,
          into: packedB + wholeStrips &* kc)
      }
      let betaHere: Float = pc == 0 ? beta : 1
      var ic = rows.lowerBound
      while ic < rows.upperBound {
        let mc = min(mcMax, rows.upperBound &- ic)
        packStrips(vector, a, rows: ic, height: mc, columns: pc, count: kc, stripHeight: mr, into: packedA)
        var jr = 0
        while jr < nc {
          let width = min(nr, nc &- jr)
          var ir = 0
          while ir < mc {
            let height = min(mr, mc &- ir)
            let tile = c.base + ((ic &+ ir) &* c.rowStride &+ (jc &+ jr) &* c.columnStride)
            let inPlace = jr < wholeStrips
            let stripB = inPlace ? b.base + (pc &* b.rowStride &+ jc &+ jr) : UnsafePointer(packedB + jr &* kc)
            let stride = inPlace ? b.rowStride : nr
            if mr == 8 {
              if width > V.scalarCount {
                microKernel8(
                  vector, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                  c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
              } else if width > 8 {
                narrowMicroKernel8(
                  vector, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                  c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
              } else {
                narrowMicroKernel8(
                  SIMD8<Float>.self, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                  c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
              }
            } else if width > V.scalarCount {
              microKernel(
                vector, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
            } else if width > 8 || V.scalarCount == 8 {
              narrowMicroKernel(
                vector, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
            } else {
              narrowMicroKernel(
                SIMD8<Float>.self, k: kc, a: packedA + ir &* kc, b: stripB, bStride: stride, alpha: alpha, beta: betaHere,
                c: tile, rowStride: c.rowStride, columnStride: c.columnStride, height: height, width: width)
            }
            ir &+= mr
          }
          jr &+= nr
        }
        ic &+= mc
      }
      pc &+= kc
    }
    jc &+= nc
  }
}

/// Packs X[rows ..< rows+height, columns ..< columns+count] into strips of
/// `stripHeight` rows: strip s holds, for each k (a column of X), its rows'
/// values in order, rows past the edge zero. A's panel is packed as it is;
/// B's as Bᵀ (`b.transposed`), whose rows are B's columns. `packed` needs 8
/// values of slack after the last strip (see TransposingPack.swift).
@inlinable @inline(__always)
func packStrips<V: SIMD>(
  _ vector: V.Type, _ x: MatrixOperand, rows: Int, height: Int, columns: Int, count: Int, stripHeight: Int,
  into packed: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  var dst = packed
  var top = 0
  while top < height {
    let h = min(stripHeight, height &- top)
    let origin = x.base + ((rows &+ top) &* x.rowStride &+ columns &* x.columnStride)
    if x.rowStride == 1 && h == stripHeight {
      // The strip's values for one k are contiguous (a column-major A, a
      // row-major B): a plain loop, not a memcpy call per k for 6 to 32
      // values (the call cost more than the copy: 2% of the convnet bench).
      for kk in 0..<count {
        let (d, s) = (dst + kk &* stripHeight, origin + kk &* x.columnStride)
        for r in 0..<stripHeight { d[r] = s[r] }
      }
    } else if x.rowStride == 1 {
      for kk in 0..<count {
        let d = dst + kk &* stripHeight
        d.update(from: origin + kk &* x.columnStride, count: h)
        (d + h).update(repeating: 0, count: stripHeight &- h)
      }
    } else if x.columnStride == 1 && h == stripHeight && packsByTransposing(stripHeight: stripHeight) {
      // Each row contiguous along k: transposed 8 x 8 blocks at a time (TransposingPack.swift).
      packStripByTransposing(vector, origin, rowStride: x.rowStride, count: count, stripHeight: stripHeight, into: dst)
    } else {
      // One k at a time, its strip's rows side by side: contiguous writes
      // (a row at a time would compile to slow scattered stores).
      for kk in 0..<count {
        let d = dst + kk &* stripHeight
        let src = origin + kk &* x.columnStride
        for r in 0..<stripHeight { d[r] = r < h ? src[r &* x.rowStride] : 0 }
      }
    }
    dst += count &* stripHeight
    top &+= stripHeight
  }
}
