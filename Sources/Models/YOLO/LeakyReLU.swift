// Leaky ReLU, y = x for x > 0 and y = a x otherwise (Maas et al., "Rectifier
// Nonlinearities Improve Neural Network Acoustic Models", ICML 2013). YOLO
// v1 uses it with a = 0.1 after every layer but the last (Redmon et al.,
// CVPR 2016, eq. 2). Backward: dx = dout where x > 0, a dout elsewhere;
// the BackwardRule (deconvnet, guided) is for ReLU only and ignored here.
// It lives in Models/YOLO, not Layers, so adding it changes no other
// model's cache key (Layers is in every key).
import Layers
import Tensor

public final class LeakyReLU: Layer {
  public struct Cache { let input: Tensor }

  public let name: String
  public let slope: Float

  public init(name: String, slope: Float = 0.1) { (self.name, self.slope) = (name, slope) }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let a = slope
    return (x.map { $0 > 0 ? $0 : a * $0 }, Cache(input: x))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    precondition(dout.shape == cache.input.shape, "LeakyReLU(\(name)): gradient \(dout.shape) for input \(cache.input.shape)")
    var dx = dout
    let a = slope
    cache.input.withPointer { x in
      dx.withMutablePointer { d in
        for i in 0..<dout.count where x[i] <= 0 { d[i] *= a }
      }
    }
    return dx
  }
}
