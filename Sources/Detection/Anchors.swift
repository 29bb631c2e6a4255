// Anchors of a Region Proposal Network (Ren et al., "Faster R-CNN: Towards
// Real-Time Object Detection with Region Proposal Networks", NeurIPS 2015,
// §3.1.1 "Anchors"), generated as py-faster-rcnn's generate_anchors.py and
// the shifts of its anchor_target_layer / proposal_layer.
//
// Base anchors (py-faster-rcnn's inclusive pixel convention, width = x2 - x1 + 1):
// the reference window [0, 0, b - 1, b - 1] (b = base size = the stride), with
// centre c = (b - 1) / 2 and area b^2, first takes each aspect ratio r = h / w:
//   w_r = round(sqrt(b^2 / r)),  h_r = round(w_r r)   (numpy's round: half to even)
// then each scale s multiplies w_r and h_r, and the anchor is
//   [c - (W - 1) / 2, c - (H - 1) / 2, c + (W - 1) / 2, c + (H - 1) / 2].
// Order: ratios outer, scales inner (A = ratios x scales anchors). For
// b = 16, scales (8, 16, 32), ratios (0.5, 1, 2) this gives the nine well-known
// anchors, the first [-84, -40, 99, 55] (a test). In the continuous convention
// of Box.swift an inclusive [x1, x2] is [x1, x2 + 1), so the base anchors are
// centred on pixel b / 2.
// Shifting: anchor a at feature cell (i, j) is the base anchor moved by
// (offset + stride j, offset + stride i); the order is py-faster-rcnn's:
// location-major (K = H W locations, row by row), anchors of one location
// contiguous, index = (i W + j) A + a. Translation invariant: every location
// gets the same A shapes.
import Foundation

public struct AnchorGenerator: Sendable, Equatable {
  /// Side of the reference window, normally the feature stride (16 for VGG16).
  public var baseSize: Double
  /// Multipliers of the reference window's side.
  public var scales: [Double]
  /// Height / width ratios.
  public var ratios: [Double]

  public init(baseSize: Double, scales: [Double], ratios: [Double] = [0.5, 1, 2]) {
    precondition(baseSize > 0 && !scales.isEmpty && !ratios.isEmpty, "AnchorGenerator: base size \(baseSize), scales \(scales), ratios \(ratios)")
    (self.baseSize, self.scales, self.ratios) = (baseSize, scales, ratios)
  }

  /// py-faster-rcnn's defaults: base 16, scales 2^3..2^5, ratios 0.5, 1, 2.
  public static let pyFasterRCNN = AnchorGenerator(baseSize: 16, scales: [8, 16, 32])

  /// Anchors per location (A).
  public var count: Int { scales.count * ratios.count }

  /// The A base anchors as py-faster-rcnn prints them: inclusive (x1, y1, x2, y2) around the window [0, b - 1].
  public func inclusiveBaseAnchors() -> [[Double]] {
    let c = 0.5 * (baseSize - 1)
    var out: [[Double]] = []
    for r in ratios {
      let w = (baseSize * baseSize / r).squareRoot().rounded(.toNearestOrEven)
      let h = (w * r).rounded(.toNearestOrEven)
      for s in scales {
        let (ws, hs) = (w * s, h * s)
        out.append([c - 0.5 * (ws - 1), c - 0.5 * (hs - 1), c + 0.5 * (ws - 1), c + 0.5 * (hs - 1)])
      }
    }
    return out
  }

  /// The base anchors in the continuous convention ([x1, x2 + 1)), around the window [0, b).
  public func baseAnchors() -> [Box] {
    inclusiveBaseAnchors().map { Box(x1: $0[0], y1: $0[1], x2: $0[2] + 1, y2: $0[3] + 1) }
  }

  /// Every anchor over a height x width feature map whose cell (i, j) has its
  /// reference window at (offset + stride j, offset + stride i); index (i W + j) A + a.
  public func anchors(height: Int, width: Int, stride: Double, offset: Double = 0) -> [Box] {
    let base = baseAnchors()
    var out: [Box] = []
    out.reserveCapacity(height * width * base.count)
    for i in 0..<height {
      for j in 0..<width {
        let (dx, dy) = (offset + stride * Double(j), offset + stride * Double(i))
        for b in base { out.append(Box(x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy)) }
      }
    }
    return out
  }
}
