// The Fast R-CNN head (Models/FastRCNN) on cases worked out by hand: the
// multi-task loss of two regions, decoding two proposals into detections
// (softmax, offsets, clipping, per-class NMS), the region geometry, a
// gradient check through RoI pooling into the feature map, and which
// layers a training step changes when the conv layers are frozen or not.
import Detection
import Foundation
import Layers
import Tensor
import Testing

@testable import Models

@Suite struct FastRCNNHeadTests {
  @Test func multiTaskLossOfTwoRegionsByHand() {
    let head = FastRCNNHead(seed: 1)
    // Region 0: background, logits all 0 -> p_0 = 1/11. Region 1: class 3, logit 3 = ln 10 -> p_3 = 10 / 20.
    var logits = Tensor(zeros: [2, 11])
    logits.scalars[11 + 3] = Float(log(10.0))
    // Offsets: junk everywhere except region 1's class-3 columns 8...11, which are 0.
    var deltas = Tensor(shape: [2, 40], scalars: (0..<80).map { Float($0 % 7) - 3 })
    for j in 0..<4 { deltas.scalars[40 + 8 + j] = 0 }
    let target = [0.5, -2, 0, 1.5]
    let loss = head.loss(logits: logits, deltas: deltas, labels: [0, 3], targets: [nil, target], lambda: 2)
    // L_cls = (ln 11 + ln 2) / 2.
    #expect(abs(Double(loss.classification) - (log(11.0) + log(2.0)) / 2) < 1e-5)
    // d = 0 - t = (-0.5, 2, 0, -1.5): smooth L1 0.125 + 1.5 + 0 + 1.0 = 2.625, over R = 2.
    #expect(abs(loss.box - 1.3125) < 1e-6)
    #expect(abs(loss.total - (loss.classification + 2 * 1.3125)) < 1e-5)
    // dL/dv = λ s'(d) / R = 2 * (-0.5, 1, 0, -1) / 2, only at region 1's class-3 columns.
    let expected: [Float] = [-0.5, 1, 0, -1]
    for i in 0..<80 {
      let want: Float = (i >= 48 && i < 52) ? expected[i - 48] : 0
      #expect(abs(loss.dDeltas.scalars[i] - want) < 1e-6, "dDeltas[\(i)]")
    }
    // dL/dz = (p - onehot) / R: region 0's background entry (1/11 - 1) / 2, its others 1/22.
    #expect(abs(loss.dLogits.scalars[0] - (1.0 / 11 - 1) / 2) < 1e-6)
    #expect(abs(loss.dLogits.scalars[1] - 1.0 / 22) < 1e-6)
    // Region 1: p_3 = 1/2 -> (1/2 - 1) / 2; every other class 1/20 -> 1/40.
    #expect(abs(loss.dLogits.scalars[11 + 3] + 0.25) < 1e-6)
    #expect(abs(loss.dLogits.scalars[11] - 1.0 / 40) < 1e-6)
  }

  @Test func decodingTwoProposalsByHand() {
    let head = FastRCNNHead(seed: 2)  // normalization: stds (0.1, 0.1, 0.2, 0.2)
    let proposals = [Box(x1: 10, y1: 10, x2: 30, y2: 30), Box(x1: 12, y1: 10, x2: 32, y2: 30)]
    var logits = Tensor(zeros: [2, 11])
    logits.scalars[2] = Float(log(9.0))  // proposal 0: p_2 = 9 / 19
    logits.scalars[11 + 2] = Float(log(7.0))  // proposal 1: p_2 = 7 / 21, p_5 = 5 / 21
    logits.scalars[11 + 5] = Float(log(5.0))
    var deltas = Tensor(zeros: [2, 40])
    deltas.scalars[4] = 1  // proposal 0, class 2, t_x = 1 * 0.1: moves right by 0.1 * 20 = 2 px -> (12, 10, 32, 30)
    deltas.scalars[40 + 16] = 10  // proposal 1, class 5, t_x = 1: right by 20 px -> (32, 10, 52, 30), clipped at 40
    let found = head.detections(logits: logits, deltas: deltas, proposals: proposals, imageSize: 40, scoreThreshold: 0.2)
    // Proposal 1's class-2 box (its own box, IoU 1 with proposal 0's moved box) is suppressed; class 5 is not.
    #expect(found.count == 2)
    #expect(found[0].label == 1 && abs(found[0].score - 9.0 / 19) < 1e-5)
    #expect(abs(found[0].box.x1 - 12) < 1e-4 && abs(found[0].box.x2 - 32) < 1e-4 && found[0].box.y1 == 10 && found[0].box.y2 == 30)
    #expect(found[1].label == 4 && abs(found[1].score - 5.0 / 21) < 1e-5)
    #expect(abs(found[1].box.x1 - 32) < 1e-4 && found[1].box.x2 == 40 && abs(found[1].box.y1 - 10) < 1e-4 && abs(found[1].box.y2 - 30) < 1e-4)
  }

  @Test func regionsAreShiftedBySevenPixels() {
    let r = FastRCNNHead.region(Box(x1: 7, y1: 11, x2: 23, y2: 27), image: 1)
    #expect(r == RegionOfInterest(batchIndex: 1, x1: 0, y1: 4, x2: 16, y2: 20))
  }

  /// The loss as a function of the feature map and of head.fc's weights: centered differences at the
  /// coordinates with the largest gradients (the pooled maxima; elsewhere it is 0), and the dot-product
  /// test of map -> (logits, deltas) for the whole map.
  @Test func gradientThroughRoIPoolingIntoTheMap() {
    var rng = SplitMix64(seed: 7)
    let head = FastRCNNHead(seed: 3)
    head.regressor.weight.value = Tensor.randomNormal(shape: head.regressor.weight.value.shape, std: 0.05, using: &rng)
    // Spread 3: pooled maxima lead their windows by much more than the step (no switches).
    let map = Tensor.randomNormal(shape: [2, 64, 8, 8], std: 3, using: &rng)
    let rois = [
      FastRCNNHead.region(Box(x1: 7, y1: 7, x2: 31, y2: 31), image: 0), FastRCNNHead.region(Box(x1: 15, y1: 11, x2: 39, y2: 35), image: 0),
      FastRCNNHead.region(Box(x1: 9, y1: 13, x2: 25, y2: 37), image: 1),
    ]
    let labels = [2, 0, 7]
    let targets: [[Double]?] = [[0.3, -0.2, 0.5, 0.1], nil, [-0.4, 0.6, -0.3, 0.2]]
    func objective(_ x: Tensor) -> (value: Float, gradient: Tensor) {
      let out = head.forward(features: x, rois: rois)
      let loss = head.loss(logits: out.logits, deltas: out.deltas, labels: labels, targets: targets)
      head.layers.zeroGrad()
      return (loss.total, head.backward(loss, cache: out.cache))
    }
    let analytic = objective(map).gradient
    let fcGrad = head.fc.weight.grad
    let touched = analytic.scalars.indices.filter { analytic.scalars[$0] != 0 }
    #expect(touched.count > 50)  // 3 regions x 64 channels x 16 bins, overlapping windows share cells
    func worstError(_ indices: [Int], analytic: [Float], perturb: (Int, Float) -> Float) -> Double {
      var worst = 0.0
      for i in indices {
        let numeric = (Double(perturb(i, 1e-2)) - Double(perturb(i, -1e-2))) / 2e-2
        worst = max(worst, abs(numeric - Double(analytic[i])) / max(abs(numeric) + abs(Double(analytic[i])), 1e-6))
      }
      return worst
    }
    let byMagnitude = touched.sorted { abs(analytic.scalars[$0]) > abs(analytic.scalars[$1]) }
    let worstMap = worstError(Array(byMagnitude.prefix(30)), analytic: analytic.scalars) { i, h in
      var x = map
      x.scalars[i] += h
      return objective(x).value
    }
    #expect(worstMap < 1e-2, "map: worst relative error \(worstMap)")
    let fcOrder = fcGrad.scalars.indices.sorted { abs(fcGrad.scalars[$0]) > abs(fcGrad.scalars[$1]) }
    let worstFC = worstError(Array(fcOrder.prefix(10)), analytic: fcGrad.scalars) { i, h in
      let original = head.fc.weight.value.scalars[i]
      head.fc.weight.value.scalars[i] = original + h
      defer { head.fc.weight.value.scalars[i] = original }
      return objective(map).value
    }
    #expect(worstFC < 1e-2, "head.fc: worst relative error \(worstFC)")
    // Dot-product test of map -> (logits, deltas) (K x 51 outputs, summed in Double).
    let cache = head.forward(features: map, rois: rois).cache
    let vjp = checkVJP(
      { x in let o = head.forward(features: x, rois: rois); return Tensor(shape: [o.logits.count + o.deltas.count], scalars: o.logits.scalars + o.deltas.scalars) },
      vjp: { c in
        head.backward(
          dLogits: Tensor(shape: [3, 11], scalars: Array(c.scalars[0..<33])), dDeltas: Tensor(shape: [3, 40], scalars: Array(c.scalars[33...])), cache: cache)
      }, at: map, step: 1e-3, using: &rng)
    #expect(vjp.relativeError < 1e-2, "dot-product test: \(vjp)")
  }

  @Test func frozenConvLayersStayFixedAndFineTunedOnesMove() {
    var rng = SplitMix64(seed: 9)
    let image = Tensor.randomUniform(shape: [2, 3, 128, 128], low: 0, high: 1, using: &rng)
    // Per scene: its object (foreground, added by the sampler) and a box at IoU 1/3 with it (background).
    let sampler = RegionSampler(regionsPerImage: 2, foregroundFraction: 0.5)
    let regions: [[RegionSampler.Region]] = (0..<2).map { i in
      sampler.sample(
        proposals: [Box(x1: 40, y1: 20, x2: 80, y2: 70)], truth: [LabeledBox(label: 3 + i, x1: 20, y1: 20, x2: 60, y2: 70)],
        normalization: .fastRCNN, using: &rng)
    }
    #expect(regions.map { $0.map(\.label) } == [[4, 0], [5, 0]])
    for firstTrained in [String?.none, "conv2"] {
      let net = FastRCNNNetwork(trainable: firstTrained, seed: 5)
      let before = Dictionary(uniqueKeysWithValues: net.all.namedParameters.map { ($0.name, $0.parameter.value) })
      var adam = Adam(learningRate: 0.01)
      var losses: [Float] = []
      for _ in 0..<5 {
        losses.append(FastRCNNTraining.trainStep(net, images: image, regions: regions, lambda: 1).total)
        adam.step(net.trainedTrunk.parameters + net.head.layers.parameters)
      }
      #expect(losses.last! < losses.first!, "\(String(describing: firstTrained)): \(losses)")
      let changed = Set(net.all.namedParameters.filter { $0.parameter.value != before[$0.name] }.map(\.name))
      #expect(!changed.contains("conv1.weight"))
      #expect(changed.contains("head.fc.weight") && changed.contains("head.box.weight"))
      #expect(changed.contains("conv3.weight") == (firstTrained != nil))
      #expect(changed.contains("conv2.weight") == (firstTrained != nil))
      #expect(!changed.contains("bn3.running_mean") && !changed.contains("bn2.running_var"))
    }
    // The trunk stops at conv3's ReLU: a 128 px scene gives 28 x 28 x 64.
    #expect(FastRCNNNetwork(trainable: nil, seed: 5).features(image).shape == [2, 64, 28, 28])
  }
}
