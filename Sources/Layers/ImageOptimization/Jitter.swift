// Jitter as an exact circular roll (CS231n's class-visualization `jitter`,
// which concatenates the two halves along W and H: torch.roll's
// convention). out[(i + dy) mod H, (j + dx) mod W] = x[i, j]. A roll is a
// permutation, so its inverse is its adjoint: roll(-dy, -dx) undoes it
// exactly, and the gradient of f(roll(x)) is roll⁻¹(∇f).
import Tensor

public struct Jitter: Sendable, Equatable {
  public var dy: Int
  public var dx: Int

  public init(dy: Int, dx: Int) { (self.dy, self.dx) = (dy, dx) }

  /// A shift drawn uniformly from [-maximum, maximum]² (CS231n's `max_jitter`).
  public static func random(maximum: Int, using rng: inout SplitMix64) -> Jitter {
    Jitter(dy: rng.nextInt(below: 2 * maximum + 1) - maximum, dx: rng.nextInt(below: 2 * maximum + 1) - maximum)
  }

  public var inverse: Jitter { Jitter(dy: -dy, dx: -dx) }

  /// Every plane of `x` (N, C, H, W) rolled by (dy, dx).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "Jitter: expected (N, C, H, W), got \(x.shape)")
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    let (sy, sx) = (((dy % h) + h) % h, ((dx % w) + w) % w)
    var out = Tensor(uninitialized: x.shape)
    x.withPointer { src in
      out.withMutablePointer { dst in
        for p in 0..<planes {
          let base = p * h * w
          for i in 0..<h {
            let oi = (i + sy) % h
            for j in 0..<w { dst[base + oi * w + (j + sx) % w] = src[base + i * w + j] }
          }
        }
      }
    }
    return out
  }
}
