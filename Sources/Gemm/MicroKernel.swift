// The 6-row micro-kernel of the packed product (PackedGemm.swift): one 6 x 2W
// tile of C from a packed 6-row strip of A and a packed 2W-column strip of B,
// W = the SIMD width (8 floats: the AVX2 kernel; AVX-512's 16-float vectors
// use the 8-row tile of MicroKernel8.swift). The write-back helpers here
// serve both.
//
// B is either a packed strip (bStride = 2W) or, for a row-major B whose strip
// is whole, the matrix itself (bStride = its row stride): no copy needed.
// Per k: two vector loads of B, six broadcasts of A, twelve fused
// multiply-adds into twelve accumulators, which is enough independent
// chains to hide the FMA latency on both kinds of core. The tile is then
// written as alpha * acc + beta * C (beta == 0: C is not read).
// `addProduct` is the fused multiply-add; it compiles to vfmadd when the
// module is built for a target with FMA.

@inlinable @inline(__always)
func microKernel<V: SIMD>(
  _ vector: V.Type, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, rowStride: Int, columnStride: Int, height: Int, width: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
  var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
  var pa = a
  var pb = UnsafeRawPointer(b)
  let step = bStride &* MemoryLayout<Float>.stride  // floats from one k's 2W values of B to the next k's
  for _ in 0..<k {
    let b0 = pb.loadUnaligned(as: V.self)
    let b1 = pb.loadUnaligned(fromByteOffset: w &* MemoryLayout<Float>.stride, as: V.self)
    var s = V(repeating: pa[0])
    c00.addProduct(s, b0)
    c01.addProduct(s, b1)
    s = V(repeating: pa[1])
    c10.addProduct(s, b0)
    c11.addProduct(s, b1)
    s = V(repeating: pa[2])
    c20.addProduct(s, b0)
    c21.addProduct(s, b1)
    s = V(repeating: pa[3])
    c30.addProduct(s, b0)
    c31.addProduct(s, b1)
    s = V(repeating: pa[4])
    c40.addProduct(s, b0)
    c41.addProduct(s, b1)
    s = V(repeating: pa[5])
    c50.addProduct(s, b0)
    c51.addProduct(s, b1)
    pa += 6
    pb += step
  }
  if width == 2 &* w && columnStride == 1 {
    // Full-width rows are stored as vectors, also in a tile cut by C's
    // bottom edge (m = 32 or 64 leaves a 2- or 4-row tile in every column
    // strip; element-wise, its write-back cost as much as a 9-deep k loop).
    // The same arithmetic as writeTile's, so the same bits.
    storeRow(c, c00, c01, alpha: alpha, beta: beta)
    if height > 1 { storeRow(c + rowStride, c10, c11, alpha: alpha, beta: beta) }
    if height > 2 { storeRow(c + 2 &* rowStride, c20, c21, alpha: alpha, beta: beta) }
    if height > 3 { storeRow(c + 3 &* rowStride, c30, c31, alpha: alpha, beta: beta) }
    if height > 4 { storeRow(c + 4 &* rowStride, c40, c41, alpha: alpha, beta: beta) }
    if height > 5 { storeRow(c + 5 &* rowStride, c50, c51, alpha: alpha, beta: beta) }
    return
  }
  // Narrow or strided tile: spill the accumulators (row r at tile[r * 2W]),
  // then write the valid part element-wise.
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 &* w) { buffer in
    let tile = UnsafeMutableRawPointer(buffer.baseAddress!)
    let half = w &* MemoryLayout<Float>.stride
    let rowBytes = 2 &* half
    @inline(__always) func spill(_ r: Int, _ x0: V, _ x1: V) {
      tile.storeBytes(of: x0, toByteOffset: r &* rowBytes, as: V.self)
      tile.storeBytes(of: x1, toByteOffset: r &* rowBytes &+ half, as: V.self)
    }
    spill(0, c00, c01)
    spill(1, c10, c11)
    spill(2, c20, c21)
    spill(3, c30, c31)
    spill(4, c40, c41)
    spill(5, c50, c51)
    writeTile(buffer.baseAddress!, tileRowStride: 2 &* w, alpha: alpha, beta: beta, c: c, rowStride: rowStride,
              columnStride: columnStride, height: height, width: width)
  }
}

/// Writes the valid height x width part of a spilled tile (row r at
/// tile[r * tileRowStride]) into C as alpha * tile + beta * C, element-wise
/// (beta == 0: C is not read). The edge and strided case of both kernels.
@inlinable @inline(__always)
func writeTile(
  _ tile: UnsafePointer<Float>, tileRowStride: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, rowStride: Int,
  columnStride: Int, height: Int, width: Int
) {
  for r in 0..<height {
    let source = tile + r &* tileRowStride
    let target = c + r &* rowStride
    if beta == 0 {
      for j in 0..<width { target[j &* columnStride] = alpha * source[j] }
    } else {
      for j in 0..<width {
        let p = target + j &* columnStride
        p.pointee = alpha * source[j] + beta * p.pointee
      }
    }
  }
}

/// One full row of a tile: c[0 ..< 2W] = alpha * (x0, x1) + beta * c.
@inlinable @inline(__always)
func storeRow<V: SIMD>(_ c: UnsafeMutablePointer<Float>, _ x0: V, _ x1: V, alpha: Float, beta: Float) where V.Scalar == Float {
  let p = UnsafeMutableRawPointer(c)
  let offset = V.scalarCount &* MemoryLayout<Float>.stride
  if beta == 0 {
    p.storeBytes(of: x0 * alpha, as: V.self)
    p.storeBytes(of: x1 * alpha, toByteOffset: offset, as: V.self)
  } else {
    let old0 = p.loadUnaligned(as: V.self)
    let old1 = p.loadUnaligned(fromByteOffset: offset, as: V.self)
    p.storeBytes(of: x0 * alpha + old0 * beta, as: V.self)
    p.storeBytes(of: x1 * alpha + old1 * beta, toByteOffset: offset, as: V.self)
  }
}

/// One vector of a row: c[0 ..< W] = alpha * x + beta * c.
@inlinable @inline(__always)
func storeVector<V: SIMD>(_ c: UnsafeMutablePointer<Float>, _ x: V, alpha: Float, beta: Float) where V.Scalar == Float {
  let p = UnsafeMutableRawPointer(c)
  if beta == 0 {
    p.storeBytes(of: x * alpha, as: V.self)
  } else {
    p.storeBytes(of: x * alpha + p.loadUnaligned(as: V.self) * beta, as: V.self)
  }
}

/// The tile of a strip at most one vector wide (C's right edge): 6 rows of
/// one V each, six accumulators, the same fused multiply-adds in the same
/// k order as `microKernel` (so the same bits), at half or a quarter of its
/// cost where the edge strip would otherwise be computed 2W wide.
@inlinable @inline(__always)
func narrowMicroKernel<V: SIMD>(
  _ vector: V.Type, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, rowStride: Int, columnStride: Int, height: Int, width: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
  var pa = a
  var pb = UnsafeRawPointer(b)
  let step = bStride &* MemoryLayout<Float>.stride
  for _ in 0..<k {
    let b0 = pb.loadUnaligned(as: V.self)
    c0.addProduct(V(repeating: pa[0]), b0)
    c1.addProduct(V(repeating: pa[1]), b0)
    c2.addProduct(V(repeating: pa[2]), b0)
    c3.addProduct(V(repeating: pa[3]), b0)
    c4.addProduct(V(repeating: pa[4]), b0)
    c5.addProduct(V(repeating: pa[5]), b0)
    pa += 6
    pb += step
  }
  if width == w && columnStride == 1 {
    // A whole vector per row (n = 784 = 24 x 32 + 16 ends every row strip so with AVX-512).
    storeVector(c, c0, alpha: alpha, beta: beta)
    if height > 1 { storeVector(c + rowStride, c1, alpha: alpha, beta: beta) }
    if height > 2 { storeVector(c + 2 &* rowStride, c2, alpha: alpha, beta: beta) }
    if height > 3 { storeVector(c + 3 &* rowStride, c3, alpha: alpha, beta: beta) }
    if height > 4 { storeVector(c + 4 &* rowStride, c4, alpha: alpha, beta: beta) }
    if height > 5 { storeVector(c + 5 &* rowStride, c5, alpha: alpha, beta: beta) }
    return
  }
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 6 &* w) { buffer in
    let tile = UnsafeMutableRawPointer(buffer.baseAddress!)
    let rowBytes = w &* MemoryLayout<Float>.stride
    tile.storeBytes(of: c0, as: V.self)
    tile.storeBytes(of: c1, toByteOffset: rowBytes, as: V.self)
    tile.storeBytes(of: c2, toByteOffset: 2 &* rowBytes, as: V.self)
    tile.storeBytes(of: c3, toByteOffset: 3 &* rowBytes, as: V.self)
    tile.storeBytes(of: c4, toByteOffset: 4 &* rowBytes, as: V.self)
    tile.storeBytes(of: c5, toByteOffset: 5 &* rowBytes, as: V.self)
    writeTile(buffer.baseAddress!, tileRowStride: w, alpha: alpha, beta: beta, c: c, rowStride: rowStride,
              columnStride: columnStride, height: height, width: width)
  }
}
