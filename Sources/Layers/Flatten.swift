// (N, C, H, W) -> (N, C*H*W), and back for the gradient.
import Tensor

public final class Flatten: Layer {
  public struct Cache { let inputShape: [Int] }

  public let name: String
  public init(name: String) { self.name = name }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    (x.reshaped([x.shape[0], x.count / max(x.shape[0], 1)]), Cache(inputShape: x.shape))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    dout.reshaped(cache.inputShape)
  }
}
