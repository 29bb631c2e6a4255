import Foundation
import Testing

@testable import Layers
@testable import Tensor

/// Inputs away from ReLU's kink: |x| >= 0.1.
func awayFromZero(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor {
  Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in
    let v = Float(rng.uniform(0.1, 1.5))
    return rng.nextUniform() < 0.5 ? -v : v
  })
}

/// Distinct values, so max-pool windows have no ties.
func distinct(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor {
  let n = shape.reduce(1, *)
  var values = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
  for i in stride(from: n - 1, to: 0, by: -1) { values.swapAt(i, rng.nextInt(below: i + 1)) }
  return Tensor(shape: shape, scalars: values)
}

struct GradientCheckTests {
  @Test func linear() {
    var rng = SplitMix64(seed: 1)
    let layer = Linear(name: "fc", inputs: 7, outputs: 5, using: &rng)
    layer.bias.value = Tensor.randomNormal(shape: [5], std: 0.5, using: &rng)
    let r = checkLayer(layer, input: Tensor.randomNormal(shape: [4, 7], std: 1, using: &rng), using: &rng)
    #expect(r.worstRelativeError < 1e-2, "\(r)")
  }

  @Test(arguments: [(1, 0), (1, 1), (2, 1), (2, 0)])
  func conv2d(stride: Int, padding: Int) {
    var rng = SplitMix64(seed: 2)
    let layer = Conv2D(name: "conv", inChannels: 3, outChannels: 4, kernelSize: 3, stride: stride, padding: padding, using: &rng)
    let r = checkLayer(layer, input: Tensor.randomNormal(shape: [2, 3, 7, 6], std: 1, using: &rng), samples: 10, using: &rng)
    #expect(r.worstRelativeError < 1e-2, "\(r)")
  }

  @Test func maxPoolAndAvgPool() {
    var rng = SplitMix64(seed: 3)
    let x = distinct([2, 3, 6, 6], &rng)
    #expect(checkLayer(MaxPool2D(name: "pool"), input: x, step: 1e-3, using: &rng).worstRelativeError < 1e-2)
    #expect(checkLayer(AvgPool2D(name: "avg", size: 3, stride: 2), input: x, using: &rng).worstRelativeError < 1e-2)
  }

  @Test func reluFlattenUpsample() {
    var rng = SplitMix64(seed: 4)
    let x = awayFromZero([2, 2, 4, 5], &rng)
    #expect(checkLayer(ReLU(name: "relu"), input: x, step: 1e-2, using: &rng).worstRelativeError < 1e-2)
    #expect(checkLayer(Flatten(name: "flat"), input: x, using: &rng).worstRelativeError < 1e-2)
    #expect(checkLayer(Upsample(name: "up", factor: 3), input: x, using: &rng).worstRelativeError < 1e-2)
  }

  @Test func dropoutWithAReplayedMask() {
    var rng = SplitMix64(seed: 5)
    let layer = Dropout(name: "drop", probability: 0.4, seed: 9)
    let start = layer.rng
    let r = checkLayer(layer, input: Tensor.randomNormal(shape: [3, 10], std: 1, using: &rng), using: &rng, beforeForward: { layer.rng = start })
    #expect(r.worstRelativeError < 1e-2, "\(r)")
    #expect(layer.forward(Tensor(shape: [4], repeating: 2), mode: .test).output == Tensor(shape: [4], repeating: 2))
  }

  @Test func batchNormTrainAndTest() {
    var rng = SplitMix64(seed: 6)
    let layer = BatchNorm2D(name: "bn", channels: 3)
    layer.gamma.value = Tensor.randomNormal(shape: [3], std: 1, using: &rng)
    layer.beta.value = Tensor.randomNormal(shape: [3], std: 1, using: &rng)
    let x = Tensor.randomNormal(shape: [4, 3, 3, 3], std: 2, using: &rng)
    #expect(checkLayer(layer, input: x, mode: .train, samples: 10, using: &rng).worstRelativeError < 1e-2)
    #expect(checkLayer(layer, input: x, mode: .test, samples: 10, using: &rng).worstRelativeError < 1e-2)
  }

  @Test func wholeNetworkPassesTheDotProductTest() {
    var rng = SplitMix64(seed: 7)
    let net = Sequential([
      Conv2D(name: "conv1", inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu1"),
      MaxPool2D(name: "pool1"), Flatten(name: "flat"), Linear(name: "fc", inputs: 4 * 4 * 4, outputs: 3, using: &rng),
    ])
    let x = Tensor.randomNormal(shape: [2, 1, 8, 8], std: 1, using: &rng)
    var trace = Trace()
    _ = net.forward(x, mode: .train, trace: &trace)
    let check = checkVJP({ net.forward($0, mode: .train) }, vjp: { trace.backward(seeds: [net.outputName: $0]) }, at: x, step: 1e-3, using: &rng)
    #expect(check.relativeError < 1e-2, "\(check)")
  }
}

struct LossTests {
  @Test func softmaxCrossEntropyValueAndGradient() {
    // Uniform logits over 4 classes: loss log 4, gradient (1/4 - onehot) / N.
    let (value, grad) = softmaxCrossEntropy(logits: Tensor(shape: [2, 4], repeating: 3), labels: [1, 3])
    #expect(abs(value - Float(log(4.0))) < 1e-6)
    #expect(abs(grad.scalars[1] - (0.25 - 1) / 2) < 1e-6 && abs(grad.scalars[0] - 0.125) < 1e-6)
    var rng = SplitMix64(seed: 8)
    let logits = Tensor.randomNormal(shape: [3, 5], std: 2, using: &rng)
    let r = checkObjective({ softmaxCrossEntropy(logits: $0, labels: [0, 4, 2]) }, at: logits, using: &rng)
    #expect(r.worstRelativeError < 1e-2, "\(r)")
  }

  @Test func regressionLosses() {
    var rng = SplitMix64(seed: 9)
    let p = Tensor.randomNormal(shape: [4, 3], std: 2, using: &rng)
    let t = Tensor.randomNormal(shape: [4, 3], std: 2, using: &rng)
    #expect(l2Loss(prediction: Tensor([1, 2]).reshaped([1, 2]), target: Tensor([0, 0]).reshaped([1, 2])).value == 5)
    #expect(smoothL1Loss(prediction: Tensor([0.5, 3]).reshaped([1, 2]), target: Tensor([0, 0]).reshaped([1, 2])).value == 0.125 + 2.5)
    for objective: Objective in [
      { l2Loss(prediction: $0, target: t) }, { smoothL1Loss(prediction: $0, target: t) },
      { sigmoidBinaryCrossEntropy(logits: $0, targets: t.map { $0 > 0 ? 1 : 0 }) },
    ] {
      let r = checkObjective(objective, at: p, using: &rng)
      #expect(r.worstRelativeError < 1e-2, "\(r)")
    }
    // log 2 at logit 0, whatever the target
    #expect(abs(sigmoidBinaryCrossEntropy(logits: Tensor([0]), targets: Tensor([1])).value - Float(log(2.0))) < 1e-6)
  }

  @Test func gramOfAKnownFeatureMap() {
    // F = [[1, 2], [3, 4]] as (1, 2, 1, 2): F Fᵀ = [[5, 11], [11, 25]], / (C·H·W = 4)
    let (g, _) = gramForward(Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4]))
    #expect(g.scalars == [1.25, 2.75, 2.75, 6.25])
    var rng = SplitMix64(seed: 10)
    let target = Tensor.randomNormal(shape: [3, 3], std: 1, using: &rng)
    let f = Tensor.randomNormal(shape: [1, 3, 4, 4], std: 1, using: &rng)
    #expect(checkObjective({ styleLoss(features: $0, targetGram: target) }, at: f, using: &rng).worstRelativeError < 1e-2)
  }

  @Test func totalVariationByHand() {
    // 1 x 1 x 2 x 2 image [[0, 1], [2, 4]]: (2-0)² + (4-1)² + (1-0)² + (4-2)² = 18
    #expect(totalVariation(Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 2, 4])).value == 18)
    var rng = SplitMix64(seed: 11)
    let x = Tensor.randomNormal(shape: [1, 2, 5, 5], std: 1, using: &rng)
    #expect(checkObjective(totalVariation, at: x, using: &rng).worstRelativeError < 1e-2)
  }
}

struct ReferenceTwinTests {
  @Test(arguments: [(1, 0), (1, 1), (2, 1), (3, 2)])
  func convMatchesTheNaiveLoops(stride: Int, padding: Int) {
    var rng = SplitMix64(seed: 12)
    let layer = Conv2D(name: "c", inChannels: 3, outChannels: 5, kernelSize: 3, stride: stride, padding: padding, using: &rng)
    layer.bias.value = Tensor.randomNormal(shape: [5], std: 1, using: &rng)
    let x = Tensor.randomNormal(shape: [2, 3, 9, 8], std: 1, using: &rng)
    let fast = layer.forward(x, mode: .test).output
    let naive = Reference.conv2d(x, weight: layer.weight.value, bias: layer.bias.value, stride: stride, padding: padding)
    #expect(fast.shape == naive.shape)
    #expect(fast.maxAbsDifference(naive) < 1e-4)
  }

  @Test func poolingMatchesTheNaiveLoops() {
    var rng = SplitMix64(seed: 13)
    let x = Tensor.randomNormal(shape: [2, 3, 7, 7], std: 1, using: &rng)
    #expect(MaxPool2D(name: "m", size: 3, stride: 2).forward(x, mode: .test).output == Reference.maxPool(x, size: 3, stride: 2))
    #expect(AvgPool2D(name: "a").forward(x, mode: .test).output.maxAbsDifference(Reference.avgPool(x, size: 2, stride: 2)) < 1e-6)
  }

  @Test func maxPoolRoutesTiesToTheFirstMaximum() {
    let pool = MaxPool2D(name: "p")
    let (_, cache) = pool.forward(Tensor(shape: [1, 1, 2, 2], repeating: 0), mode: .train)
    #expect(pool.backward(Tensor(shape: [1, 1, 1, 1], repeating: 1), cache: cache, rule: .gradient).scalars == [1, 0, 0, 0])
  }
}

struct BackwardRuleTests {
  /// The lecture's example: forward input, upstream gradient, and the three results.
  @Test func lectureReLUExample() {
    let x = Tensor(shape: [1, 1, 3, 3], scalars: [1, -1, 5, 2, -5, -7, -3, 2, 4])
    let dout = Tensor(shape: [1, 1, 3, 3], scalars: [-2, 3, -1, 6, -3, 1, 2, -1, 3])
    let relu = ReLU(name: "relu")
    let (y, cache) = relu.forward(x, mode: .test)
    #expect(y.scalars == [1, 0, 5, 2, 0, 0, 0, 2, 4])
    #expect(relu.backward(dout, cache: cache, rule: .gradient).scalars == [-2, 0, -1, 6, 0, 0, 0, -1, 3])
    #expect(relu.backward(dout, cache: cache, rule: .deconvnet).scalars == [0, 3, 0, 6, 0, 1, 2, 0, 3])
    #expect(relu.backward(dout, cache: cache, rule: .guided).scalars == [0, 0, 0, 6, 0, 0, 0, 0, 3])
  }
}

struct TraceTests {
  @Test func activationsAndSeedsAtSeveralDepths() {
    var rng = SplitMix64(seed: 14)
    let fc1 = Linear(name: "fc1", inputs: 3, outputs: 4, using: &rng)
    let fc2 = Linear(name: "fc2", inputs: 4, outputs: 2, using: &rng)
    let net = Sequential([fc1, ReLU(name: "relu"), fc2])
    let x = awayFromZero([1, 3], &rng)
    var trace = Trace()
    let y = net.forward(x, mode: .test, trace: &trace)
    #expect(trace.layerNames == ["fc1", "relu", "fc2"])
    #expect(trace.activation("fc2") == y)
    // Seeding fc1's output directly adds W1ᵀ·seed to the input gradient.
    let seedOut = Tensor(shape: [1, 2], scalars: [1, 0])
    let seedMid = Tensor(shape: [1, 4], scalars: [0.5, -1, 2, 0])
    let both = trace.backward(seeds: ["fc2": seedOut, "fc1": seedMid])
    let onlyOut = trace.backward(seeds: ["fc2": seedOut])
    let onlyMid = trace.backward(seeds: ["fc1": seedMid])
    #expect((both - (onlyOut + onlyMid)).maxAbsDifference(Tensor(zeros: [1, 3])) < 1e-6)
    var direct = Tensor(zeros: [1, 3])
    for j in 0..<3 { for k in 0..<4 { direct.scalars[j] += fc1.weight.value.scalars[k * 3 + j] * seedMid.scalars[k] } }
    #expect(onlyMid.maxAbsDifference(direct) < 1e-6)
  }
}

struct OptimizerTests {
  @Test func sgdMomentumByHand() {
    let p = Parameter(name: "w", Tensor([1]))
    var sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
    p.grad = Tensor([2])
    sgd.step([p])  // g = 2 + 0.5 = 2.5; v = 2.5; w = 1 - 0.25 = 0.75
    #expect(abs(p.value.scalars[0] - 0.75) < 1e-7)
    p.grad = Tensor([2])
    sgd.step([p])  // g = 2 + 0.375 = 2.375; v = 2.25 + 2.375 = 4.625; w = 0.75 - 0.4625
    #expect(abs(p.value.scalars[0] - 0.2875) < 1e-6)
  }

  @Test func adamFirstStepMovesByTheLearningRate() {
    let p = Parameter(name: "w", Tensor([1, -1]))
    var adam = Adam(learningRate: 0.01)
    p.grad = Tensor([3, -0.001])
    adam.step([p])  // m̂ = g, v̂ = g²: each weight moves by lr · sign(g)
    #expect(abs(p.value.scalars[0] - 0.99) < 1e-5 && abs(p.value.scalars[1] - (-0.99)) < 1e-4)
  }

  @Test func minimizersFindTheQuadraticMinimum() {
    // f(x) = Σ a_i (x_i - i)², minimum at x_i = i
    let a: [Float] = [1, 10, 0.5, 3]
    let f: Objective = { x in
      var g = x
      var v: Float = 0
      for i in 0..<4 {
        let d = x.scalars[i] - Float(i)
        v += a[i] * d * d
        g.scalars[i] = 2 * a[i] * d
      }
      return (v, g)
    }
    var adam = Adam(learningRate: 0.1)
    let viaAdam = minimize(f, from: Tensor(zeros: [4]), steps: 600, optimizer: &adam)
    #expect(viaAdam.maxAbsDifference(Tensor([0, 1, 2, 3])) < 1e-2)
    let viaLBFGS = minimizeLBFGS(f, from: Tensor(zeros: [4]), iterations: 30)
    #expect(viaLBFGS.x.maxAbsDifference(Tensor([0, 1, 2, 3])) < 1e-4)
  }
}

struct ParallelTests {
  /// The loops split over threads must give the same bits as one thread.
  @Test func splitLoopsMatchOneThread() {
    var rng = SplitMix64(seed: 21)
    let x = Tensor.randomNormal(shape: [16, 8, 20, 20], std: 1, using: &rng)
    let dout = Tensor.randomNormal(shape: [16, 8, 10, 10], std: 1, using: &rng)
    func run() -> [Tensor] {
      let relu = ReLU(name: "r"), pool = MaxPool2D(name: "p")
      let (y, rc) = relu.forward(x, mode: .train)
      let (z, pc) = pool.forward(y, mode: .train)
      let dz = pool.backward(dout, cache: pc, rule: .gradient)
      let dy = relu.backward(dz, cache: rc, rule: .guided)
      let g = ConvGeometry(batch: 16, channels: 8, height: 20, width: 20, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
      var col = Tensor(zeros: [g.rows, g.columns])
      x.withPointer { px in col.withMutablePointer { im2col(px, g, into: $0) } }
      var back = Tensor(zeros: x.shape)
      var scratch = col
      scratch.withMutablePointer { pc in back.withMutablePointer { col2im(pc, g, into: $0) } }
      return [y, z, dz, dy, col, back]
    }
    let one = Parallel.$threadOverride.withValue(1) { run() }
    let two = Parallel.$threadOverride.withValue(2) { run() }
    for (a, b) in zip(one, two) { #expect(a == b) }
  }
}

struct ThreadCountTests {
  /// With the packed sgemm, a training step of the reference net gives the
  /// same loss and weights on 1 and 2 threads (images per thread, gradients
  /// summed per chunk in a fixed order). OpenBLAS does not promise this.
  @Test(.enabled(if: BLAS.gemmKernel != "openblas"))
  func aTrainingStepHasTheSameBitsOnOneAndTwoThreads() {
    var rng = SplitMix64(seed: 12)
    let images = Tensor.randomUniform(shape: [20, 1, 28, 28], low: 0, high: 1, using: &rng)
    let labels = (0..<20).map { $0 % 10 }
    func step(_ threads: Int) -> (Float, [Tensor]) {
      Parallel.$threadOverride.withValue(threads) {
        let net = ModelZoo.fashionConvNet(seed: 3)
        var sgd = SGD(learningRate: 0.05, momentum: 0.9)
        _ = trainStep(net, images: images, labels: labels, optimizer: &sgd)
        let (loss, _) = trainStep(net, images: images, labels: labels, optimizer: &sgd)
        return (loss, net.parameters.map(\.value))
      }
    }
    let (one, two) = (step(1), step(2))
    #expect(one.0.bitPattern == two.0.bitPattern)
    for (a, b) in zip(one.1, two.1) { #expect(a == b) }
  }
}

struct ParameterOnlyBackwardTests {
  @Test func skippingTheInputGradientLeavesParameterGradientsUnchanged() {
    let net = ModelZoo.fashionConvNet(seed: 8)
    var rng = SplitMix64(seed: 9)
    let x = Tensor.randomNormal(shape: [3, 1, 28, 28], std: 1, using: &rng)
    let seed = Tensor.randomNormal(shape: [3, 10], std: 1, using: &rng)
    var trace = Trace()
    _ = net.forward(x, mode: .train, trace: &trace)
    net.zeroGrad()
    let dx = trace.backward(seeds: [net.outputName: seed])
    let full = net.parameters.map(\.grad)
    net.zeroGrad()
    let none = trace.backward(seeds: [net.outputName: seed], inputGradient: false)
    #expect(dx.shape == x.shape && none.count == 0)
    for (a, b) in zip(full, net.parameters.map(\.grad)) { #expect(a == b) }
  }
}

struct ConvGroupTests {
  /// A batch processed image by image over threads, its gradients summed per
  /// chunk, must match the naive loops and pass the dot-product test.
  @Test func severalGroupsMatchTheNaiveLoops() {
    var rng = SplitMix64(seed: 31)
    let layer = Conv2D(name: "c", inChannels: 32, outChannels: 8, kernelSize: 3, padding: 1, using: &rng)
    layer.bias.value = Tensor.randomNormal(shape: [8], std: 1, using: &rng)
    let x = Tensor.randomNormal(shape: [16, 32, 14, 14], std: 1, using: &rng)
    #expect(Conv2D.chunkSize(batch: 16) == 1 && Conv2D.chunkSize(batch: 40) == 3)  // 16 chunks of one; 14 of 3 and a short one
    let fast = layer.forward(x, mode: .train).output
    #expect(fast.maxAbsDifference(Reference.conv2d(x, weight: layer.weight.value, bias: layer.bias.value, stride: 1, padding: 1)) < 1e-4)
    let check = checkVJP(
      { layer.forward($0, mode: .train).output },
      vjp: { dout in
        let (_, cache) = layer.forward(x, mode: .train)
        return layer.backward(dout, cache: cache, rule: .gradient)
      }, at: x, step: 1e-2, using: &rng)
    #expect(check.relativeError < 1e-2, "\(check)")
    // Parameter gradients: one group at a time must equal the whole batch's sum.
    let (_, cache) = layer.forward(x, mode: .train)
    let dout = Tensor.randomNormal(shape: [16, 8, 14, 14], std: 1, using: &rng)
    layer.weight.zeroGrad()
    layer.backwardParameters(dout, cache: cache)
    var expected = Tensor(zeros: [8, 32, 3, 3])
    for o in 0..<8 {
      for c in 0..<32 {
        for ki in 0..<3 {
          for kj in 0..<3 {
            var s = 0.0
            for n in 0..<16 {
              for i in 0..<14 {
                for j in 0..<14 {
                  let yy = i - 1 + ki, xx = j - 1 + kj
                  guard yy >= 0 && yy < 14 && xx >= 0 && xx < 14 else { continue }
                  s += Double(dout.scalars[((n * 8 + o) * 14 + i) * 14 + j]) * Double(x.scalars[((n * 32 + c) * 14 + yy) * 14 + xx])
                }
              }
            }
            expected.scalars[((o * 32 + c) * 3 + ki) * 3 + kj] = Float(s)
          }
        }
      }
    }
    #expect(layer.weight.grad.maxAbsDifference(expected) < 1e-2)
  }
}

struct FullyConvolutionalTests {
  @Test func aLinearLayerAsAConvolutionGivesTheSameNumbersOnEveryWindow() {
    var rng = SplitMix64(seed: 21)
    let linear = Linear(name: "fc", inputs: 3 * 4 * 4, outputs: 5, using: &rng)
    let conv = Conv2D(equivalentTo: linear, inputChannels: 3, height: 4, width: 4)
    #expect(conv.weight.value.shape == [5, 3, 4, 4])
    // On a 6x7 map the convolution slides over 3x4 windows; each must equal the Linear layer on that window, flattened (C, H, W).
    let x = Tensor.randomNormal(shape: [2, 3, 6, 7], std: 1, using: &rng)
    let y = conv.forward(x, mode: .test).output
    #expect(y.shape == [2, 5, 3, 4])
    for n in 0..<2 {
      for i in 0..<3 {
        for j in 0..<4 {
          var window: [Float] = []
          for c in 0..<3 { for di in 0..<4 { for dj in 0..<4 { window.append(x.scalars[((n * 3 + c) * 6 + i + di) * 7 + j + dj]) } } }
          let expected = linear.forward(Tensor(shape: [1, 48], scalars: window), mode: .test).output
          for m in 0..<5 { #expect(abs(y.scalars[((n * 5 + m) * 3 + i) * 4 + j] - expected.scalars[m]) < 1e-5) }
        }
      }
    }
  }
}

struct ReceptiveFieldTests {
  @Test func theClassifierNetsFieldsByHand() {
    let net = ModelZoo.fashionConvNet(seed: 1)
    // conv1 3x3 pad 1: 3 px; pool 2: 4 px, jump 2; conv2 3x3 pad 1: 4 + 2*2 = 8 px; pool: 10 px, jump 4.
    #expect(ReceptiveField.of("conv1", in: net) == ReceptiveField(size: 3, jump: 1, padding: 1))
    #expect(ReceptiveField.of("pool1", in: net) == ReceptiveField(size: 4, jump: 2, padding: 1))
    #expect(ReceptiveField.of("relu2", in: net) == ReceptiveField(size: 8, jump: 2, padding: 3))
    #expect(ReceptiveField.of("pool2", in: net) == ReceptiveField(size: 10, jump: 4, padding: 3))
    #expect(ReceptiveField.of("relu2", in: net).pixels(of: 5) == 7...14)
  }

  @Test func theGradientOfOneUnitIsNonZeroExactlyOnItsField() {
    // Without ReLUs (average pooling, random weights) every pixel of the field reaches the unit.
    var rng = SplitMix64(seed: 5)
    let net = Sequential([
      Conv2D(name: "a", inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, using: &rng), AvgPool2D(name: "p"),
      Conv2D(name: "b", inChannels: 2, outChannels: 2, kernelSize: 3, stride: 2, padding: 0, using: &rng),
    ])
    let field = ReceptiveField.of("b", in: net)
    #expect(field == ReceptiveField(size: 8, jump: 4, padding: 1))
    let x = Tensor.randomNormal(shape: [1, 1, 20, 20], std: 1, using: &rng)
    var trace = Trace()
    let y = net.forward(x, mode: .test, trace: &trace)
    for (i, j) in [(0, 0), (1, 2), (3, 3)] where i < y.shape[2] && j < y.shape[3] {
      var seed = Tensor(zeros: y.shape)
      seed.scalars[(0 * y.shape[2] + i) * y.shape[3] + j] = 1
      let g = trace.backward(seeds: ["b": seed])
      let rows = field.pixels(of: i).clamped(to: 0...19), columns = field.pixels(of: j).clamped(to: 0...19)
      for r in 0..<20 {
        for c in 0..<20 {
          let inside = rows.contains(r) && columns.contains(c)
          #expect((g.scalars[r * 20 + c] != 0) == inside, "unit (\(i), \(j)) pixel (\(r), \(c))")
        }
      }
    }
  }
}
