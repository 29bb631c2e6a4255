// The pretraining comparison (Models/Pretraining) and the rcnn chapter's
// precision-recall curves, on cases worked out by hand: the map geometry of
// the three trunk depths (receptive-field arithmetic against the head's
// hand-derived 7 px shift), the pretrained weights reaching the detector,
// accuracy and "first epoch reaching" on small inputs, and the mean
// interpolated precision of a two-class evaluation whose 11-point average
// is its VOC 2007 mAP.
import Detection
import Foundation
import Layers
import Tensor
import Testing

@testable import Experiments
@testable import Models

@Suite struct PretrainingTests {
  @Test func everyDepthGivesTheHeadA1024CodeAndA64ChannelStride4Map() {
    for depth in TrunkDepth.allCases {
      var rng = SplitMix64(seed: 1)
      let trunk = depth.makeTrunk(using: &rng)
      let small = trunk.forward(Tensor(zeros: [1, 3, 48, 48]), mode: .test)
      #expect(small.shape == [1, 1024], "\(depth): classifier code \(small.shape)")
      let map = Sequential(TrunkDepth.detectionLayers(of: trunk)).forward(Tensor(zeros: [1, 3, 128, 128]), mode: .test)
      // 128 -> 126 -> 63 -> 61 -> 30 (shallow, after pool2); -> 28 after conv3 (standard, deep).
      #expect(map.shape == [1, 64, depth == .shallow ? 30 : 28, depth == .shallow ? 30 : 28], "\(depth): map \(map.shape)")
      #expect(trunk.layers.filter { $0 is Conv2D }.count == depth.convolutions)
      #expect(TrunkDepth.mapField(of: trunk).jump == 4)
    }
  }

  @Test func theMapShiftFollowsTheReceptiveField() {
    var rng = SplitMix64(seed: 2)
    // Standard: the head's hand-derived constant (three valid 3 x 3 convolutions shift by 1 + 2 + 4 px).
    let standard = TrunkDepth.mapField(of: TrunkDepth.standard.makeTrunk(using: &rng))
    #expect(standard == ReceptiveField(size: 18, jump: 4, padding: 0))
    #expect(TrunkDepth.mapOffset(of: standard) == FastRCNNHead.offset)
    // Deep: fields 3, 4, 8, 12 (pad 2), 14, 22, 30 (pad 6): 15 - 6 - 2 = 7, the same shift.
    let deep = TrunkDepth.mapField(of: TrunkDepth.deep.makeTrunk(using: &rng))
    #expect(deep == ReceptiveField(size: 30, jump: 4, padding: 6))
    #expect(TrunkDepth.mapOffset(of: deep) == 7)
    // Shallow: 3, 4, 8, 10: cell u sees pixels 4u ... 4u + 9, centred at 4u + 5 = 4u + 3 + 4/2.
    let shallow = TrunkDepth.mapField(of: TrunkDepth.shallow.makeTrunk(using: &rng))
    #expect(shallow == ReceptiveField(size: 10, jump: 4, padding: 0))
    #expect(TrunkDepth.mapOffset(of: shallow) == 3)
    for field in [standard, deep, shallow] {
      let offset = TrunkDepth.mapOffset(of: field)
      for u in [0, 5, 11] {
        let pixels = field.pixels(of: u)
        #expect(Double(pixels.lowerBound + pixels.upperBound + 1) / 2 == Double(4 * u) + offset + 2)
      }
    }
  }

  @Test func aHeadWithAnotherShiftMapsBoxesByIt() {
    let head = FastRCNNHead(seed: 1, mapOffset: 3)
    let r = head.mapRegion(Box(x1: 7, y1: 11, x2: 23, y2: 27), image: 1)
    #expect(r.batchIndex == 1 && r.x1 == 4 && r.y1 == 8 && r.x2 == 20 && r.y2 == 24)
    // The default head keeps the scene classifier's 7 px.
    let d = FastRCNNHead(seed: 1).mapRegion(Box(x1: 7, y1: 11, x2: 23, y2: 27), image: 0)
    #expect(d.x1 == 0 && d.y1 == 4 && d.x2 == 16 && d.y2 == 20)
  }

  @Test func aPretrainedDetectorStartsFromTheClassifiersTrunkAndFC1() {
    let config = PretrainingConfig.quick
    for depth in TrunkDepth.allCases {
      let classifier = TrunkClassifier(depth: depth, seed: 41)
      let model = TrunkDetector(depth, .pretrained, pretraining: config, detector: config.detector(.quick))
      let net = model.makeNetwork()
      #expect(net.head.mapOffset == TrunkDepth.mapOffset(of: TrunkDepth.mapField(of: classifier.trunk)))
      TrunkDetector.copyParameters(from: classifier.trunk, into: net.trunk)
      net.head.initializeHidden(from: classifier.hiddenLayer)
      var rng = SplitMix64(seed: 3)
      let scenes = Tensor.randomUniform(shape: [1, 3, 64, 64], low: 0, high: 1, using: &rng)
      let expected = Sequential(TrunkDepth.detectionLayers(of: classifier.trunk)).forward(LocalizationNetwork.normalized(scenes), mode: .test)
      #expect(net.features(scenes).scalars == expected.scalars, "\(depth)")
      #expect(net.head.fc.weight.value.scalars == classifier.hiddenLayer.weight.value.scalars)
      // Every trunk layer trains (conv1 included).
      #expect(net.fixedTrunk.layers.isEmpty && net.trainedTrunk.layers.count == net.trunk.layers.count)
    }
  }

  @Test func accuracyCountsTheArgmax() {
    let net = TrunkClassifier(depth: .standard, seed: 5)
    var rng = SplitMix64(seed: 4)
    let images = Tensor.randomUniform(shape: [4, 3, 48, 48], low: 0, high: 1, using: &rng)
    let predicted = net.logits(images).argmaxRows()
    // Two right, two wrong: 0.5.
    let labels = [predicted[0], predicted[1], (predicted[2] + 1) % 10, (predicted[3] + 3) % 10]
    #expect(net.accuracy(images, labels: labels) == 0.5)
  }

  @Test func theFirstEpochReachingALevel() {
    #expect(FastRCNNExperiment.firstEpoch([10, 30, 50], reaching: 30) == 2)
    #expect(FastRCNNExperiment.firstEpoch([10, 30, 50], reaching: 5) == 1)
    #expect(FastRCNNExperiment.firstEpoch([10, 30, 50], reaching: 60) == nil)
  }

  /// One image; class 1 has two objects, class 2 one, class 3 none.
  static func twoClassEvaluation() -> VOCEvaluation {
    let a = COCOBox(x: 0, y: 0, width: 10, height: 10), b = COCOBox(x: 20, y: 0, width: 10, height: 10)
    let c = COCOBox(x: 0, y: 20, width: 10, height: 10), far = COCOBox(x: 60, y: 60, width: 10, height: 10)
    let data = DetectionDataset(
      imageIds: [1], categories: [Category(id: 1, name: "one"), Category(id: 2, name: "two"), Category(id: 3, name: "three")],
      objects: [
        GroundTruthObject(id: 1, imageId: 1, categoryId: 1, bbox: a), GroundTruthObject(id: 2, imageId: 1, categoryId: 1, bbox: b),
        GroundTruthObject(id: 3, imageId: 1, categoryId: 2, bbox: c),
      ])
    let detections = [
      DetectedObject(imageId: 1, categoryId: 1, bbox: a, score: 0.9),  // TP
      DetectedObject(imageId: 1, categoryId: 1, bbox: far, score: 0.8),  // FP
      DetectedObject(imageId: 1, categoryId: 1, bbox: b, score: 0.7),  // TP
      DetectedObject(imageId: 1, categoryId: 2, bbox: far, score: 0.6),  // FP
      DetectedObject(imageId: 1, categoryId: 2, bbox: c, score: 0.5),  // TP
    ]
    return VOCEvaluation.evaluate(data, detections: detections)
  }

  @Test func meanInterpolatedPrecisionByHand() {
    let voc = Self.twoClassEvaluation()
    // Class 1: recall (0.5, 0.5, 1), precision (1, 1/2, 2/3); class 2: recall (0, 1), precision (0, 1/2); class 3 has no positives.
    let mean = RCNNPipeline.meanInterpolatedPrecision(voc, at: [0, 0.5, 0.6, 1])
    let expected = [(1 + 0.5) / 2, (1 + 0.5) / 2, (2.0 / 3 + 0.5) / 2, (2.0 / 3 + 0.5) / 2]
    for (m, e) in zip(mean, expected) { #expect(abs(m - e) < 1e-12) }
    // 11-point APs: class 1 (6 x 1 + 5 x 2/3) / 11, class 2 0.5; their mean is the mean curve's 11-point average.
    let map = ((6 + 10.0 / 3) / 11 + 0.5) / 2
    #expect(abs(voc.map07 - map) < 1e-12)
    let average = RCNNPipeline.meanInterpolatedPrecision(voc, at: RCNNPipeline.vocRecallLevels).reduce(0, +) / 11
    #expect(abs(average - map) < 1e-12)
  }
}
