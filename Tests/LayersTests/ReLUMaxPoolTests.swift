import Testing

@testable import Layers
@testable import Tensor

/// The fused ReLU + max-pool pass against the two layers run one after the
/// other: the same bits forward and backward, for every BackwardRule, on
/// inputs with ties, zeros, negative zeros and all-negative windows.
struct ReLUMaxPoolTests {
  static func input(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SplitMix64(seed: seed)
    var x = Tensor.randomNormal(shape: shape, std: 1, using: &rng)
    let count = x.count
    x.withMutablePointer { p in
      for i in 0..<count {
        switch i % 7 {
        case 0: p[i] = 0  // ties at zero
        case 3: p[i] = -0.0
        case 5: p[i] = -abs(p[i])  // more all-negative windows
        default: break
        }
      }
    }
    return x
  }

  static let cases: [(size: Int, stride: Int, shape: [Int])] = [(2, 2, [2, 3, 8, 10]), (2, 2, [1, 2, 7, 9]), (3, 2, [1, 2, 9, 9]), (2, 1, [2, 2, 5, 6])]

  @Test func sameBitsAsReLUThenMaxPool() {
    for (size, stride, shape) in Self.cases { check(size: size, stride: stride, shape: shape) }
  }

  func check(size: Int, stride: Int, shape: [Int]) {
    let x = Self.input(shape, seed: UInt64(size * 10 + stride))
    let relu = ReLU(name: "relu"), pool = MaxPool2D(name: "pool", size: size, stride: stride)
    let (r, reluCache) = relu.forward(x, mode: .train)
    let (y, poolCache) = pool.forward(r, mode: .train)
    let (fused, cache) = ReLUMaxPool.forward(x, window: pool.window, layer: "test")
    #expect(fused.shape == y.shape)
    #expect(fused.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    var rng = SplitMix64(seed: 99)
    var dout = Tensor.randomNormal(shape: y.shape, std: 1, using: &rng)
    let count = dout.count
    dout.withMutablePointer { p in
      for i in Swift.stride(from: 0, to: count, by: 5) { p[i] = -p[i] }
      for i in Swift.stride(from: 3, to: count, by: 11) { p[i] = -0.0 }  // the routing onto zeros turns -0 into +0
    }
    for rule in [BackwardRule.gradient, .deconvnet, .guided] {
      let expected = relu.backward(pool.backward(dout, cache: poolCache, rule: rule), cache: reluCache, rule: rule)
      let got = ReLUMaxPool.backward(dout, cache: cache, rule: rule)
      #expect(got.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "\(rule), \(size)x\(size)/\(stride)")
    }
  }

  /// Sequential fuses on the inference path and on a fusing trace, and the
  /// parameter gradients of a training step do not change.
  @Test func sequentialFusesWithoutChangingGradients() {
    let x = Self.input([4, 1, 28, 28], seed: 3)
    let labels = [1, 4, 7, 9]
    func gradients(fusing: Bool) -> (Tensor, [[UInt32]]) {
      let net = ModelZoo.fashionConvNet(seed: 5)
      var trace = Trace(fusingReLUPool: fusing)
      let logits = net.forward(x, mode: .train, trace: &trace)
      #expect(trace.layerNames.contains("relu1") == !fusing)
      let (_, dlogits) = softmaxCrossEntropy(logits: logits, labels: labels)
      net.zeroGrad()
      trace.backward(seeds: [net.outputName: dlogits], inputGradient: false)
      #expect(net.forward(x, mode: .test).scalars == logits.scalars)
      return (logits, net.parameters.map { $0.grad.scalars.map(\.bitPattern) })
    }
    let (plainLogits, plain) = gradients(fusing: false)
    let (fusedLogits, fused) = gradients(fusing: true)
    #expect(plainLogits.scalars.map(\.bitPattern) == fusedLogits.scalars.map(\.bitPattern))
    #expect(plain == fused)
  }
}
