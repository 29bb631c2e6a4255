// Packing a strip whose rows are contiguous along k (a row-major A, or the
// B of a product with a transposed operand such as dW = dy · colᵀ) means
// transposing it: the packed strip holds, for each k, the strip's rows side
// by side. Element by element that is one strided load and one store per
// value (about 3 values per ns on the development machine); here 8 rows x 8
// k at a time are loaded as 8 vectors, transposed in registers and stored as
// 8 vectors (about 6.7 values per ns: 8.4 against 18.3 µs for the 288 x 196
// strip set of conv2's dW, measured on an AMD EPYC Zen 4 with AVX-512).
//
// The transpose is three rounds of "pair row i with row i + 4, keep the even
// and the odd elements of the pair": each round moves the lowest column bit
// to the lowest row bit, so after three rounds element (i, j) of the 8 x 8
// block sits at (reverse(j), reverse(i)) of the bit-reversed row order;
// loading and storing the rows in bit-reversed order (0, 4, 2, 6, 1, 5, 3, 7)
// makes that the plain transpose. `evenHalf` and `oddHalf` compile to one
// or two shuffles per vector.
//
// A pure copy: the packed values, and so every product, keep their bits.

/// Eight rows of an 8 x 8 block.
public typealias Rows8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// One round of the transpose: (row, column) bits (a2 a1 a0, b2 b1 b0) go to (a1 a0 b0, a2 b2 b1).
@inlinable @inline(__always)
func unshuffleRound(_ r: inout Rows8) {
  let p0 = SIMD16(lowHalf: r.0, highHalf: r.4), p1 = SIMD16(lowHalf: r.1, highHalf: r.5)
  let p2 = SIMD16(lowHalf: r.2, highHalf: r.6), p3 = SIMD16(lowHalf: r.3, highHalf: r.7)
  r = (p0.evenHalf, p0.oddHalf, p1.evenHalf, p1.oddHalf, p2.evenHalf, p2.oddHalf, p3.evenHalf, p3.oddHalf)
}

/// The 8 x 8 block whose row i starts at `rows[i]` (i < 8), transposed:
/// element t of the result's vector j is row t's element j.
@inlinable @inline(__always)
func transposed8(_ rows: (Int) -> UnsafePointer<Float>) -> Rows8 {
  func load(_ i: Int) -> SIMD8<Float> { UnsafeRawPointer(rows(i)).loadUnaligned(as: SIMD8<Float>.self) }
  var r = (load(0), load(4), load(2), load(6), load(1), load(5), load(3), load(7))
  unshuffleRound(&r)
  unshuffleRound(&r)
  unshuffleRound(&r)
  return (r.0, r.4, r.2, r.6, r.1, r.5, r.3, r.7)
}

/// Stores vector t of `t` at `p + t * stride`, in order t = 0 ..< 8 (a
/// later store may overwrite the tail of an earlier one).
@inlinable @inline(__always)
func store8(_ t: Rows8, at p: UnsafeMutablePointer<Float>, stride: Int) {
  func store(_ v: SIMD8<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i &* stride).storeBytes(of: v, as: SIMD8<Float>.self) }
  store(t.0, 0)
  store(t.1, 1)
  store(t.2, 2)
  store(t.3, 3)
  store(t.4, 4)
  store(t.5, 5)
  store(t.6, 6)
  store(t.7, 7)
}

/// Generic over the kernel's vector type only so that each kernel module
/// (GemmAVX512, GemmAVX2) compiles its own copy with its own target flags.
///
/// Packs one full strip of `stripHeight` rows, row r at `origin + r * rowStride`
/// with its `count` values contiguous: packed[kk * stripHeight + r] = row r's
/// value kk. Handles a strip height that is a multiple of 8, or below 8;
/// `packsByTransposing(stripHeight:)` says which. For a height below 8 each
/// vector store runs 8 - stripHeight values past its k into the next k's
/// slots, which the next store overwrites; the last store of the strip runs
/// past it, so the packed buffer needs 8 values of slack after its end.
@inlinable @inline(__always)
func packStripByTransposing<V: SIMD>(
  _ vector: V.Type, _ origin: UnsafePointer<Float>, rowStride: Int, count: Int, stripHeight: Int, into dst: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  var kk = 0
  while kk &+ 8 <= count {
    if stripHeight < 8 {
      // Rows past the strip repeat its last row; their lanes are overwritten.
      let last = stripHeight &- 1
      let t = transposed8 { origin + (min($0, last) &* rowStride &+ kk) }
      store8(t, at: dst + kk &* stripHeight, stride: stripHeight)
    } else {
      var r0 = 0
      while r0 < stripHeight {
        let t = transposed8 { origin + ((r0 &+ $0) &* rowStride &+ kk) }
        store8(t, at: dst + (kk &* stripHeight &+ r0), stride: stripHeight)
        r0 &+= 8
      }
    }
    kk &+= 8
  }
  // The last count % 8 values of each row, one at a time.
  while kk < count {
    let d = dst + kk &* stripHeight
    for r in 0..<stripHeight { d[r] = origin[r &* rowStride &+ kk] }
    kk &+= 1
  }
}

/// Whether `packStripByTransposing` handles this strip height.
@inlinable @inline(__always)
func packsByTransposing(stripHeight: Int) -> Bool { stripHeight < 8 || stripHeight % 8 == 0 }
