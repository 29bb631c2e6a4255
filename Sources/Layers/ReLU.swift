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
      let p = SendablePointer(p)
      Parallel.chunks(x.count) { range in
        let p = p.base
        for i in range { p[i] = max(p[i], 0) }
      }
    }
    return (y, Cache(input: x))
  }

  // snippet.backward
  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    var dx = dout
    dx.withMutablePointer { d in
      cache.input.withPointer { x in
        let (d, x) = (SendablePointer(d), SendableConstPointer(x))
        Parallel.chunks(dout.count) { range in
          let (d, x) = (d.base, x.base)
          switch rule {
          case .gradient:  // pass where the input was positive
            for i in range { d[i] = x[i] > 0 ? d[i] : 0 }
          case .deconvnet:  // pass where the gradient is positive
            for i in range { d[i] = max(d[i], 0) }
          case .guided:  // both
            for i in range { d[i] = x[i] > 0 ? max(d[i], 0) : 0 }
          }
        }
      }
    }
    return dx
  }
  // snippet.end
}
