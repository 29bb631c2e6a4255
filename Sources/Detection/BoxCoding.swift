// Box encoding and decoding: a box as offsets from an anchor (proposal), the
// regression targets of R-CNN (Girshick et al., "Rich feature hierarchies for
// accurate object detection and semantic segmentation", CVPR 2014, appendix C)
// that Fast and Faster R-CNN (Ren et al., NeurIPS 2015, eq. 2) reuse.
//
// Continuous convention (Box.swift; torchvision's BoxCoder): an anchor of
// width w_a = x2 - x1 has centre x_a = x1 + w_a / 2, and a box (x, y, w, h) is
//   t_x = w_x (x - x_a) / w_a,   t_y = w_y (y - y_a) / h_a,
//   t_w = w_w log(w / w_a),      t_h = w_h log(h / h_a),
// with weights (w_x, w_y, w_w, w_h) (1, 1, 1, 1) as in the paper; torchvision's
// Faster R-CNN uses (10, 10, 5, 5). Decoding inverts it, clamping t_w / w_w and
// t_h / w_h at log(1000 / 16) first (torchvision's bbox_xform_clip) so a wild
// prediction cannot overflow exp. Example (a test): anchor (0, 0, 10, 20), box
// (2, 4, 12, 14) encodes to (0.2, -0.05, 0, log 0.5).
import Foundation

/// Encodes boxes as offsets from anchors and back.
public struct BoxCoder: Sendable, Equatable {
  public var weights: (x: Double, y: Double, w: Double, h: Double)
  /// The largest log-scale change decoding accepts.
  public static let scaleClip = log(1000.0 / 16)

  public init(weights: (x: Double, y: Double, w: Double, h: Double) = (1, 1, 1, 1)) {
    self.weights = weights
  }

  public static func == (a: BoxCoder, b: BoxCoder) -> Bool { a.weights == b.weights }

  /// The regression target (t_x, t_y, t_w, t_h) of `box` relative to `anchor`.
  public func encode(_ box: Box, relativeTo anchor: Box) -> [Double] {
    // BEGIN SOLUTION box-encode
    let (aw, ah) = (anchor.x2 - anchor.x1, anchor.y2 - anchor.y1)
    let (ax, ay) = (anchor.x1 + 0.5 * aw, anchor.y1 + 0.5 * ah)
    let (bw, bh) = (box.x2 - box.x1, box.y2 - box.y1)
    let (bx, by) = (box.x1 + 0.5 * bw, box.y1 + 0.5 * bh)
    return [weights.x * (bx - ax) / aw, weights.y * (by - ay) / ah, weights.w * log(bw / aw), weights.h * log(bh / ah)]
    // END SOLUTION
  }

  /// The box that the offsets (t_x, t_y, t_w, t_h) describe relative to `anchor`.
  public func decode(_ deltas: [Double], relativeTo anchor: Box) -> Box {
    precondition(deltas.count == 4, "BoxCoder.decode: expected 4 offsets, got \(deltas.count)")
    // BEGIN SOLUTION box-decode
    let (aw, ah) = (anchor.x2 - anchor.x1, anchor.y2 - anchor.y1)
    let (ax, ay) = (anchor.x1 + 0.5 * aw, anchor.y1 + 0.5 * ah)
    let dx = deltas[0] / weights.x, dy = deltas[1] / weights.y
    let dw = min(deltas[2] / weights.w, Self.scaleClip), dh = min(deltas[3] / weights.h, Self.scaleClip)
    let (cx, cy) = (ax + dx * aw, ay + dy * ah)
    let (w, h) = (exp(dw) * aw, exp(dh) * ah)
    return Box(x1: cx - 0.5 * w, y1: cy - 0.5 * h, x2: cx + 0.5 * w, y2: cy + 0.5 * h)
    // END SOLUTION
  }
}
