// Training Fast R-CNN end to end (Girshick, "Fast R-CNN", ICCV 2015, §2.3):
// hierarchical sampling, N = `imagesPerBatch` scenes per minibatch and
// R/N = `regionsPerImage` regions from each (RegionSampler: IoU >= 0.5
// foreground with its ground truth's class, [0.1, 0.5) background, 25 %
// foreground, the ground-truth boxes added to the proposals), drawn anew
// each time a scene is visited. One conv pass per scene computes the shared
// map; the multi-task loss (FastRCNNHead.loss) back-propagates through the
// head, through RoI max pooling (each pooled value's gradient goes to the
// map cell it was taken from, summed over overlapping regions, eq. 4) and
// into the trained conv layers. BatchNorm keeps its stored statistics (test
// mode). Randomness: scene order and region draws from generators derived
// from the run's seed and the model's name.
import Datasets
import Foundation
import Detection
import ExperimentKit
import Layers
import Tensor

enum FastRCNNTraining {
  static func train(
    _ net: FastRCNNNetwork, scenes: FashionScenes, proposals: [[Box]], _ config: FastRCNNConfig, label: String, context: RunContext,
    afterEpoch: (_ epoch: Int) -> Void = { _ in }
  ) -> FastRCNNHistory {
    var history = FastRCNNHistory()
    var order = SplitMix64(seed: context.seed).derived("\(label).order")
    var draws = SplitMix64(seed: context.seed).derived("\(label).regions")
    let sampler = RegionSampler(regionsPerImage: config.regionsPerImage, foregroundFraction: config.foregroundFraction)
    var adam = Adam(learningRate: config.learningRate)
    let parameters = net.trainedTrunk.parameters + net.head.layers.parameters
    let loop = TrainingLoop(label: label, examples: scenes.count, batchSize: config.imagesPerBatch, epochs: config.epochs)
    let start = Date()
    var outside = 0.0  // seconds spent in `afterEpoch` (evaluation), not training
    loop.run(using: &order) { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      var regions: [[RegionSampler.Region]] = []
      for i in step.indices {
        regions.append(sampler.sample(proposals: proposals[i], truth: scenes.objects[i], coder: net.head.coder, normalization: net.head.normalization, using: &draws))
      }
      let r = trainStep(net, images: scenes.images.gather(step.indices), regions: regions, lambda: config.lambda)
      adam.step(parameters)
      history.classLoss.append(r.classification)
      history.boxLoss.append(r.box)
      history.foreground.append(regions.joined().filter { $0.label > 0 }.count)
      history.regions.append(regions.joined().count)
      let labels = regions.joined().map(\.label)
      return .init(loss: r.total, correct: zip(r.predicted, labels).filter { $0 == $1 }.count, counted: labels.count)
    } afterEpoch: { epoch, _ in
      let evaluation = Date()
      afterEpoch(epoch)
      outside += Date().timeIntervalSince(evaluation)
    }
    history.loopSeconds = Date().timeIntervalSince(start) - outside
    return history
  }

  /// Forward, loss and backward for one minibatch (gradients left in the parameters; zeroed first).
  static func trainStep(
    _ net: FastRCNNNetwork, images: Tensor, regions: [[RegionSampler.Region]], lambda: Float
  ) -> (classification: Float, box: Float, total: Float, predicted: [Int]) {
    // snippet.training-step
    net.all.zeroGrad()
    let fixed = net.fixedTrunk.forward(LocalizationNetwork.normalized(images), mode: .test)
    var trace = Trace()
    let map = net.trainedTrunk.layers.isEmpty ? fixed : net.trainedTrunk.forward(fixed, mode: .test, trace: &trace)  // (N, 64, 28, 28)
    let rois = regions.enumerated().flatMap { i, rs in rs.map { net.head.mapRegion($0.box, image: i) } }
    let all = Array(regions.joined())
    let out = net.head.forward(features: map, rois: rois)
    let loss = net.head.loss(logits: out.logits, deltas: out.deltas, labels: all.map(\.label), targets: all.map(\.target), lambda: lambda)
    let dMap = net.head.backward(loss, cache: out.cache)  // through RoI pooling into the map
    if !net.trainedTrunk.layers.isEmpty {
      trace.backward(seeds: [net.trainedTrunk.outputName: dMap], inputGradient: false)
    }
    // snippet.end
    return (loss.classification, loss.box, loss.total, out.logits.argmaxRows())
  }
}
