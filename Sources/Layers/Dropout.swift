// Inverted dropout (Srivastava et al., JMLR 2014): in training, zero each
// unit with probability p and scale the survivors by 1/(1-p), so inference
// is the identity. The mask comes from the layer's own seeded generator,
// advanced once per training forward pass: same seed, same masks.
import Tensor

public final class Dropout: Layer {
  public struct Cache { let mask: [Float]? }  // nil in test mode

  public let name: String
  public let probability: Float
  /// The generator the masks are drawn from (tests rewind it to replay a mask).
  public var rng: SplitMix64

  public init(name: String, probability: Float, seed: UInt64) {
    precondition(probability >= 0 && probability < 1, "Dropout(\(name)): probability \(probability) must be in [0, 1)")
    self.name = name
    self.probability = probability
    rng = SplitMix64(seed: seed)
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    guard mode == .train && probability > 0 else { return (x, Cache(mask: nil)) }
    let keep = 1 - probability
    let scale = 1 / keep
    let mask = (0..<x.count).map { _ in rng.nextUniform() < Double(keep) ? scale : 0 }
    var y = x
    y.withMutablePointer { p in for i in 0..<mask.count { p[i] *= mask[i] } }
    return (y, Cache(mask: mask))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    guard let mask = cache.mask else { return dout }
    var dx = dout
    dx.withMutablePointer { p in for i in 0..<mask.count { p[i] *= mask[i] } }
    return dx
  }
}
