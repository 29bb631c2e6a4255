// The layer contract: cs231n's `out, cache = forward(x)` / `dx = backward(dout,
// cache)`, with parameter gradients *added* into `Parameter.grad` (llm.c's
// `+=`), so a parameter used twice receives both contributions. Every
// backward pass is written by hand next to its forward pass; a BackwardRule
// travels with the backward pass and only ReLU reads it.
import Tensor

/// Training or inference: Dropout and BatchNorm behave differently.
public enum Mode: Sendable { case train, test }

public protocol Layer: AnyObject {
  associatedtype Cache
  var name: String { get }
  var parameters: [Parameter] { get }
  func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache)
  func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor
  /// Only the parameter gradients (for the first layer of a training step,
  /// whose input gradient nobody reads). Defaults to `backward`.
  func backwardParameters(_ dout: Tensor, cache: Cache)
}

extension Layer {
  public var parameters: [Parameter] { [] }

  public func backwardParameters(_ dout: Tensor, cache: Cache) {
    _ = backward(dout, cache: cache, rule: .gradient)
  }
}

/// How gradient flows back through a ReLU (Springenberg et al., "Striving for
/// Simplicity: The All Convolutional Net", 2015, figure 1). Every other layer
/// ignores the rule.
public enum BackwardRule: Sendable {
  /// dx = dout * 1[x > 0]                 (ordinary backprop)
  case gradient
  /// dx = max(dout, 0)                    (Zeiler & Fergus 2014, deconvnet)
  case deconvnet
  /// dx = max(dout, 0) * 1[x > 0]         (guided backprop)
  case guided
}

/// A tensor a layer owns, with the gradient accumulated into it since `zeroGrad()`.
public final class Parameter {
  public let name: String
  public var value: Tensor
  public var grad: Tensor
  /// False for statistics such as BatchNorm's running mean: saved with the
  /// model, never changed by an optimizer.
  public let isTrainable: Bool

  public init(name: String, _ value: Tensor, trainable: Bool = true) {
    self.name = name
    self.value = value
    self.grad = .zeros(like: value)
    self.isTrainable = trainable
  }

  public func zeroGrad() {
    grad.scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}

/// He (Kaiming) initialization for a layer with `fanIn` inputs into a ReLU.
func heNormal(shape: [Int], fanIn: Int, using rng: inout SplitMix64) -> Tensor {
  Tensor.randomNormal(shape: shape, std: Float((2.0 / Double(fanIn)).squareRoot()), using: &rng)
}
