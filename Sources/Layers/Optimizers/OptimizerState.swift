// An optimizer's state as named tensors, so that a training run can stop at
// an epoch's end and resume with exactly the same bits: SGD's velocity per
// parameter, Adam's two moments per parameter and its step count. Names are
// the parameters' names in the network ("conv1.weight" -> "velocity.conv1.weight").
import Tensor

public protocol StatefulOptimizer: Optimizer {
  /// The state, keyed by the names of `parameters`.
  func state(of parameters: [(name: String, parameter: Parameter)]) -> [(name: String, tensor: Tensor)]
  /// Puts back a state saved by `state(of:)` for the same named parameters.
  mutating func restore(_ tensors: [String: Tensor], of parameters: [(name: String, parameter: Parameter)])
}

extension SGD: StatefulOptimizer {
  public func state(of parameters: [(name: String, parameter: Parameter)]) -> [(name: String, tensor: Tensor)] {
    parameters.compactMap { named in velocity[ObjectIdentifier(named.parameter)].map { ("velocity." + named.name, $0) } }
  }

  public mutating func restore(_ tensors: [String: Tensor], of parameters: [(name: String, parameter: Parameter)]) {
    velocity = [:]
    for named in parameters { if let v = tensors["velocity." + named.name] { velocity[ObjectIdentifier(named.parameter)] = v } }
  }
}

extension Adam: StatefulOptimizer {
  public func state(of parameters: [(name: String, parameter: Parameter)]) -> [(name: String, tensor: Tensor)] {
    var out: [(name: String, tensor: Tensor)] = [("adam.steps", Tensor(shape: [1], scalars: [Float(steps)]))]
    for named in parameters {
      if let (m, v) = moments[ObjectIdentifier(named.parameter)] { out += [("adam.m." + named.name, m), ("adam.v." + named.name, v)] }
    }
    return out
  }

  public mutating func restore(_ tensors: [String: Tensor], of parameters: [(name: String, parameter: Parameter)]) {
    moments = [:]
    steps = Int(tensors["adam.steps"]?.scalars.first ?? 0)
    for named in parameters {
      if let m = tensors["adam.m." + named.name], let v = tensors["adam.v." + named.name] { moments[ObjectIdentifier(named.parameter)] = (m, v) }
    }
  }
}
