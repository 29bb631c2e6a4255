// Pretraining as a cached TrainedModel (key derived from this declaration):
// a TrunkClassifier of one depth trained on our ImageNet (PretrainingConfig),
// with its test accuracy after every epoch. Fast R-CNN starts from its trunk
// and its `cls.fc1` (TrunkDetector.swift), as Fast R-CNN starts from the
// ImageNet classifier's conv layers and fc6/fc7.
// Data: the `pretraining` images are drawn from Fashion-MNIST's training
// items (train) and test items (test), each set from a seed derived from the
// run's seed and its name (SceneSets.seed); the training order from a
// generator derived from the run's seed and the model's name.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Tensor

/// What pretraining records beside the weights.
public struct PretrainingHistory: Codable, Sendable {
  /// Softmax loss per minibatch.
  public var loss: [Float] = []
  /// Accuracy on the test images after each epoch.
  public var testAccuracy: [Double] = []
  /// Wall-clock seconds of the training loop alone (a record of the run that trained it).
  public var loopSeconds: Double = 0
}

/// The images of our ImageNet.
public enum PretrainingImages {
  public static let name = "pretraining"

  /// `count` images (one labelled object each) of `split`, from that split's Fashion-MNIST items.
  public static func images(
    _ split: FashionMNIST.Split, count: Int, spec: SceneSpec = PretrainingConfig.spec, context: RunContext
  ) throws -> (images: Tensor, labels: [Int]) {
    let items = try context.fashionMNIST(split)
    let scenes = FashionScenes.generate(spec, count: count, source: items, seed: SceneSets.seed(name, split, runSeed: context.seed))
    return (scenes.images, scenes.objects.map { $0[0].label })
  }
}

public struct PretrainedTrunk: TrainedModel {
  public let depth: TrunkDepth
  public let config: PretrainingConfig
  public init(_ depth: TrunkDepth, config: PretrainingConfig) { (self.depth, self.config) = (depth, config) }

  public var name: String { "pretrained-trunk.\(depth.rawValue)" }
  public static let folder = "Models/Pretraining"
  public static let uses = ["Layers", "Datasets", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) + " " + depth.rawValue }
  public func makeNetwork() -> TrunkClassifier { TrunkClassifier(depth: depth, seed: config.netSeed) }
  public func weights(of network: TrunkClassifier) -> Sequential { network.all }

  public func train(_ net: TrunkClassifier, in context: RunContext) throws -> PretrainingHistory {
    let train = try PretrainingImages.images(.train, count: config.trainImages, spec: config.images, context: context)
    let test = try PretrainingImages.images(.test, count: config.testImages, spec: config.images, context: context)
    var history = PretrainingHistory()
    var rng = SplitMix64(seed: context.seed).derived("\(name).order")
    var adam = Adam(learningRate: config.learningRate)
    let loop = TrainingLoop(label: name, examples: config.trainImages, batchSize: config.batchSize, epochs: config.epochs)
    var outside = 0.0
    let start = Date()
    loop.run(using: &rng) { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let labels = step.indices.map { train.labels[$0] }
      let r = net.trainStep(images: train.images.gather(step.indices), labels: labels, optimizer: &adam)
      history.loss.append(r.loss)
      return .init(loss: r.loss, correct: r.correct, counted: labels.count)
    } afterEpoch: { _, _ in
      let evaluation = Date()
      history.testAccuracy.append(net.accuracy(test.images, labels: test.labels))
      outside += Date().timeIntervalSince(evaluation)
    }
    history.loopSeconds = Date().timeIntervalSince(start) - outside
    return history
  }
}
