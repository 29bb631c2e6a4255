// The two classifiers of the spatial-transformer chapter, trained on the one
// training loop as TrainedModel recipes: the plain CNN and the ST-CNN, with
// the same classifier initialization, data order and steps.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Tensor

extension SpatialTransformers {
  /// conv3x3(1->16)-ReLU-pool-conv3x3(16->32)-ReLU-pool-FC(1568->64)-ReLU-FC(64->10) on 28 x 28.
  static func classifierLayers(seed: UInt64) -> [any Layer] {
    var rng = SplitMix64(seed: seed)
    return [
      Conv2D(name: "conv1", inChannels: 1, outChannels: 16, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu1"), MaxPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu2"), MaxPool2D(name: "pool2"),
      Flatten(name: "flatten"), Linear(name: "fc1", inputs: 32 * 7 * 7, outputs: 64, using: &rng), ReLU(name: "relu3"),
      Linear(name: "fc2", inputs: 64, outputs: 10, using: &rng),
    ]
  }

  // snippet.localization
  /// The localization network on the canvas: pool2, two conv3x3-ReLU-pool2
  /// stages, FC(256->32)-ReLU-FC(32->6), the last layer at the identity.
  static func localization(canvas: Int, seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    let side = canvas / 2 / 2 / 2
    return Sequential([
      MaxPool2D(name: "loc_pool0"),
      Conv2D(name: "loc_conv1", inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "loc_relu1"), MaxPool2D(name: "loc_pool1"),
      Conv2D(name: "loc_conv2", inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "loc_relu2"), MaxPool2D(name: "loc_pool2"),
      Flatten(name: "loc_flatten"), Linear(name: "loc_fc1", inputs: 16 * side * side, outputs: 32, using: &rng), ReLU(name: "loc_relu3"),
      Linear(name: "loc_fc2", inputs: 32, outputs: 6, using: &rng),
    ])
  }
  // snippet.end

  struct Models {
    var cnn: Sequential
    var stcnn: Sequential
    /// The ST-CNN's first layer.
    var transformer: SpatialTransformer {
      guard let t = stcnn.layers.first as? SpatialTransformer else { preconditionFailure("ST-CNN: the first layer is not the transformer") }
      return t
    }
  }

  struct History: Codable {
    var losses: [Float] = []
    var testError: [Double] = []
  }

  // snippet.train
  /// One step of the ST-CNN: forward through transformer and classifier,
  /// backward through both (the sampler passes the gradient to θ and on into
  /// the localization network), each part stepped with its own rate.
  static func trainStep(_ net: Sequential, transformer: SpatialTransformer, images: Tensor, labels: [Int], main: inout SGD, local: inout SGD) -> (loss: Float, correct: Int) {
    var trace = Trace()
    let logits = net.forward(images, mode: .train, trace: &trace)
    let (loss, dlogits) = softmaxCrossEntropy(logits: logits, labels: labels)
    net.zeroGrad()
    trace.backward(seeds: [net.outputName: dlogits], inputGradient: false)
    let localParameters = Set(transformer.parameters.map(ObjectIdentifier.init))
    main.step(net.parameters.filter { !localParameters.contains(ObjectIdentifier($0)) })
    local.step(transformer.parameters)
    return (loss, zip(logits.argmaxRows(), labels).filter { $0 == $1 }.count)
  }
  // snippet.end

  /// The two classifiers as TrainedModel recipes (cache keys derived from the
  /// configuration and this folder's code): the plain CNN on the canvas
  /// resampled at θ = identity, and the ST-CNN, a transformer (identity at the
  /// start) in front of the same initial classifier, with the same data order and steps.
  struct Classifiers: TrainedModel {
    enum Kind: String { case cnn, stcnn }
    /// The network that runs and the container whose parameters are saved
    /// (the ST-CNN's nested layers would give duplicate names).
    struct Network {
      let net: Sequential
      let storage: Sequential
    }
    let kind: Kind
    let config: Config
    let train: DistortedSet

    var name: String { "spatial-transformer.\(kind.rawValue)" }
    static let folder = "Experiments/" + SpatialTransformers.folder
    static let dataFiles = FashionMNIST.files
    var settings: String { settingsJSON(config) }

    func makeNetwork() -> Network {
      let head = classifierLayers(seed: config.netSeed)
      guard kind == .stcnn else { return Network(net: Sequential(head), storage: Sequential(head)) }
      let loc = localization(canvas: config.canvas, seed: config.netSeed + 1)
      let transformer = SpatialTransformer(name: "st", localization: loc, outputHeight: 28, outputWidth: 28)
      transformer.initializeToIdentity()
      return Network(net: Sequential([transformer] + head), storage: Sequential(loc.layers + head))
    }
    func weights(of network: Network) -> Sequential { network.storage }

    func train(_ network: Network, in context: RunContext) throws -> History {
      let net = network.net
      var rng = SplitMix64(seed: context.seed).derived("spatial-transformer.shuffle")  // the same order for both
      var main = SGD(learningRate: config.learningRate, momentum: config.momentum)
      var local = SGD(learningRate: config.localizationRate, momentum: config.momentum)
      var history = History()
      let inputs = kind == .cnn ? identityResampled(train.images) : train.images
      let loop = TrainingLoop(label: kind == .cnn ? "cnn" : "st-cnn", examples: train.labels.count, batchSize: config.batchSize, epochs: config.epochs)
      loop.run(using: &rng) { step in
        main.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
        let images = inputs.gather(step.indices), labels = step.indices.map { train.labels[$0] }
        let (loss, right): (Float, Int)
        if kind == .stcnn, let transformer = net.layers.first as? SpatialTransformer {
          local.learningRate = LearningRateSchedule.cosine(config.localizationRate, step: step.index, total: step.totalSteps)
          (loss, right) = trainStep(net, transformer: transformer, images: images, labels: labels, main: &main, local: &local)
        } else {
          (loss, right) = Layers.trainStep(net, images: images, labels: labels, optimizer: &main)
        }
        if (step.index + 1) % 25 == 0 { history.losses.append(loss) }
        return .init(loss: loss, correct: right, counted: labels.count)
      }
      return history
    }
  }

  /// The plain CNN (from the cache when possible).
  static func plainCNN(_ config: Config, _ context: RunContext, train: DistortedSet) throws -> Sequential {
    try context.model(Classifiers(kind: .cnn, config: config, train: train)).network.net
  }

  /// The ST-CNN (from the cache when possible).
  static func stCNN(_ config: Config, _ context: RunContext, train: DistortedSet) throws -> Sequential {
    try context.model(Classifiers(kind: .stcnn, config: config, train: train)).network.net
  }
}
