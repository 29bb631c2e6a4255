// A chain of layers. `forward(_:mode:trace:)` records every layer into a
// Trace; `forward(_:mode:)` is the inference path that keeps nothing.
import Tensor

public final class Sequential {
  public let layers: [any Layer]

  public init(_ layers: [any Layer]) {
    let names = layers.map(\.name)
    precondition(Set(names).count == names.count, "Sequential: layer names must be unique, got \(names)")
    self.layers = layers
  }

  /// Every parameter, named `<layer>.<parameter>` (the names model files use).
  public var namedParameters: [(name: String, parameter: Parameter)] {
    layers.flatMap { layer in layer.parameters.map { (layer.name + "." + $0.name, $0) } }
  }

  public var parameters: [Parameter] { namedParameters.map(\.parameter) }

  public var outputName: String { layers.last?.name ?? "" }

  public func forward(_ x: Tensor, mode: Mode, trace: inout Trace) -> Tensor {
    var h = x
    for layer in layers { h = step(layer, h, mode, &trace) }
    return h
  }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    var h = x
    for layer in layers { h = layer.forward(h, mode: mode).output }
    return h
  }

  public func zeroGrad() { for p in parameters { p.zeroGrad() } }

  public var parameterCount: Int { parameters.filter(\.isTrainable).map(\.value.count).reduce(0, +) }
}

/// Opens the existential so each layer's own Cache type is kept.
private func step<L: Layer>(_ layer: L, _ x: Tensor, _ mode: Mode, _ trace: inout Trace) -> Tensor {
  let (y, cache) = layer.forward(x, mode: mode)
  trace.record(layer, output: y, cache: cache)
  return y
}
