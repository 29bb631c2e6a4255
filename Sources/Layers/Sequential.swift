// A chain of layers. `forward(_:mode:trace:)` records every layer into a
// Trace; `forward(_:mode:)` is the inference path that keeps nothing.
// A ReLU directly followed by a MaxPool2D runs as one fused pass
// (ReLUMaxPool.swift, same bits) on the inference path, and on the traced
// path when the trace was made with `fusingReLUPool: true`.
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
    var i = 0
    while i < layers.count {
      if trace.fusesReLUPool, let pool = fusedPool(after: i) {
        let (y, cache) = ReLUMaxPool.forward(h, window: pool.window, layer: "ReLU+MaxPool2D(\(layers[i].name), \(pool.name))")
        trace.recordFused(name: pool.name, output: y, cache: cache)
        h = y
        i += 2
        continue
      }
      let layer = layers[i]
      h = step(layer, h, mode, &trace)
      i += 1
    }
    return h
  }

  public func forward(_ x: Tensor, mode: Mode) -> Tensor {
    var h = x
    var i = 0
    while i < layers.count {
      if let pool = fusedPool(after: i) {
        h = ReLUMaxPool.forward(h, window: pool.window, layer: "ReLU+MaxPool2D(\(layers[i].name), \(pool.name))").output
        i += 2
        continue
      }
      h = layers[i].forward(h, mode: mode).output
      i += 1
    }
    return h
  }

  /// The MaxPool2D that layer `index` (a ReLU) feeds directly, if any.
  func fusedPool(after index: Int) -> MaxPool2D? {
    guard layers[index] is ReLU, index + 1 < layers.count else { return nil }
    return layers[index + 1] as? MaxPool2D
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
