// ReLU, y = max(x, 0), and the three ways gradient can flow back through it
// (BackwardRule): the lecture's saliency chapter contrasts all three.
import Tensor

public final class ReLU: Layer {
  public struct Cache { let input: Tensor }

  public let name: String
  public init(name: String) { self.name = name }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    var y = Tensor(uninitialized: x.shape)
    y.withMutablePointer { py in
      x.withPointer { px in
        let (py, px) = (SendablePointer(py), SendableConstPointer(px))
        Parallel.chunks(x.count) { range in
          let (y, x) = (py.base, px.base)
          for i in range { y[i] = max(x[i], 0) }
        }
      }
    }
    return (y, Cache(input: x))
  }

  // snippet.backward
  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    // BEGIN SOLUTION relu-backward
    var dx = Tensor(uninitialized: dout.shape)
    dx.withMutablePointer { out in
      dout.withPointer { d in
        cache.input.withPointer { x in
          let (out, d, x) = (SendablePointer(out), SendableConstPointer(d), SendableConstPointer(x))
          Parallel.chunks(dout.count) { range in
            let (out, d, x) = (out.base, d.base, x.base)
            switch rule {
            case .gradient:  // pass where the input was positive
              for i in range { out[i] = x[i] > 0 ? d[i] : 0 }
            case .deconvnet:  // pass where the gradient is positive
              for i in range { out[i] = max(d[i], 0) }
            case .guided:  // both
              for i in range { out[i] = x[i] > 0 ? max(d[i], 0) : 0 }
            }
          }
        }
      }
    }
    return dx
    // END SOLUTION
  }
  // snippet.end
}
