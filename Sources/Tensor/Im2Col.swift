// im2col / col2im over a batch, images split over the run's threads. The
// loops themselves (and ConvGeometry) live in VectorLoops/Im2ColLoops.swift,
// compiled once per instruction set; VectorLoopsDoor.swift picks the copy.
@_exported import VectorLoops

/// Fills `col` (g.rows x g.columns) from `x` (N, C, H, W), images split over threads.
public func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
  let (px, pc) = (SendableConstPointer(x), SendablePointer(col))
  Parallel.chunks(g.batch, cost: g.rows * g.outHeight * g.outWidth) { images in
    VectorLoopsDoor.im2col(px.base, g, images: images, into: pc.base)
  }
}

/// Adds `col` (g.rows x g.columns) back into `dx` (N, C, H, W); `dx` must
/// start zeroed. Images are split over threads (each owns its part of dx).
/// `col` is scratch: the entries that read padding may be zeroed.
public func col2im(_ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
  let (pc, pd) = (SendablePointer(col), SendablePointer(dx))
  Parallel.chunks(g.batch, cost: g.rows * g.outHeight * g.outWidth) { images in
    VectorLoopsDoor.col2im(pc.base, g, images: images, into: pd.base)
  }
}

