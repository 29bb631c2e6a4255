// Regions of interest for RoI pooling and RoI Align (Girshick, "Fast R-CNN",
// ICCV 2015; He et al., "Mask R-CNN", ICCV 2017), in torchvision's layout:
// one row (batch index, x1, y1, x2, y2) per region, corners in input-image
// pixels, multiplied by `spatialScale` (1 / the feature stride) to reach the
// feature map. Coordinates stay Float32 because torchvision's CPU kernels do
// their arithmetic in the input's type, and the fixtures pin its bits.
//
// Threads: both operators split their work by channel. A channel plane of the
// input gradient is written by one thread only, which visits the regions in
// index order, their bins row by row and the samples of a bin in order, so
// the summation order (and the bits) do not depend on the thread count. That
// order is also the order of torchvision's CPU loops, whose backward is
// deterministic (its CUDA backward, with atomicAdd, is not: pytorch/vision#1058).
import Tensor

/// One region: an image of the batch and a box in input-image pixels.
public struct RegionOfInterest: Sendable, Equatable, Codable {
  public var batchIndex: Int
  public var x1: Float
  public var y1: Float
  public var x2: Float
  public var y2: Float

  public init(batchIndex: Int = 0, x1: Float, y1: Float, x2: Float, y2: Float) {
    (self.batchIndex, self.x1, self.y1, self.x2, self.y2) = (batchIndex, x1, y1, x2, y2)
  }

  /// Regions from torchvision's (K, 5) rows `[batch, x1, y1, x2, y2, ...]`.
  public static func rows(_ flat: [Float]) -> [RegionOfInterest] {
    precondition(flat.count % 5 == 0, "RegionOfInterest.rows: \(flat.count) numbers is not a multiple of 5")
    return stride(from: 0, to: flat.count, by: 5).map {
      RegionOfInterest(batchIndex: Int(flat[$0]), x1: flat[$0 + 1], y1: flat[$0 + 2], x2: flat[$0 + 3], y2: flat[$0 + 4])
    }
  }
}

/// The feature map's shape, checked once per call of an operator.
struct FeatureShape {
  let batch: Int, channels: Int, height: Int, width: Int
  var plane: Int { height * width }

  init(_ shape: [Int], rois: [RegionOfInterest], _ who: String) {
    precondition(shape.count == 4, "\(who): expected NCHW features, got shape \(shape)")
    (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
    for (k, r) in rois.enumerated() {
      precondition(r.batchIndex >= 0 && r.batchIndex < batch, "\(who): region \(k) names image \(r.batchIndex) of a batch of \(batch)")
    }
  }
}

/// Runs `body` on contiguous ranges of channels, one per thread when the work is large enough.
func forEachChannelRange(_ channels: Int, cost: Int, _ body: @Sendable (Range<Int>) -> Void) {
  Parallel.chunks(channels, cost: cost, body)
}
