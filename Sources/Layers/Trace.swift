// The record of one forward pass: each layer's output and a pullback that
// calls that layer's own backward with the cache its forward returned;
// `backward` replays the pullbacks in reverse (micrograd's
// `for v in reversed(topo): v._backward()`, at the granularity of layers).
//
// Gradients can be seeded at several named layers (style transfer puts
// losses at several depths): each seed is added as the replay passes the
// output of its layer. The BackwardRule travels with the replay.
import Tensor

public struct Trace {
  struct Step {
    let name: String
    let output: Tensor
    let pullback: (Tensor, BackwardRule) -> Tensor
    let parameterPullback: (Tensor) -> Void
  }

  private(set) var steps: [Step] = []

  /// Whether Sequential may run a ReLU and the MaxPool2D after it as one
  /// step (recorded under the pool's name; the ReLU's output is then not
  /// kept, so `activation` and seeds cannot name it). Same gradients.
  public let fusesReLUPool: Bool

  public init(fusingReLUPool: Bool = false) { fusesReLUPool = fusingReLUPool }

  mutating func record<L: Layer>(_ layer: L, output: Tensor, cache: L.Cache) {
    steps.append(
      Step(
        name: layer.name, output: output, pullback: { dout, rule in layer.backward(dout, cache: cache, rule: rule) },
        parameterPullback: { dout in layer.backwardParameters(dout, cache: cache) }))
  }

  /// Names of the traced layers, in forward order.
  mutating func recordFused(name: String, output: Tensor, cache: ReLUMaxPool.Cache) {
    let pullback: (Tensor, BackwardRule) -> Tensor = { dout, rule in ReLUMaxPool.backward(dout, cache: cache, rule: rule) }
    steps.append(Step(name: name, output: output, pullback: pullback, parameterPullback: { _ = pullback($0, .gradient) }))
  }

  public var layerNames: [String] { steps.map(\.name) }

  /// The output of the named layer in this pass, or nil.
  public func activation(_ name: String) -> Tensor? {
    steps.last { $0.name == name }?.output
  }

  /// dL/d(input), given dL/d(output of layer) for each seeded layer name.
  /// With `inputGradient: false` (training) the first layer computes only its
  /// parameter gradients and an empty tensor is returned.
  @discardableResult
  public func backward(seeds: [String: Tensor], rule: BackwardRule = .gradient, inputGradient: Bool = true) -> Tensor {
    let unknown = Set(seeds.keys).subtracting(steps.map(\.name))
    precondition(unknown.isEmpty, "Trace.backward: no traced layer named \(unknown.sorted()) (have \(layerNames))")
    var grad: Tensor? = nil
    for (index, step) in steps.enumerated().reversed() {
      if let seed = seeds[step.name] {
        precondition(seed.shape == step.output.shape, "Trace.backward: seed for \(step.name) has shape \(seed.shape), output \(step.output.shape)")
        grad = grad.map { $0 + seed } ?? seed
      }
      guard let g = grad else { continue }
      if index == 0 && !inputGradient {
        step.parameterPullback(g)
        return Tensor(zeros: [0])
      }
      grad = step.pullback(g, rule)
    }
    guard let grad else { preconditionFailure("Trace.backward: nothing was traced") }
    return grad
  }
}
