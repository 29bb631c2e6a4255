// RoI Align (He, Gkioxari, Dollár, Girshick, "Mask R-CNN", ICCV 2017, §3):
// no rounding anywhere. The region, scaled to the feature map, is divided
// into H x W equal bins; each bin averages the bilinear interpolation of the
// features at gh x gw evenly spaced points, where g = `samplingRatio`, or
// ceil(region side / bins) when it is 0 (adaptive, torchvision's default).
//
// Conventions, exactly torchvision.ops.roi_align's CPU kernel (its Float32
// operation order too, so results match to the last bit or so):
//   start = x1 * scale - o, end = x2 * scale - o, with o = 0.5 when `aligned`
//     (the half-pixel shift of pytorch/vision#1908: feature cell i has its
//     centre at i + 0.5, so a continuous box maps onto the cell centres), else 0;
//   not aligned: a region narrower than one cell is widened to 1 (its start kept);
//   aligned: a degenerate or inverted region gives no samples and outputs 0;
//   sample y = start + ph * binH + (iy + 0.5) * binH / gh;
//   a sample with y < -1 or y > H (or x likewise) contributes 0; otherwise y
//     is clamped to [0, H - 1] and interpolated between floor(y) and floor(y) + 1.
// Backward scatters dout * w / count to the four neighbours of every sample
// (the order of RegionOfInterest.swift's header: the same bits on any thread count).
import Tensor

public struct RoIAlign: Sendable {
  public var outputHeight: Int
  public var outputWidth: Int
  public var spatialScale: Float
  /// Samples per bin side; 0 means adaptive, ceil(region side / bins).
  public var samplingRatio: Int
  public var aligned: Bool

  public init(outputHeight: Int = 7, outputWidth: Int = 7, spatialScale: Float, samplingRatio: Int = 0, aligned: Bool = true) {
    precondition(outputHeight > 0 && outputWidth > 0, "RoIAlign: output size must be positive, got \(outputHeight) x \(outputWidth)")
    precondition(samplingRatio >= 0, "RoIAlign: samplingRatio must be >= 0 (0 = adaptive), got \(samplingRatio)")
    precondition(spatialScale > 0 && spatialScale.isFinite, "RoIAlign: spatialScale must be positive, got \(spatialScale)")
    (self.outputHeight, self.outputWidth, self.spatialScale) = (outputHeight, outputWidth, spatialScale)
    (self.samplingRatio, self.aligned) = (samplingRatio, aligned)
  }

  /// Where every sample of every bin of every region reads, shared by all channels.
  public struct Samples: Sendable {
    /// The four neighbours of each sample in a feature plane (-1: the sample is outside and reads nothing).
    public var positions: [Int32]
    /// Their bilinear weights, 4 per sample.
    public var weights: [Float]
    /// Index of region k's first sample; its samples run bin by bin, gh x gw per bin.
    public var firstSample: [Int]
    /// Samples per bin (gh * gw; 0 for a region with no samples) and the divisor max(gh * gw, 1).
    public var perBin: [Int]
    public var divisor: [Float]

    /// Consecutive regions whose samples fill about 256 KB: each thread runs its
    /// channels block by block, so the sample table stays in cache while the
    /// regions of one plane are still visited in index order.
    func regionBlocks(samplesPerBlock: Int = 8192) -> [Range<Int>] {
      var blocks: [Range<Int>] = [], start = 0
      for n in firstSample.indices {
        let end = n + 1 < firstSample.count ? firstSample[n + 1] : positions.count / 4
        if end - firstSample[start] >= samplesPerBlock || n + 1 == firstSample.count {
          blocks.append(start..<(n + 1))
          start = n + 1
        }
      }
      return blocks
    }
  }

  public struct Cache: Sendable {
    public let rois: [RegionOfInterest]
    public let inputShape: [Int]
    public let samples: Samples
  }

  /// The sampling grid of every region (the precalculation of torchvision's CPU kernel).
  public func samples(for rois: [RegionOfInterest], height: Int, width: Int) -> Samples {
    var s = Samples(positions: [], weights: [], firstSample: [], perBin: [], divisor: [])
    let offset: Float = aligned ? 0.5 : 0
    let (fh, fw) = (Float(height), Float(width))
    for r in rois {
      precondition(r.x1.isFinite && r.y1.isFinite && r.x2.isFinite && r.y2.isFinite, "RoIAlign: region \(r) has a non-finite corner")
      // snippet.samples
      let startW = r.x1 * spatialScale - offset, startH = r.y1 * spatialScale - offset
      let endW = r.x2 * spatialScale - offset, endH = r.y2 * spatialScale - offset
      var roiW = endW - startW, roiH = endH - startH
      if !aligned { roiW = max(roiW, 1); roiH = max(roiH, 1) }
      let binH = roiH / Float(outputHeight), binW = roiW / Float(outputWidth)
      let gh = samplingRatio > 0 ? samplingRatio : Int((roiH / Float(outputHeight)).rounded(.up))
      let gw = samplingRatio > 0 ? samplingRatio : Int((roiW / Float(outputWidth)).rounded(.up))
      let (gridH, gridW) = (max(gh, 0), max(gw, 0))
      s.firstSample.append(s.positions.count / 4)
      s.perBin.append(gridH * gridW)
      s.divisor.append(Float(max(gh * gw, 1)))
      for ph in 0..<outputHeight {
        for pw in 0..<outputWidth {
          for iy in 0..<gridH {
            let yy = startH + Float(ph) * binH + (Float(iy) + 0.5) * binH / Float(gridH)
            for ix in 0..<gridW {
              let xx = startW + Float(pw) * binW + (Float(ix) + 0.5) * binW / Float(gridW)
              appendSample(&s, y: yy, x: xx, height: height, width: width, fh: fh, fw: fw)
            }
          }
        }
      }
      // snippet.end
    }
    return s
  }

  private func appendSample(_ s: inout Samples, y yy: Float, x xx: Float, height: Int, width: Int, fh: Float, fw: Float) {
    if yy < -1 || yy > fh || xx < -1 || xx > fw {
      s.positions += [-1, -1, -1, -1]
      s.weights += [0, 0, 0, 0]
      return
    }
    var (y, x) = (max(yy, 0), max(xx, 0))
    var yLow = Int(y), xLow = Int(x), yHigh: Int, xHigh: Int
    if yLow >= height - 1 { yLow = height - 1; yHigh = yLow; y = Float(yLow) } else { yHigh = yLow + 1 }
    if xLow >= width - 1 { xLow = width - 1; xHigh = xLow; x = Float(xLow) } else { xHigh = xLow + 1 }
    let ly = y - Float(yLow), lx = x - Float(xLow)
    // torchvision writes `1. - ly`: a double subtraction rounded to float.
    let hy = Float(1.0 - Double(ly)), hx = Float(1.0 - Double(lx))
    s.positions += [Int32(yLow * width + xLow), Int32(yLow * width + xHigh), Int32(yHigh * width + xLow), Int32(yHigh * width + xHigh)]
    s.weights += [hy * hx, hy * lx, ly * hx, ly * lx]
  }

  /// (K, C, H, W) pooled features of `rois` over NCHW `features`.
  public func forward(_ features: Tensor, rois: [RegionOfInterest]) -> (output: Tensor, cache: Cache) {
    let shape = FeatureShape(features.shape, rois: rois, "RoIAlign")
    let samples = samples(for: rois, height: shape.height, width: shape.width)
    let bins = outputHeight * outputWidth
    let k = rois.count, channels = shape.channels, plane = shape.plane
    var output = Tensor(zeros: [k, channels, outputHeight, outputWidth])
    let cache = Cache(rois: rois, inputShape: features.shape, samples: samples)
    if samples.positions.isEmpty { return (output, cache) }  // no region reads anything: zeros
    let perChannel = max(samples.positions.count, k * bins)
    let blocks = samples.regionBlocks()
    features.withPointer { inputBase in
      output.withMutablePointer { outBase in
        samples.positions.withUnsafeBufferPointer { pos in
          samples.weights.withUnsafeBufferPointer { w in
            let (inP, outP) = (SendableConstPointer(inputBase), SendablePointer(outBase))
            let (posP, wP) = (SendableConstPointer(pos.baseAddress!), SendableConstPointer(w.baseAddress!))
            forEachChannelRange(channels, cost: perChannel) { range in
              for block in blocks {
                for c in range {
                  for n in block {
                    let input = inP.base + (rois[n].batchIndex * channels + c) * plane
                    let out = outP.base + (n * channels + c) * bins
                    var sample = samples.firstSample[n]
                    let (count, divisor) = (samples.perBin[n], samples.divisor[n])
                    for b in 0..<bins {
                      var value: Float = 0
                      for _ in 0..<count {
                        let p = posP.base + 4 &* sample, q = wP.base + 4 &* sample
                        sample &+= 1
                        if p[0] < 0 { continue }  // outside: adds 0, exactly as torchvision's zero weights
                        value += q[0] * input[Int(p[0])] + q[1] * input[Int(p[1])] + q[2] * input[Int(p[2])] + q[3] * input[Int(p[3])]
                      }
                      out[b] = value / divisor
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (output, cache)
  }

  /// The gradient with respect to the features (regions are constants, as in torchvision).
  public func backward(_ dout: Tensor, cache: Cache) -> Tensor {
    let shape = FeatureShape(cache.inputShape, rois: cache.rois, "RoIAlign.backward")
    let rois = cache.rois, samples = cache.samples
    let bins = outputHeight * outputWidth, k = rois.count, channels = shape.channels, plane = shape.plane
    precondition(dout.shape == [k, channels, outputHeight, outputWidth], "RoIAlign.backward: dout has shape \(dout.shape), expected \([k, channels, outputHeight, outputWidth])")
    var dx = Tensor(zeros: cache.inputShape)
    if samples.positions.isEmpty { return dx }
    let perChannel = max(samples.positions.count, k * bins)
    let blocks = samples.regionBlocks()
    dout.withPointer { doutBase in
      dx.withMutablePointer { dxBase in
        samples.positions.withUnsafeBufferPointer { pos in
          samples.weights.withUnsafeBufferPointer { w in
            let (gP, dxP) = (SendableConstPointer(doutBase), SendablePointer(dxBase))
            let (posP, wP) = (SendableConstPointer(pos.baseAddress!), SendableConstPointer(w.baseAddress!))
            forEachChannelRange(channels, cost: perChannel) { range in
              for block in blocks {
                for c in range {
                  for n in block {
                    let grad = dxP.base + (rois[n].batchIndex * channels + c) * plane
                    let g = gP.base + (n * channels + c) * bins
                    var sample = samples.firstSample[n]
                    let (count, divisor) = (samples.perBin[n], samples.divisor[n])
                    for b in 0..<bins {
                      let gBin = g[b]
                      for _ in 0..<count {
                        let p = posP.base + 4 &* sample, q = wP.base + 4 &* sample
                        sample &+= 1
                        if p[0] < 0 { continue }
                        grad[Int(p[0])] += gBin * q[0] / divisor
                        grad[Int(p[1])] += gBin * q[1] / divisor
                        grad[Int(p[2])] += gBin * q[2] / divisor
                        grad[Int(p[3])] += gBin * q[3] / divisor
                      }
                    }
                  }
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
