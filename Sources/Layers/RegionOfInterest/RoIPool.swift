// RoI max pooling (Girshick, "Fast R-CNN", ICCV 2015, §2.1): the region,
// snapped to the feature grid, is divided into H x W sub-windows and each
// output is the maximum of its sub-window, channel by channel.
//
// Conventions, exactly Caffe's ROIPoolingLayer (rbgirshick/caffe-fast-rcnn)
// and torchvision.ops.roi_pool's CPU kernel:
//   corners: x1' = round(x1 * scale), x2' = round(x2 * scale), rounding half
//     away from zero (C's round) after scaling; `Rounding.outward` (floor the
//     start, ceil the end) is the alternative the chapter compares;
//   inclusive extent ("+1"): w = max(x2' - x1' + 1, 1), h likewise, so a
//     degenerate or inverted region still reads one cell;
//   bin j of H covers rows [floor(j * h / H), ceil((j + 1) * h / H)) + y1',
//     clipped to the map: neighbouring bins may share a row when h / H is
//     not an integer, and a bin that falls outside the map is empty;
//   an empty bin outputs 0 and remembers no position; otherwise the first
//     maximum in row-major order wins (strict >), and its position is kept.
// Backward adds dout to the remembered position (nothing for empty bins), in
// the thread-independent order of RegionOfInterest.swift's header.
import Tensor

public struct RoIPool: Sendable {
  public enum Rounding: String, Sendable, Codable, CaseIterable {
    /// round(x * scale), halves away from zero (Caffe, torchvision).
    case nearest
    /// floor for the start corner, ceil for the end corner: never cuts a cell the region touches.
    case outward
  }

  public var outputHeight: Int
  public var outputWidth: Int
  public var spatialScale: Float
  public var rounding: Rounding

  public init(outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float, rounding: Rounding = .nearest) {
    precondition(outputHeight > 0 && outputWidth > 0, "RoIPool: output size must be positive, got \(outputHeight) x \(outputWidth)")
    precondition(spatialScale > 0 && spatialScale.isFinite, "RoIPool: spatialScale must be positive, got \(spatialScale)")
    (self.outputHeight, self.outputWidth, self.spatialScale, self.rounding) = (outputHeight, outputWidth, spatialScale, rounding)
  }

  /// The cells one bin reads: rows y0..<y1, columns x0..<x1 of the feature map (empty when either range is).
  public struct Window: Sendable, Equatable {
    public var y0: Int, y1: Int, x0: Int, x1: Int
    public var isEmpty: Bool { y1 <= y0 || x1 <= x0 }
  }

  public struct Cache: Sendable {
    public let rois: [RegionOfInterest]
    public let inputShape: [Int]
    /// (K, C, H, W) position of each maximum in its feature plane, -1 for an empty bin.
    public let argmax: [Int32]
  }

  /// The region's corners on the feature grid: (x1', y1', x2', y2') before the "+1".
  public func snapped(_ r: RegionOfInterest) -> (x1: Int, y1: Int, x2: Int, y2: Int) {
    precondition(r.x1.isFinite && r.y1.isFinite && r.x2.isFinite && r.y2.isFinite, "RoIPool: region \(r) has a non-finite corner")
    let (a, b, c, d) = (r.x1 * spatialScale, r.y1 * spatialScale, r.x2 * spatialScale, r.y2 * spatialScale)
    switch rounding {
    case .nearest:
      return (Int(a.rounded(.toNearestOrAwayFromZero)), Int(b.rounded(.toNearestOrAwayFromZero)),
              Int(c.rounded(.toNearestOrAwayFromZero)), Int(d.rounded(.toNearestOrAwayFromZero)))
    case .outward:
      // The end is inclusive, so the cell holding x2 * scale is the last one read.
      return (Int(a.rounded(.down)), Int(b.rounded(.down)), Int((c - 1).rounded(.up)), Int((d - 1).rounded(.up)))
    }
  }

  /// Every bin's window for region `r` on a height x width map, row by row.
  public func windows(_ r: RegionOfInterest, height: Int, width: Int) -> [Window] {
    // snippet.bins
    let s = snapped(r)
    let roiW = max(s.x2 - s.x1 + 1, 1), roiH = max(s.y2 - s.y1 + 1, 1)
    let binH = Float(roiH) / Float(outputHeight), binW = Float(roiW) / Float(outputWidth)
    var out: [Window] = []
    out.reserveCapacity(outputHeight * outputWidth)
    for ph in 0..<outputHeight {
      let h0 = Int((Float(ph) * binH).rounded(.down)), h1 = Int((Float(ph + 1) * binH).rounded(.up))
      let y0 = min(max(h0 + s.y1, 0), height), y1 = min(max(h1 + s.y1, 0), height)
      for pw in 0..<outputWidth {
        let w0 = Int((Float(pw) * binW).rounded(.down)), w1 = Int((Float(pw + 1) * binW).rounded(.up))
        out.append(Window(y0: y0, y1: y1, x0: min(max(w0 + s.x1, 0), width), x1: min(max(w1 + s.x1, 0), width)))
      }
    }
    // snippet.end
    return out
  }

  /// (K, C, H, W) pooled features of `rois` over NCHW `features`.
  public func forward(_ features: Tensor, rois: [RegionOfInterest]) -> (output: Tensor, cache: Cache) {
    let shape = FeatureShape(features.shape, rois: rois, "RoIPool")
    let bins = outputHeight * outputWidth, k = rois.count, channels = shape.channels, plane = shape.plane, width = shape.width
    // Every bin's window as (y0, y1, x0, x1), region by region.
    var flat = [Int32]()
    flat.reserveCapacity(4 * k * bins)
    var cost = 0
    for r in rois {
      for w in windows(r, height: shape.height, width: shape.width) {
        flat += [Int32(w.y0), Int32(w.y1), Int32(w.x0), Int32(w.x1)]
        cost += max((w.y1 - w.y0) * (w.x1 - w.x0), 1)
      }
    }
    var output = Tensor(zeros: [k, channels, outputHeight, outputWidth])
    var argmax = [Int32](repeating: -1, count: k * channels * bins)
    if k == 0 { return (output, Cache(rois: rois, inputShape: features.shape, argmax: argmax)) }
    features.withPointer { inputBase in
      output.withMutablePointer { outBase in
        argmax.withUnsafeMutableBufferPointer { arg in
          flat.withUnsafeBufferPointer { win in
            let (inP, outP, argP) = (SendableConstPointer(inputBase), SendablePointer(outBase), SendablePointer(arg.baseAddress!))
            let winP = SendableConstPointer(win.baseAddress!)
            forEachChannelRange(channels, cost: cost) { range in
              for c in range {
                for n in 0..<k {
                  let input = inP.base + (rois[n].batchIndex * channels + c) * plane
                  let at = (n * channels + c) * bins
                  for b in 0..<bins {
                    let wp = winP.base + 4 &* (n &* bins &+ b)
                    let (y0, y1, x0, x1) = (Int(wp[0]), Int(wp[1]), Int(wp[2]), Int(wp[3]))
                    var best: Float = 0, index: Int = -1
                    if y1 > y0 && x1 > x0 {
                      best = -Float.greatestFiniteMagnitude
                      var y = y0
                      while y < y1 {
                        let row = input + y &* width
                        var x = x0
                        while x < x1 {
                          if row[x] > best { best = row[x]; index = y &* width &+ x }
                          x &+= 1
                        }
                        y &+= 1
                      }
                    }
                    outP.base[at &+ b] = best
                    argP.base[at &+ b] = Int32(truncatingIfNeeded: index)
                  }
                }
              }
            }
          }
        }
      }
    }
    return (output, Cache(rois: rois, inputShape: features.shape, argmax: argmax))
  }

  /// The gradient with respect to the features: each output's gradient goes to its maximum.
  public func backward(_ dout: Tensor, cache: Cache) -> Tensor {
    let shape = FeatureShape(cache.inputShape, rois: cache.rois, "RoIPool.backward")
    let rois = cache.rois, bins = outputHeight * outputWidth, k = rois.count, channels = shape.channels, plane = shape.plane
    precondition(dout.shape == [k, channels, outputHeight, outputWidth], "RoIPool.backward: dout has shape \(dout.shape), expected \([k, channels, outputHeight, outputWidth])")
    var dx = Tensor(zeros: cache.inputShape)
    if k == 0 { return dx }
    dout.withPointer { gBase in
      dx.withMutablePointer { dxBase in
        cache.argmax.withUnsafeBufferPointer { arg in
          let (gP, dxP, argP) = (SendableConstPointer(gBase), SendablePointer(dxBase), SendableConstPointer(arg.baseAddress!))
          forEachChannelRange(channels, cost: k * bins) { range in
            for c in range {
              for n in 0..<k {
                let grad = dxP.base + (rois[n].batchIndex * channels + c) * plane
                let at = (n * channels + c) * bins
                for b in 0..<bins where argP.base[at + b] >= 0 {
                  grad[Int(argP.base[at + b])] += gP.base[at + b]
                }
              }
            }
          }
        }
      }
    }
    return dx
  }
}
