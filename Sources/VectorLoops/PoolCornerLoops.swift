// ReLU followed by 2 x 2 max pooling with stride 2, fused (Layers/
// ReLUMaxPool.swift explains why it keeps the bits of the two layers): the
// forward pass keeps each window's winner as its corner (0 top-left,
// 1 top-right, 2 bottom-left, 3 bottom-right; the first maximum of max(x, 0)
// wins ties), the backward pass writes every element of dx once from its
// window's gradient, pooled value and corner.
//
// Planes are (H, W) maps of a (N, C, H, W) tensor; the pooled maps are
// (H / 2, W / 2). Generic over a vector type they never use, so each ISA
// module compiles its own copy (see Im2ColLoops.swift); selects and
// comparisons only, and 0 + g, so every copy gives the same bits.

/// The ReLU's rule at the winner, in the backward pass (Layers' BackwardRule).
public enum CornerRule: Sendable {
  /// The gradient: passed where the pooled value is positive.
  case gradient
  /// Zeiler & Fergus's deconvnet: the positive part of the gradient, everywhere.
  case deconvnet
  /// Springenberg et al.'s guided backpropagation: both masks.
  case guided
}

/// Pools `planes` of `x` into `y` and records each window's corner.
@inlinable
public func reluPoolCornersForward<V: SIMD>(
  _ vector: V.Type, _ x: UnsafePointer<Float>, height h: Int, width w: Int, planes: Range<Int>,
  into y: UnsafeMutablePointer<Float>, corners: UnsafeMutablePointer<UInt8>
) where V.Scalar == Float {
  let (oh, ow) = (h / 2, w / 2)
  for plane in planes {
    let src = x + plane &* h &* w
    let dst = y + plane &* oh &* ow
    let corner = corners + plane &* oh &* ow
    for i in 0..<oh {
      let r0 = (2 &* i) &* w, r1 = r0 &+ w
      for j in 0..<ow {
        let k = r0 &+ 2 &* j, k2 = r1 &+ 2 &* j
        // Selects, not branches: which element wins is data-dependent and
        // mispredicted branches cost more than the comparisons. Strictly
        // greater, so the first maximum wins ties.
        var best: UInt8 = 0
        var value = max(src[k], 0)
        let v1 = max(src[k &+ 1], 0)
        let m1 = v1 > value
        value = m1 ? v1 : value
        best = m1 ? 1 : best
        let v2 = max(src[k2], 0)
        let m2 = v2 > value
        value = m2 ? v2 : value
        best = m2 ? 2 : best
        let v3 = max(src[k2 &+ 1], 0)
        let m3 = v3 > value
        value = m3 ? v3 : value
        best = m3 ? 3 : best
        dst[i &* ow &+ j] = value
        corner[i &* ow &+ j] = best
      }
    }
  }
}

/// dx for `planes` from the pooled gradient `g`, the pooled output `y` and
/// the corners. The gradient is taken as 0 + g, as routing it onto a zeroed
/// dx computes it (so -0 arrives as +0). Elements no window covers (the last
/// row or column of an odd size) get 0.
@inlinable
public func reluPoolCornersBackward<V: SIMD>(
  _ vector: V.Type, gradient g: UnsafePointer<Float>, output y: UnsafePointer<Float>, corners: UnsafePointer<UInt8>,
  height h: Int, width w: Int, planes: Range<Int>, rule: CornerRule, into dx: UnsafeMutablePointer<Float>
) where V.Scalar == Float {
  // One loop per rule, so the rule is not tested per element (and the loop vectorizes).
  switch rule {
  case .gradient:
    routeCorners(g, y, corners, h, w, planes, dx) { y, routed in y > 0 ? routed : 0 }
  case .deconvnet:
    routeCorners(g, y, corners, h, w, planes, dx) { _, routed in max(routed, 0) }
  case .guided:
    routeCorners(g, y, corners, h, w, planes, dx) { y, routed in y > 0 ? max(routed, 0) : 0 }
  }
}

/// The backward loop for one rule: `value(pooled, 0 + gradient)` at the corner, 0 elsewhere.
@inlinable @inline(__always)
func routeCorners(
  _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ corners: UnsafePointer<UInt8>, _ h: Int, _ w: Int,
  _ planes: Range<Int>, _ dx: UnsafeMutablePointer<Float>, _ value: (Float, Float) -> Float
) {
  let (oh, ow) = (h / 2, w / 2)
  for plane in planes {
    let dst = dx + plane &* h &* w
    let o = plane &* oh &* ow
    let (g, y, corner) = (g + o, y + o, corners + o)
    for i in 0..<oh {
      let r0 = dst + (2 &* i) &* w, r1 = r0 + w
      for j in 0..<ow {
        let q = i &* ow &+ j
        let v = value(y[q], 0 + g[q])
        let at = corner[q]
        r0[2 &* j] = at == 0 ? v : 0
        r0[2 &* j &+ 1] = at == 1 ? v : 0
        r1[2 &* j] = at == 2 ? v : 0
        r1[2 &* j &+ 1] = at == 3 ? v : 0
      }
      if w > 2 &* ow {
        r0[w &- 1] = 0
        r1[w &- 1] = 0
      }
    }
    if h > 2 &* oh { (dst + (h &- 1) &* w).update(repeating: 0, count: w) }
  }
}
