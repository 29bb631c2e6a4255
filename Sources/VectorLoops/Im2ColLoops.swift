// im2col / col2im: the layout change that turns a convolution into one
// matrix product (Chellapilla et al., "High Performance Convolutional Neural
// Networks for Document Processing", 2006; Caffe's im2col).
//
// Layout used here (batch-wide, so one sgemm covers the whole batch):
//   x:   (N, C, H, W)
//   col: (C*KH*KW, N*OH*OW), row (c, ki, kj), column (n, oh, ow)
// with OH = (H + 2*pad - KH) / stride + 1, padding reads as zero.
// col2im is its adjoint: it adds each column entry back into the pixel it
// came from (overlapping windows accumulate).
//
// The loops are generic over a vector type they never use: that makes each
// of VectorLoopsAVX512 and VectorLoopsAVX2 compile its own copy with its own
// target flags (Tensor/VectorLoopsDoor.swift picks one). They only copy,
// compare and add element by element, in the same order in every copy, so
// every copy gives the same bits.

public struct ConvGeometry: Sendable, Equatable {
  public var batch, channels, height, width: Int
  public var kernelHeight, kernelWidth, stride, padding: Int

  @inlinable
  public init(batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
    (self.batch, self.channels, self.height, self.width) = (batch, channels, height, width)
    (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
  }

  @inlinable public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  @inlinable public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  @inlinable public var rows: Int { channels * kernelHeight * kernelWidth }
  @inlinable public var columns: Int { batch * outHeight * outWidth }
}

/// im2col for the images in `images` only (their columns of `col`).
@inlinable
public func im2colLoops<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into col: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  let (oh, ow) = (g.outHeight, g.outWidth)
  let plane = g.height &* g.width
  let columns = g.columns
  for c in 0..<g.channels {
    for ki in 0..<g.kernelHeight {
      for kj in 0..<g.kernelWidth {
        let row = (c &* g.kernelHeight &+ ki) &* g.kernelWidth &+ kj
        var dst = col + (row &* columns &+ images.lowerBound &* oh &* ow)
        for n in images {
          let src = x + (n &* g.channels &+ c) &* plane
          if let span = ShiftedSpan(g, ki: ki, kj: kj) {
            span.copy(from: src, into: dst)
            dst += oh &* ow
            continue
          }
          for i in 0..<oh {
            let y = i &* g.stride &- g.padding &+ ki
            // Runs are as short as a feature map's row (14 values for a 14 x 14
            // map): plain loops, not memmove/memset calls, which cost more
            // than the copy itself at that length.
            if y < 0 || y >= g.height {
              for j in 0..<ow { dst[j] = 0 }
              dst += ow
              continue
            }
            let line = src + y &* g.width
            if g.stride == 1 {
              // x = j - padding + kj: copy the valid run, zero the edges.
              let x0 = kj &- g.padding
              let first = min(max(0, -x0), ow), last = max(min(ow, g.width &- x0), first)  // valid j in [first, last)
              for j in 0..<first { dst[j] = 0 }
              let from = line + x0
              for j in first..<last { dst[j] = from[j] }
              for j in last..<ow { dst[j] = 0 }
            } else {
              for j in 0..<ow {
                let xx = j &* g.stride &- g.padding &+ kj
                dst[j] = xx >= 0 && xx < g.width ? line[xx] : 0
              }
            }
            dst += ow
          }
        }
      }
    }
  }
}

/// col2im for the images in `images` only; `dx` must start zeroed.
@inlinable
public func col2imLoops<V: SIMD>(
  _ vector: V.Type, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into dx: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  let (oh, ow) = (g.outHeight, g.outWidth)
  let plane = g.height &* g.width
  let columns = g.columns
  for c in 0..<g.channels {
    for ki in 0..<g.kernelHeight {
      for kj in 0..<g.kernelWidth {
        let row = (c &* g.kernelHeight &+ ki) &* g.kernelWidth &+ kj
        var src = col + (row &* columns &+ images.lowerBound &* oh &* ow)
        for n in images {
          let dst = dx + (n &* g.channels &+ c) &* plane
          if let span = ShiftedSpan(g, ki: ki, kj: kj) {
            span.add(src, into: dst)
            src += oh &* ow
            continue
          }
          for i in 0..<oh {
            let y = i &* g.stride &- g.padding &+ ki
            if y >= 0 && y < g.height {
              let line = dst + y &* g.width
              if g.stride == 1 {
                let x0 = kj &- g.padding
                let first = max(0, -x0), last = min(ow, g.width &- x0)
                if last > first {
                  let out = line + x0
                  for j in first..<last { out[j] += src[j] }
                }
              } else {
                for j in 0..<ow {
                  let xx = j &* g.stride &- g.padding &+ kj
                  if xx >= 0 && xx < g.width { line[xx] += src[j] }
                }
              }
            }
            src += ow
          }
        }
      }
    }
  }
}

/// One row (c, ki, kj) of the column matrix of a stride-1 convolution whose
/// output rows are as wide as its input rows (OW == W, "same" padding):
/// output position (i, j) reads input (i + ki - p, j + kj - p), which is
/// output index i·W + j plus a constant offset. So the valid rows are one
/// contiguous copy from the input, after which the one or two columns that
/// wrapped around a row edge are zeroed: one long vector loop instead of a
/// short loop per output row (14 values for a 14 x 14 map). Same values as
/// the row-by-row loops.
@usableFromInline
struct ShiftedSpan {
  @usableFromInline let rows: Int, width: Int
  @usableFromInline let firstRow: Int, lastRow: Int  // valid output rows [firstRow, lastRow)
  @usableFromInline let first: Int, last: Int  // valid output columns [first, last)
  @usableFromInline let offset: Int  // input index - output index

  @inlinable
  init?(_ g: ConvGeometry, ki: Int, kj: Int) {
    guard g.stride == 1 && g.outWidth == g.width else { return nil }
    (rows, width) = (g.outHeight, g.width)
    let dy = ki &- g.padding, dx = kj &- g.padding
    firstRow = min(max(0, -dy), rows)
    lastRow = max(min(rows, g.height &- dy), firstRow)
    first = min(max(0, -dx), width)
    last = max(min(width, width &- dx), first)
    offset = dy &* width &+ dx
  }

  /// The valid part as one run of output indices: from the first valid
  /// element of the first valid row to the last of the last.
  @inlinable
  var run: Range<Int> {
    firstRow < lastRow && first < last ? (firstRow &* width &+ first)..<((lastRow &- 1) &* width &+ last) : 0..<0
  }

  /// dst[i·W + j] = src[i·W + j + offset] where valid, 0 elsewhere.
  @inlinable
  func copy(from src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
    let valid = run
    for d in 0..<valid.lowerBound { dst[d] = 0 }
    let from = src + offset
    for d in valid { dst[d] = from[d] }
    for d in valid.upperBound..<(rows &* width) { dst[d] = 0 }
    zeroWrappedColumns(dst)
  }

  /// dx[i·W + j + offset] += col[i·W + j] where valid. The wrapped columns
  /// of `col` (scratch) are zeroed first, so the run adds +0 there, which
  /// leaves dx's bits unchanged (dx starts at +0 and never holds -0).
  @inlinable
  func add(_ col: UnsafeMutablePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
    zeroWrappedColumns(col)
    let to = dx + offset
    for d in run { to[d] += col[d] }
  }

  @inlinable
  func zeroWrappedColumns(_ p: UnsafeMutablePointer<Float>) {
    if first == 0 && last == width { return }
    for i in firstRow..<lastRow {
      let line = p + i &* width
      for j in 0..<first { line[j] = 0 }
      for j in last..<width { line[j] = 0 }
    }
  }
}
