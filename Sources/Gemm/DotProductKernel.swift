// The matrix product for a narrow C whose operands both run along k:
// C (m x n) = alpha * A · B + beta * C with A's rows and B's columns
// contiguous in k (A row-major, B given as Bᵀ row-major: the "NT" case
// of dW = dY · colᵀ for a layer with few filters or few inputs, such as a
// first conv layer's 32 x 9 weight gradient over 784 positions).
//
// The packed product would gather both operands into k-major strips (each
// element of such a small C is reused too little to pay for it) and waste
// most of a 6 x 2W tile on a 9-column C. Here each element of C is one dot
// product over k, vectorized along k: a tile of 4 rows of A by 3 columns
// of B keeps 12 W-wide partial sums, lane l holding the products at
// p ≡ l (mod W); after the last whole vector the lanes are summed, then the
// k mod W tail is added in k order. Every element is computed the same way
// whichever tile or thread it falls in, so threads never change a bit.
import Dispatch
import WorkerTeam

/// Whether `dotProductGemm` should compute this product: both operands
/// contiguous along k, a narrow C and a long shared dimension.
@inlinable
func prefersDotProducts(m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand) -> Bool {
  a.columnStride == 1 && b.rowStride == 1 && min(m, n) <= 12 && k >= 64
}

@inlinable
func dotProductGemm<V: SIMD & SendableMetatype>(
  _ vector: V.Type, m: Int, n: Int, k: Int, alpha: Float, a: MatrixOperand, b: MatrixOperand, beta: Float, c: MatrixResult,
  threads: Int
) where V.Scalar == Float {
  let rowTiles = (m &+ 3) / 4
  let parts = m &* n &* k < (1 << 18) ? 1 : min(max(1, threads), rowTiles)
  if parts == 1 {
    dotProductRows(vector, rows: 0..<m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c)
    return
  }
  WorkerTeam.perform(parts: parts) { part in
    let lo = min(m, rowTiles &* part / parts &* 4)
    let hi = min(m, rowTiles &* (part &+ 1) / parts &* 4)
    if lo < hi { dotProductRows(V.self, rows: lo..<hi, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c) }
  }
}

@inlinable
func dotProductRows<V: SIMD>(
  _ vector: V.Type, rows: Range<Int>, n: Int, k: Int, alpha: Float, a: MatrixOperand, b: MatrixOperand, beta: Float, c: MatrixResult
) where V.Scalar == Float {
  let w = V.scalarCount
  let whole = k / w &* w
  var i = rows.lowerBound
  while i < rows.upperBound {
    let height = min(4, rows.upperBound &- i)
    // Rows past the edge repeat the last valid row (computed, never stored).
    let a0 = a.base + i &* a.rowStride
    let a1 = a.base + (i &+ min(1, height &- 1)) &* a.rowStride
    let a2 = a.base + (i &+ min(2, height &- 1)) &* a.rowStride
    let a3 = a.base + (i &+ min(3, height &- 1)) &* a.rowStride
    var j = 0
    while j < n {
      let width = min(3, n &- j)
      let b0 = b.base + j &* b.columnStride
      let b1 = b.base + (j &+ min(1, width &- 1)) &* b.columnStride
      let b2 = b.base + (j &+ min(2, width &- 1)) &* b.columnStride
      var s00 = V(), s01 = V(), s02 = V(), s10 = V(), s11 = V(), s12 = V()
      var s20 = V(), s21 = V(), s22 = V(), s30 = V(), s31 = V(), s32 = V()
      var p = 0
      while p < whole {
        let x0 = UnsafeRawPointer(b0 + p).loadUnaligned(as: V.self)
        let x1 = UnsafeRawPointer(b1 + p).loadUnaligned(as: V.self)
        let x2 = UnsafeRawPointer(b2 + p).loadUnaligned(as: V.self)
        var y = UnsafeRawPointer(a0 + p).loadUnaligned(as: V.self)
        s00.addProduct(y, x0); s01.addProduct(y, x1); s02.addProduct(y, x2)
        y = UnsafeRawPointer(a1 + p).loadUnaligned(as: V.self)
        s10.addProduct(y, x0); s11.addProduct(y, x1); s12.addProduct(y, x2)
        y = UnsafeRawPointer(a2 + p).loadUnaligned(as: V.self)
        s20.addProduct(y, x0); s21.addProduct(y, x1); s22.addProduct(y, x2)
        y = UnsafeRawPointer(a3 + p).loadUnaligned(as: V.self)
        s30.addProduct(y, x0); s31.addProduct(y, x1); s32.addProduct(y, x2)
        p &+= w
      }
      @inline(__always) func finish(_ r: Int, _ q: Int, _ sum: V, _ rowA: UnsafePointer<Float>, _ columnB: UnsafePointer<Float>) {
        guard r < height && q < width else { return }
        var total = laneSum(sum)
        for t in whole..<k { total = total.addingProduct(rowA[t], columnB[t]) }
        let target = c.base + ((i &+ r) &* c.rowStride &+ (j &+ q) &* c.columnStride)
        target.pointee = beta == 0 ? alpha * total : alpha * total + beta * target.pointee
      }
      finish(0, 0, s00, a0, b0); finish(0, 1, s01, a0, b1); finish(0, 2, s02, a0, b2)
      finish(1, 0, s10, a1, b0); finish(1, 1, s11, a1, b1); finish(1, 2, s12, a1, b2)
      finish(2, 0, s20, a2, b0); finish(2, 1, s21, a2, b1); finish(2, 2, s22, a2, b2)
      finish(3, 0, s30, a3, b0); finish(3, 1, s31, a3, b1); finish(3, 2, s32, a3, b2)
      j &+= 3
    }
    i &+= 4
  }
}

/// The lanes of `v` added in lane order (a fixed order, unlike a tree reduction the compiler may choose).
@inlinable @inline(__always)
func laneSum<V: SIMD>(_ v: V) -> Float where V.Scalar == Float {
  var total: Float = 0
  for l in 0..<V.scalarCount { total += v[l] }
  return total
}
