// The Fashion-MNIST ConvNet that the visualization chapters study, and its
// training recipe. Architecture: ModelZoo.fashionConvNet (Layers; the same
// net `convnotes bench` times): conv3x3(1->32)-ReLU-pool-conv3x3(32->64)-
// ReLU-pool-FC(3136->128)-ReLU-FC(128->10). Training: SGD with momentum 0.9
// and weight decay 5e-4, cosine learning-rate decay from 0.03 to zero, batch
// 64, one seeded permutation per epoch; test accuracy after every epoch.
// Input: pixels in [0, 1], (N, 1, 28, 28).
import Datasets
import ExperimentKit
import Foundation
import Layers
import Tensor

public struct FashionClassifier: TrainedModel {
  public struct Config: Codable, Sendable, Equatable {
    public var trainImages: Int
    public var testImages: Int
    public var epochs: Int
    public var batchSize = 64
    public var learningRate: Float = 0.03
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    public var netSeed: UInt64 = 1

    public init(trainImages: Int, testImages: Int, epochs: Int) {
      (self.trainImages, self.testImages, self.epochs) = (trainImages, testImages, epochs)
    }
  }

  public static let full = Config(trainImages: 60_000, testImages: 10_000, epochs: 6)
  public static let quick = Config(trainImages: 8_000, testImages: 2_000, epochs: 2)
  /// Three times the full training.
  public static let large = Config(trainImages: 60_000, testImages: 10_000, epochs: 18)

  /// Loss curve (mean of every 25 steps) and accuracy per epoch.
  public struct History: Codable, Sendable {
    public var lossSteps: [Int] = []
    public var losses: [Float] = []
    public var epochTrainAccuracy: [Double] = []
    public var epochTestAccuracy: [Double] = []
  }

  public let config: Config
  public init(config: Config) { self.config = config }
  public init(profile: Profile) {
    switch profile {
    case .quick: self.init(config: Self.quick)
    case .full: self.init(config: Self.full)
    case .large: self.init(config: Self.large)
    }
  }

  public var name: String { "fashion-classifier" }
  public static let folder = "Models/FashionClassifier"
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }

  public func makeNetwork() -> Sequential { ModelZoo.fashionConvNet(seed: config.netSeed) }
  public func weights(of network: Sequential) -> Sequential { network }

  /// The training and test images this model uses (noted in the run's provenance).
  public func data(_ context: RunContext) throws -> (train: FashionMNIST, test: FashionMNIST) {
    (try context.fashionMNIST(.train, limit: config.trainImages), try context.fashionMNIST(.test, limit: config.testImages))
  }

  public func train(_ net: Sequential, in context: RunContext) throws -> History {
    let (train, test) = try data(context)
    var history = History()
    var rng = SplitMix64(seed: context.seed).derived("classifier.shuffle")
    let loop = TrainingLoop(label: "classifier", examples: train.count, batchSize: config.batchSize, epochs: config.epochs)
    var sgd = SGD(learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay)
    var correct = 0, counted = 0
    var windowLoss: Float = 0, windowCount = 0
    // Resume after the last finished epoch of a run that was stopped.
    let checkpoint = context.checkpoint(for: self, network: net, state: Progress.self)
    var firstEpoch = 1
    if let saved = checkpoint.restore(into: &sgd) {
      (rng, history, windowLoss, windowCount) = (saved.rng, saved.state.history, saved.state.windowLoss, saved.state.windowCount)
      firstEpoch = saved.epoch + 1
      context.log("resuming the classifier's training after epoch \(saved.epoch) (\(checkpoint.url.lastPathComponent))")
    }
    try loop.run(using: &rng, from: firstEpoch) { step in
      sgd.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let labels = step.indices.map { train.labels[$0] }
      let (loss, right) = trainStep(net, images: train.images.gather(step.indices), labels: labels, optimizer: &sgd)
      correct += right
      counted += labels.count
      windowLoss += loss
      windowCount += 1
      if windowCount == 25 || step.index + 1 == step.totalSteps {
        history.lossSteps.append(step.index + 1)
        history.losses.append(windowLoss / Float(windowCount))
        (windowLoss, windowCount) = (0, 0)
      }
      return .init(loss: loss, correct: right, counted: labels.count)
    } afterEpoch: { epoch, generator in
      history.epochTrainAccuracy.append(Double(correct) / Double(counted))
      (correct, counted) = (0, 0)
      let predictions = predict(net, images: test.images)
      history.epochTestAccuracy.append(Double(zip(predictions, test.labels).filter { $0 == $1 }.count) / Double(test.count))
      if epoch < config.epochs {
        try checkpoint.save(epoch: epoch, rng: generator, optimizer: sgd, state: Progress(history: history, windowLoss: windowLoss, windowCount: windowCount))
      }
    }
    return history
  }

  /// What a checkpoint keeps besides weights, optimizer and generator: the curves so far.
  struct Progress: Codable {
    var history: History
    var windowLoss: Float
    var windowCount: Int
  }
}

extension FashionClassifier {
  /// The named layer's activations (N, ...) for `images`, 500 at a time in
  /// test mode: the codes the t-SNE, nearest-neighbour and unit chapters read.
  public static func features(_ net: Sequential, _ images: Tensor, layer: String) -> Tensor {
    var rows: [Float] = []
    var shape: [Int] = []
    for start in Swift.stride(from: 0, to: images.shape[0], by: 500) {
      var trace = Trace()
      _ = net.forward(images.slice(start..<min(start + 500, images.shape[0])), mode: .test, trace: &trace)
      guard let a = trace.activation(layer) else { preconditionFailure("features: the net has no layer named \(layer)") }
      shape = Array(a.shape.dropFirst())
      rows += a.scalars
    }
    return Tensor(shape: [images.shape[0]] + shape, scalars: rows)
  }
}
