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

public struct ConvGeometry: Sendable, Equatable {
  public var batch, channels, height, width: Int
  public var kernelHeight, kernelWidth, stride, padding: Int

  public init(batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
    (self.batch, self.channels, self.height, self.width) = (batch, channels, height, width)
    (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
  }

  public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  public var rows: Int { channels * kernelHeight * kernelWidth }
  public var columns: Int { batch * outHeight * outWidth }
}

/// Fills `col` (g.rows x g.columns) from `x` (N, C, H, W), images split over threads.
public func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
  let (px, pc) = (SendableConstPointer(x), SendablePointer(col))
  Parallel.chunks(g.batch, cost: g.rows * g.outHeight * g.outWidth) { images in
    im2col(px.base, g, images: images, into: pc.base)
  }
}

/// im2col for the images in `images` only (their columns of `col`).
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into col: UnsafeMutablePointer<Float>) {
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
          for i in 0..<oh {
            let y = i &* g.stride &- g.padding &+ ki
            if y < 0 || y >= g.height {
              dst.update(repeating: 0, count: ow)
              dst += ow
              continue
            }
            let line = src + y &* g.width
            if g.stride == 1 {
              // x = j - padding + kj: copy the valid run, zero the edges.
              let x0 = kj &- g.padding
              let first = max(0, -x0), last = min(ow, g.width &- x0)  // valid j in [first, last)
              if first > 0 { dst.update(repeating: 0, count: min(first, ow)) }
              if last > first { (dst + first).update(from: line + (x0 &+ first), count: last &- first) }
              if last < ow { (dst + max(last, first)).update(repeating: 0, count: ow &- max(last, first)) }
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

/// Adds `col` (g.rows x g.columns) back into `dx` (N, C, H, W); `dx` must
/// start zeroed. Images are split over threads (each owns its part of dx).
public func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
  let (pc, pd) = (SendableConstPointer(col), SendablePointer(dx))
  Parallel.chunks(g.batch, cost: g.rows * g.outHeight * g.outWidth) { images in
    col2im(pc.base, g, images: images, into: pd.base)
  }
}

func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
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
