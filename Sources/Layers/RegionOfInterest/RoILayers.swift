// RoIPool and RoIAlign as Layers over a fixed set of regions, so that
// gradient checks (GradientCheck.swift) and chains of layers can use them.
// Fast R-CNN's layer has two inputs (the feature map and the regions); the
// regions are not differentiated (torchvision's operators do not either),
// so here they are part of the layer: set `rois` before each forward pass.
import Tensor

/// `RoIPool` over `rois`: (N, C, H, W) features -> (K, C, outH, outW).
public final class RoIPoolLayer: Layer {
  public let name: String
  public var pool: RoIPool
  public var rois: [RegionOfInterest]

  public init(name: String = "roi_pool", _ pool: RoIPool, rois: [RegionOfInterest]) {
    (self.name, self.pool, self.rois) = (name, pool, rois)
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: RoIPool.Cache) {
    pool.forward(x, rois: rois)
  }

  public func backward(_ dout: Tensor, cache: RoIPool.Cache, rule: BackwardRule) -> Tensor {
    pool.backward(dout, cache: cache)
  }
}

/// `RoIAlign` over `rois`: (N, C, H, W) features -> (K, C, outH, outW).
public final class RoIAlignLayer: Layer {
  public let name: String
  public var align: RoIAlign
  public var rois: [RegionOfInterest]

  public init(name: String = "roi_align", _ align: RoIAlign, rois: [RegionOfInterest]) {
    (self.name, self.align, self.rois) = (name, align, rois)
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: RoIAlign.Cache) {
    align.forward(x, rois: rois)
  }

  public func backward(_ dout: Tensor, cache: RoIAlign.Cache, rule: BackwardRule) -> Tensor {
    align.backward(dout, cache: cache)
  }
}
