// A spatial transformer module (Jaderberg et al., "Spatial Transformer
// Networks", NIPS 2015, section 3): a localization network predicts an
// affine θ from the input, AffineGrid turns θ into source points, and
// BilinearSampler reads the input there. As one Layer, it drops into a
// Sequential in front of a classifier and trains end to end.
//
// Conventions: the localization network maps (N, C, H, W) to (N, 6), read as
// θ = [[θ0, θ1, θ2], [θ3, θ4, θ5]] (PyTorch's affine_grid layout); θ maps
// output coordinates to input coordinates (the transformer's output at
// normalized point t reads the input at θ (t, 1)ᵀ), so θ = identity copies the
// input. `initializeToIdentity` zeroes the last layer's weight and sets its
// bias to the identity, the paper's and PyTorch tutorial's start.
// Backward: dx = (through the sampler's input) + (through θ into the
// localization network); the parameters are the localization network's.
import Tensor

public final class SpatialTransformer: Layer {
  public struct Cache {
    let input: Tensor
    let grid: Tensor
    let trace: Trace
    /// θ of this pass, (N, 2, 3).
    public let theta: Tensor
  }

  public let name: String
  public let localization: Sequential
  public let grid: AffineGrid
  public let sampler: BilinearSampler
  public var parameters: [Parameter] { localization.parameters }

  public init(name: String, localization: Sequential, outputHeight: Int, outputWidth: Int, alignCorners: Bool = false) {
    self.name = name
    self.localization = localization
    grid = AffineGrid(height: outputHeight, width: outputWidth, alignCorners: alignCorners)
    sampler = BilinearSampler(alignCorners: alignCorners)
  }

  /// Zero weights and identity bias in the localization network's last Linear layer.
  public func initializeToIdentity() {
    guard let last = localization.layers.last as? Linear, last.bias.value.count == 6 else {
      preconditionFailure("SpatialTransformer(\(name)): the localization network must end in a Linear layer with 6 outputs")
    }
    last.weight.value = Tensor(zeros: last.weight.value.shape)
    last.bias.value = Tensor([1, 0, 0, 0, 1, 0])
  }

  /// θ (N, 2, 3) for `x`, in test mode.
  public func theta(_ x: Tensor) -> Tensor {
    localization.forward(x, mode: .test).reshaped([x.shape[0], 2, 3])
  }

  // snippet.layer
  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    var trace = Trace()
    let theta = localization.forward(x, mode: mode, trace: &trace).reshaped([x.shape[0], 2, 3])
    let points = grid(theta)
    return (sampler(x, grid: points), Cache(input: x, grid: points, trace: trace, theta: theta))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let (dx, dgrid) = sampler.backward(dout, input: cache.input, grid: cache.grid)
    let dtheta = grid.backward(dgrid).reshaped([cache.input.shape[0], 6])
    return dx + cache.trace.backward(seeds: [localization.outputName: dtheta], rule: rule)
  }
  // snippet.end
}
