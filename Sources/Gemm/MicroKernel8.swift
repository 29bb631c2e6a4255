// The 8-row micro-kernels of the packed product (PackedGemm.swift), for
// 16-float vectors (AVX-512, 32 vector registers): an 8 x 2W tile in sixteen
// accumulators, 8 broadcasts and 2 loads of B per 16 fused multiply-adds
// (the 6-row tile of MicroKernel.swift needs 6 + 2 for 12). The conv layers'
// products have m = 32, 64, 128 or 288 rows, multiples of 8 but not of 6:
// with 6-row tiles every column strip ended in a 2- or 4-row tile computed 6
// rows tall. AVX2 has 16 registers, too few for 16 accumulators, and keeps
// the 6-row tile.
//
// Each element of C is still the fused multiply-add chain over k in order,
// from zero, then alpha * acc + beta * C, as in the 6-row kernels: the tile
// shape changes which elements are computed together, never an element's
// arithmetic, so both tile heights give the same bits
// (Tests/TensorTests/PackedGemmTests.swift checks every kernel against that
// chain written out in scalar code).

/// Rows of the micro-tile for vectors of V: 8 with 16 floats (AVX-512), else 6.
@inlinable @inline(__always)
func gemmTileRows<V: SIMD>(_: V.Type) -> Int { V.scalarCount >= 16 ? 8 : 6 }

@inlinable @inline(__always)
func microKernel8<V: SIMD>(
  _ vector: V.Type, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, rowStride: Int, columnStride: Int, height: Int, width: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
  var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
  var pa = a
  var pb = UnsafeRawPointer(b)
  let step = bStride &* MemoryLayout<Float>.stride
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
    s = V(repeating: pa[6])
    c60.addProduct(s, b0)
    c61.addProduct(s, b1)
    s = V(repeating: pa[7])
    c70.addProduct(s, b0)
    c71.addProduct(s, b1)
    pa += 8
    pb += step
  }
  if width == 2 &* w && columnStride == 1 {
    storeRow(c, c00, c01, alpha: alpha, beta: beta)
    if height > 1 { storeRow(c + rowStride, c10, c11, alpha: alpha, beta: beta) }
    if height > 2 { storeRow(c + 2 &* rowStride, c20, c21, alpha: alpha, beta: beta) }
    if height > 3 { storeRow(c + 3 &* rowStride, c30, c31, alpha: alpha, beta: beta) }
    if height > 4 { storeRow(c + 4 &* rowStride, c40, c41, alpha: alpha, beta: beta) }
    if height > 5 { storeRow(c + 5 &* rowStride, c50, c51, alpha: alpha, beta: beta) }
    if height > 6 { storeRow(c + 6 &* rowStride, c60, c61, alpha: alpha, beta: beta) }
    if height > 7 { storeRow(c + 7 &* rowStride, c70, c71, alpha: alpha, beta: beta) }
    return
  }
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 &* w) { buffer in
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
    spill(6, c60, c61)
    spill(7, c70, c71)
    writeTile(buffer.baseAddress!, tileRowStride: 2 &* w, alpha: alpha, beta: beta, c: c, rowStride: rowStride,
              columnStride: columnStride, height: height, width: width)
  }
}

/// The 8-row tile of a strip at most one vector wide (C's right edge), as `narrowMicroKernel`.
@inlinable @inline(__always)
func narrowMicroKernel8<V: SIMD>(
  _ vector: V.Type, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, rowStride: Int, columnStride: Int, height: Int, width: Int
) where V.Scalar == Float {
  let w = V.scalarCount
  var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V(), c6 = V(), c7 = V()
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
    c6.addProduct(V(repeating: pa[6]), b0)
    c7.addProduct(V(repeating: pa[7]), b0)
    pa += 8
    pb += step
  }
  if width == w && columnStride == 1 {
    storeVector(c, c0, alpha: alpha, beta: beta)
    if height > 1 { storeVector(c + rowStride, c1, alpha: alpha, beta: beta) }
    if height > 2 { storeVector(c + 2 &* rowStride, c2, alpha: alpha, beta: beta) }
    if height > 3 { storeVector(c + 3 &* rowStride, c3, alpha: alpha, beta: beta) }
    if height > 4 { storeVector(c + 4 &* rowStride, c4, alpha: alpha, beta: beta) }
    if height > 5 { storeVector(c + 5 &* rowStride, c5, alpha: alpha, beta: beta) }
    if height > 6 { storeVector(c + 6 &* rowStride, c6, alpha: alpha, beta: beta) }
    if height > 7 { storeVector(c + 7 &* rowStride, c7, alpha: alpha, beta: beta) }
    return
  }
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 &* w) { buffer in
    let tile = UnsafeMutableRawPointer(buffer.baseAddress!)
    let rowBytes = w &* MemoryLayout<Float>.stride
    tile.storeBytes(of: c0, as: V.self)
    tile.storeBytes(of: c1, toByteOffset: rowBytes, as: V.self)
    tile.storeBytes(of: c2, toByteOffset: 2 &* rowBytes, as: V.self)
    tile.storeBytes(of: c3, toByteOffset: 3 &* rowBytes, as: V.self)
    tile.storeBytes(of: c4, toByteOffset: 4 &* rowBytes, as: V.self)
    tile.storeBytes(of: c5, toByteOffset: 5 &* rowBytes, as: V.self)
    tile.storeBytes(of: c6, toByteOffset: 6 &* rowBytes, as: V.self)
    tile.storeBytes(of: c7, toByteOffset: 7 &* rowBytes, as: V.self)
    writeTile(buffer.baseAddress!, tileRowStride: w, alpha: alpha, beta: beta, c: c, rowStride: rowStride,
              columnStride: columnStride, height: height, width: width)
  }
}
