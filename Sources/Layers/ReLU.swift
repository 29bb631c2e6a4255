// ReLU, y = max(x, 0), and the three ways gradient can flow back through it
// (BackwardRule): the lecture's saliency chapter contrasts all three.
import Tensor

public final class ReLU: Layer {
  public struct Cache { let input: Tensor }

  public let name: String
  public init(name: String) { self.name = name }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    var y = x
    y.withMutablePointer { p in
      for i in 0..<x.count where p[i] < 0 { p[i] = 0 }
    }
    return (y, Cache(input: x))
  }

  // snippet.backward
  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    var dx = dout
    dx.withMutablePointer { d in
      cache.input.withPointer { x in
        for i in 0..<dout.count {
          switch rule {
          case .gradient: if !(x[i] > 0) { d[i] = 0 }  // pass where the input was positive
          case .deconvnet: if d[i] < 0 { d[i] = 0 }  // pass where the gradient is positive
          case .guided: if !(x[i] > 0) || d[i] < 0 { d[i] = 0 }  // both
          }
        }
      }
    }
    return dx
  }
  // snippet.end
}
