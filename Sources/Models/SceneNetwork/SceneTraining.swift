// The training steps of the localization recipe (CS231n lecture 8), on the
// one training loop: step 1 trains trunk + classifier with softmax loss;
// step 2 trains the regression head alone on features computed once from the
// frozen trunk (L2 on the corners); step 3 fine-tunes everything on class
// loss + weight * box loss. Adam with cosine decay within each step; each
// step shuffles with its own named generator derived from the run's seed.
import Datasets
import Detection
import ExperimentKit
import Layers
import Tensor

/// Loss curves and the scores after step 2, saved beside the weights.
public struct SceneTrainingHistory: Codable, Sendable {
  public var classLoss: [Float] = []
  public var boxLoss: [Float] = []
  /// Test scores with the head trained on frozen features (before step 3).
  public var frozen: LocalizationScores? = nil
}

enum SceneTraining {
  /// Step 1: the classification net.
  static func trainClassifier(_ net: LocalizationNetwork, _ scenes: FashionScenes, _ config: SceneNetworkConfig, context: RunContext) -> SceneTrainingHistory {
    var history = SceneTrainingHistory()
    var rng = SplitMix64(seed: context.seed).derived("localization.classifier")
    var adam = Adam(learningRate: config.learningRate)
    epochs(config.classEpochs, label: "localization: classifier", images: scenes.images, objects: scenes.objects, config, using: &rng) {
      step, images, labels, boxes in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let r = net.trainStep(images: images, labels: labels, boxTargets: boxes, parts: .classification, boxWeight: 0, optimizer: &adam)
      history.classLoss.append(r.classLoss)
      return (r.classLoss, r.correct)
    }
    return history
  }

  /// Step 2: the regression head alone, on features computed once from the frozen trunk.
  static func trainHead(_ net: LocalizationNetwork, _ scenes: FashionScenes, _ config: SceneNetworkConfig, context: RunContext) -> [Float] {
    let features = net.regressorInput(scenes.images)
    let (labels, boxes) = LocalizationNetwork.targets(scenes.objects)
    var rng = SplitMix64(seed: context.seed).derived("localization.head.\(net.attachment).\(net.classSpecific)")
    var adam = Adam(learningRate: config.headLearningRate)
    var losses: [Float] = []
    let loop = TrainingLoop(label: "localization: head", examples: scenes.count, batchSize: config.batchSize, epochs: config.headEpochs, showsProgress: false)
    loop.run(using: &rng) { step in
      var trace = Trace()
      let prediction = net.regressor.forward(features.gather(step.indices), mode: .train, trace: &trace)
      let loss = net.boxLoss(prediction: prediction, labels: step.indices.map { labels[$0] }, targets: boxes.gather(step.indices))
      net.regressor.zeroGrad()
      trace.backward(seeds: [net.regressor.outputName: loss.gradient], inputGradient: false)
      adam.step(net.regressor.parameters)
      losses.append(loss.value)
      return .init(loss: loss.value)
    }
    return losses
  }

  /// Step 3 (and the two-object net): every layer on class loss + weight * box loss.
  static func fineTune(
    _ net: LocalizationNetwork, _ images: Tensor, objects: [[LabeledBox]], epochs count: Int, learningRate: Float, _ config: SceneNetworkConfig,
    label: String, context: RunContext
  ) -> SceneTrainingHistory {
    var history = SceneTrainingHistory()
    var rng = SplitMix64(seed: context.seed).derived("localization.finetune.\(label)")
    var adam = Adam(learningRate: learningRate)
    epochs(count, label: "localization: \(label)", images: images, objects: objects, config, using: &rng) { step, images, labels, boxes in
      adam.learningRate = LearningRateSchedule.cosine(learningRate, step: step.index, total: step.totalSteps)
      let r = net.trainStep(images: images, labels: labels, boxTargets: boxes, parts: .all, boxWeight: config.boxWeight, optimizer: &adam)
      history.classLoss.append(r.classLoss)
      history.boxLoss.append(r.boxLoss)
      return (r.classLoss + config.boxWeight * r.boxLoss, r.correct)
    }
    return history
  }

  /// The training loop over scenes: each batch's images, per-slot labels and box targets.
  static func epochs(
    _ epochs: Int, label: String, images: Tensor, objects: [[LabeledBox]], _ config: SceneNetworkConfig, using rng: inout SplitMix64,
    step: (TrainingLoop.Step, Tensor, [Int], Tensor) -> (loss: Float, correct: Int)
  ) {
    let (labels, boxes) = LocalizationNetwork.targets(objects)
    let n = images.shape[0]
    let slots = labels.count / max(n, 1)
    TrainingLoop(label: label, examples: n, batchSize: config.batchSize, epochs: epochs).run(using: &rng) { s in
      let batchLabels = s.indices.flatMap { i in labels[(i * slots)..<((i + 1) * slots)] }
      let (loss, correct) = step(s, images.gather(s.indices), batchLabels, boxes.gather(s.indices))
      return .init(loss: loss, correct: correct, counted: batchLabels.count)
    }
  }
}
