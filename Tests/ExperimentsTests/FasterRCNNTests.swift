import Foundation
import Testing

@testable import Detection
@testable import Models
import Tensor

struct RegionProposalNetworkTests {
  static func rpn(anchors: Int = 2) -> RegionProposalNetwork {
    var rng = SplitMix64(seed: 7)
    return RegionProposalNetwork(channels: 4, anchorsPerLocation: anchors, using: &rng)
  }

  @Test func outputsAreReadInTheAnchorGeneratorsOrder() {
    // A = 2 on a 2 x 3 map: anchor n = (i W + j) A + a reads objectness channel a at (i, j), deltas channels 4a..4a+3.
    let net = Self.rpn()
    var cls = Tensor(zeros: [1, 2, 2, 3]), reg = Tensor(zeros: [1, 8, 2, 3])
    cls.scalars[(1 * 2 + 1) * 3 + 2] = 5  // a = 1, i = 1, j = 2
    for k in 0..<4 { reg.scalars[((4 * 1 + k) * 2 + 1) * 3 + 2] = Float(k + 1) }
    let (logits, deltas) = net.perAnchor(.init(objectness: cls, deltas: reg), image: 0)
    let n = (1 * 3 + 2) * 2 + 1
    #expect(logits[n] == 5 && logits.filter { $0 != 0 }.count == 1)
    #expect(deltas[n] == [1, 2, 3, 4])
  }

  @Test func lossByHand() {
    // One sampled positive with logit 0 (BCE log 2) and delta error 0.05 on t_x (< beta = 1/9: 0.05^2 / (2/9) = 0.01125),
    // one sampled negative with logit 0 (log 2); N_cls = 2.
    let net = Self.rpn(anchors: 1)
    let out = RegionProposalNetwork.Output(objectness: Tensor(zeros: [1, 1, 1, 3]), deltas: Tensor(zeros: [1, 4, 1, 3]))
    let t = AnchorTargeter.Targets(labels: [1, 0, -1], matched: [0, 0, -1], maxIoU: [0.9, 0.1, 0.4], deltas: [[-0.05, 0, 0, 0], nil, nil],
                                   positivesBeforeSampling: 1, negativesBeforeSampling: 1)
    let loss = net.loss(out, targets: [t])
    #expect(abs(Double(loss.objectness) - log(2)) < 1e-6)
    #expect(abs(Double(loss.boxes) - 0.01125 / 2) < 1e-7)
    #expect(loss.sampled == 2 && loss.positives == 1)
    // dBCE/dz = (sigmoid(0) - y) / 2; the ignored anchor gets no gradient.
    #expect(loss.gradient.objectness.scalars == [-0.25, 0.25, 0])
    #expect(abs(loss.gradient.deltas.scalars[0] - 0.05 * 9 / 2) < 1e-6 && loss.gradient.deltas.scalars[1...].allSatisfy { $0 == 0 })
  }

  @Test func lossGradientMatchesFiniteDifferences() {
    let net = Self.rpn(anchors: 2)
    var rng = SplitMix64(seed: 3)
    let out = RegionProposalNetwork.Output(objectness: Tensor.randomNormal(shape: [2, 2, 2, 2], std: 1, using: &rng),
                                           deltas: Tensor.randomNormal(shape: [2, 8, 2, 2], std: 0.3, using: &rng))
    func targets(_ labels: [Int]) -> AnchorTargeter.Targets {
      AnchorTargeter.Targets(labels: labels, matched: labels.map { _ in 0 }, maxIoU: labels.map { _ in 0 },
                             deltas: labels.map { $0 == 1 ? [0.1, -0.2, 0.3, 0.05] : nil }, positivesBeforeSampling: 0, negativesBeforeSampling: 0)
    }
    let ts = [targets([1, 0, -1, 1, 0, 0, -1, 1]), targets([0, 1, 1, -1, 0, 1, 0, 0])]
    let loss = net.loss(out, targets: ts)
    func total(_ o: RegionProposalNetwork.Output) -> Double { let l = net.loss(o, targets: ts); return Double(l.objectness) + Double(l.boxes) }
    let h: Float = 1e-3
    for i in stride(from: 0, to: out.objectness.count, by: 3) {
      var plus = out, minus = out
      plus.objectness.scalars[i] += h
      minus.objectness.scalars[i] -= h
      let numeric = (total(plus) - total(minus)) / Double(2 * h)
      #expect(abs(numeric - Double(loss.gradient.objectness.scalars[i])) < 2e-3, "objectness \(i)")
    }
    for i in stride(from: 0, to: out.deltas.count, by: 5) {
      var plus = out, minus = out
      plus.deltas.scalars[i] += h
      minus.deltas.scalars[i] -= h
      let numeric = (total(plus) - total(minus)) / Double(2 * h)
      #expect(abs(numeric - Double(loss.gradient.deltas.scalars[i])) < 2e-3, "deltas \(i)")
    }
  }
}

struct ProposalLayerTests {
  @Test func decodeClipFilterRankSuppress() {
    let anchors = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 20, y1: 20, x2: 22, y2: 22),
                   Box(x1: 30, y1: 30, x2: 40, y2: 40), Box(x1: 36, y1: 36, x2: 46, y2: 46)]
    // Anchor 3 moves right by half its width (t_x = 0.5): (35, 30, 45, 40), clipped to the 42 px image: (35, 30, 42, 40).
    let deltas: [[Double]] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0, 0, 0]]
    let logits: [Float] = [2, 3, 9, 1, 0]
    let layer = ProposalLayer(preNMS: 10, postNMS: 10, nmsIoU: 0.7, minSize: 4)
    let p = layer.proposals(anchors: anchors, logits: logits, deltas: deltas, width: 42, height: 42)
    // Anchor 2 (2 px) is removed; 0 overlaps 1 with IoU 90 / 110 > 0.7 and scores lower: suppressed.
    // Anchor 4 clips to (36, 36, 42, 42): IoU with (35, 30, 42, 40) is 24 / (70 + 36 - 24) = 0.29, kept.
    #expect(p.boxes == [Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 35, y1: 30, x2: 42, y2: 40), Box(x1: 36, y1: 36, x2: 42, y2: 42)])
    #expect(abs(p.scores[0] - 1 / (1 + exp(-3))) < 1e-12)
    // Top 2 before NMS: anchors 1 and 0 (2 is too small), then NMS keeps only 1.
    #expect(ProposalLayer(preNMS: 2, postNMS: 10).proposals(anchors: anchors, logits: logits, deltas: deltas, width: 42, height: 42).boxes
      == [Box(x1: 1, y1: 0, x2: 11, y2: 10)])
    #expect(ProposalLayer(preNMS: 10, postNMS: 1).proposals(anchors: anchors, logits: logits, deltas: deltas, width: 42, height: 42).boxes.count == 1)
  }

  @Test func mapSideAndAnchorCentres() {
    // 128 px: conv 126, pool 63, conv 61, pool 30, conv 28.
    #expect(FasterRCNNNetwork.mapSide(scene: 128) == 28)
    let net = FasterRCNNNetwork(anchors: FasterRCNNConfig.quick.anchorGenerator, seed: 1)
    let anchors = net.anchors(height: 28, width: 28)
    #expect(anchors.count == 28 * 28 * 9)
    // Cell (i, j) = (2, 5): every anchor centred on (4 * 5 + 9, 4 * 2 + 9) = (29, 17).
    for a in 0..<9 {
      let b = anchors[(2 * 28 + 5) * 9 + a]
      #expect(b.centerX == 29 && b.centerY == 17)
    }
  }
}
