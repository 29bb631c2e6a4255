// Joint training of Faster R-CNN (Ren et al., NeurIPS 2015, §3.2
// "approximate joint training"; py-faster-rcnn's end2end recipe): each step
// runs one network on a minibatch of scenes and sums four losses —
//   RPN classification (objectness BCE over 256 sampled anchors per image),
//   RPN regression (smooth L1 on the positive anchors' deltas),
//   head classification (softmax over 11 on the sampled regions),
//   head regression (smooth L1 on the foreground regions' class offsets) —
// then one backward pass: the head's gradient reaches the shared map through
// RoI pooling, the RPN's through its convs, and their sum trains the trunk.
// The head's regions come from the RPN's current proposals (ProposalLayer
// .train, no gradient through their coordinates) plus the ground truth,
// sampled by RegionSampler (Fast R-CNN's 25% foreground). Adam with cosine
// decay; the trunk's batch norms train on the scene batches. Every draw comes
// from generators derived from the run's seed by name.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Tensor

/// The four loss curves (one value per step) and the training time.
public struct FasterRCNNHistory: Codable, Sendable {
  public var rpnClass: [Float] = []
  public var rpnBox: [Float] = []
  public var headClass: [Float] = []
  public var headBox: [Float] = []
  /// Positive anchors per image (mean over the batch) at each step.
  public var rpnPositives: [Float] = []
}

enum FasterRCNNTraining {
  static func train(_ net: FasterRCNNNetwork, scenes: FashionScenes, _ config: FasterRCNNConfig, context: RunContext) -> FasterRCNNHistory {
    var history = FasterRCNNHistory()
    var order = SplitMix64(seed: context.seed).derived("faster-rcnn.order")
    var draws = SplitMix64(seed: context.seed).derived("faster-rcnn.sampling")
    var adam = Adam(learningRate: config.learningRate)
    let side = Double(FasterRCNNNetwork.sceneSize)
    let map = FasterRCNNNetwork.mapSide(scene: FasterRCNNNetwork.sceneSize)
    let anchors = net.anchors(height: map, width: map)
    let targeter = AnchorTargeter(batchSize: config.anchorsPerImage, allowedBorder: config.allowedBorder)
    let sampler = RegionSampler(regionsPerImage: config.regionsPerImage)
    let loop = TrainingLoop(label: "faster-rcnn", examples: scenes.count, batchSize: config.batchSize, epochs: config.epochs)
    loop.run(using: &order) { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let images = LocalizationNetwork.normalized(scenes.images.gather(step.indices))
      let truth = step.indices.map { scenes.objects[$0] }
      // snippet.joint-step
      var trunkTrace = Trace(), rpnTraces = RegionProposalNetwork.Traces()
      let features = net.trunk.forward(images, mode: .train, trace: &trunkTrace)
      let out = net.rpn.forward(features, mode: .train, traces: &rpnTraces)
      let targets = truth.map { targeter.targets(anchors: anchors, truth: $0.map(\.box), width: side, height: side, using: &draws) }
      var rpnLoss = net.rpn.loss(out, targets: targets)
      // The head's regions: the RPN's proposals now (fixed boxes) and the ground truth.
      let proposals = net.proposals(out, layer: config.trainProposals, anchors: anchors)
      var rois: [RegionOfInterest] = [], labels: [Int] = [], boxTargets: [[Double]?] = []
      for (i, p) in proposals.enumerated() {
        for r in sampler.sample(proposals: p.boxes, truth: truth[i], normalization: net.head.normalization, using: &draws) {
          rois.append(FastRCNNHead.region(r.box, image: i))
          labels.append(r.label)
          boxTargets.append(r.target)
        }
      }
      let (logits, deltas, cache) = net.head.forward(features: features, rois: rois)
      let headLoss = net.head.loss(logits: logits, deltas: deltas, labels: labels, targets: boxTargets, lambda: config.headBoxWeight)
      net.all.zeroGrad()
      var dFeatures = net.head.backward(headLoss, cache: cache)
      rpnLoss.gradient.deltas.scale(by: config.rpnBoxWeight)
      dFeatures += net.rpn.backward(rpnLoss.gradient, traces: rpnTraces)
      trunkTrace.backward(seeds: [net.trunk.outputName: dFeatures], inputGradient: false)
      adam.step(net.all.parameters)
      // snippet.end
      history.rpnClass.append(rpnLoss.objectness)
      history.rpnBox.append(rpnLoss.boxes)
      history.headClass.append(headLoss.classification)
      history.headBox.append(headLoss.box)
      history.rpnPositives.append(Float(rpnLoss.positives) / Float(step.indices.count))
      let total = rpnLoss.objectness + config.rpnBoxWeight * rpnLoss.boxes + headLoss.classification + config.headBoxWeight * headLoss.box
      return .init(loss: total)
    }
    return history
  }
}

extension FasterRCNNNetwork {
  /// The conv3 map's side for a scene of `scene` px: valid 3 x 3 convs and 2 x 2 pools, (((s - 2) / 2 - 2) / 2 - 2).
  public static func mapSide(scene: Int) -> Int { ((scene - 2) / 2 - 2) / 2 - 2 }
}
