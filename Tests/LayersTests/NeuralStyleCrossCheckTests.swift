// The neural-style objective against PyTorch autograd (scripts/crosscheck_neural_style.py,
// torch 2.15.0): content + Gram style + TV through conv-ReLU-avgpool-conv-ReLU, content at
// relu2 which is also a style layer. Every tensor is a closed formula rebuilt here.
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct NeuralStyleCrossCheckTests {
  static func tensor(_ shape: [Int], _ f: (Double) -> Double) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(f(Double($0))) })
  }

  static func net() -> Sequential {
    Sequential([
      Conv2D(name: "conv1", weight: tensor([4, 3, 3, 3]) { 0.3 * sin(0.7 * $0 + 0.2) }, bias: tensor([4]) { 0.05 * ($0 - 1.5) }, padding: 1),
      ReLU(name: "relu1"), AvgPool2D(name: "pool1"),
      Conv2D(name: "conv2", weight: tensor([5, 4, 3, 3]) { 0.25 * cos(0.45 * $0 - 0.3) }, bias: tensor([5]) { 0.03 * $0 }, padding: 1),
      ReLU(name: "relu2"),
    ])
  }

  @Test func objectiveMatchesPyTorch() {
    let x = Self.tensor([1, 3, 6, 6]) { 0.5 + 0.4 * sin(0.37 * $0 + 0.1) }
    let content = Self.tensor([1, 3, 6, 6]) { 0.5 + 0.4 * cos(0.23 * $0 - 0.5) }
    let style = Self.tensor([1, 3, 8, 8]) { 0.5 + 0.45 * sin(0.61 * $0 * $0 / 50 + 0.3) }
    let net = Self.net()
    let weights = StyleWeights(content: 0.7, style: 300, tv: 0.05)
    let targets = styleTargets(net, content: content, contentLayer: "relu2", style: style, styleLayers: ["relu1", "relu2"], weights: weights)
    let (terms, g) = neuralStyle(net, x, targets: targets, weights: weights)
    let value = neuralStyleObjective(net, targets: targets, weights: weights)(x).value
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-4) -> Bool { abs(a - b) <= tolerance * max(abs(b), 1e-3) }
    // PyTorch: content 2.1557097 style 0.092406496 tv 24.461645 loss 30.454027
    #expect(close(terms.content, 2.1557097) && close(terms.style, 0.092406496) && close(terms.tv, 24.461645), "\(terms)")
    #expect(close(Double(value), 30.454027))
    // PyTorch: grad[0] 4.5756993 grad[17] 7.8071237 grad[50] -4.1189961 grad[107] 0.042178802
    for (i, expected) in [(0, 4.5756993), (17, 7.8071237), (50, -4.1189961), (107, 0.042178802)] {
      #expect(close(Double(g.scalars[i]), expected, 1e-3), "grad[\(i)] = \(g.scalars[i]), PyTorch \(expected)")
    }
    // PyTorch: sum -63.158661, sum of squares 4372.2021
    #expect(close(g.scalars.reduce(0.0) { $0 + Double($1) }, -63.158661, 1e-3))
    #expect(close(g.dot(g), 4372.2021))
  }
}
