// The two classifiers of the spatial-transformer chapter, each behind one
// function (to move into the Models module as `context.model(...)`): the
// plain CNN and the ST-CNN, same classifier initialization, data order and
// steps. Cached by the model cache under a key made of the configuration,
// seed, threads, data checksums and this file and the data file.
import Datasets
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
    var transformer: SpatialTransformer { stcnn.layers[0] as! SpatialTransformer }
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

  static func cacheKey(_ name: String, _ config: Config, _ context: RunContext, checksums: [String: String]) throws -> String {
    ModelCache.key([
      "spatial-transformer." + name, String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self), "seed \(context.seed)", "threads \(context.threads)",
      checksums.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
      CodeFingerprint.of(["Sources/Layers", "Sources/Experiments/Lecture08/SpatialTransformer/SpatialTransformers+Models.swift",
                          "Sources/Experiments/Lecture08/SpatialTransformer/SpatialTransformers+Data.swift"] + CodeFingerprint.numericCore),
    ])
  }

  static func steps(_ config: Config, images: Int) -> Int { (images + config.batchSize - 1) / config.batchSize * config.epochs }

  /// Cosine decay from `base` to zero over the run.
  static func rate(_ base: Float, _ step: Int, of steps: Int) -> Float { base * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(steps)))) }

  /// The plain CNN on the canvas resampled at θ = identity (from the cache when possible).
  static func plainCNN(_ config: Config, _ context: RunContext, train: DistortedSet, checksums: [String: String]) throws -> Sequential {
    let cnn = Sequential(classifierLayers(seed: config.netSeed))
    let steps = steps(config, images: train.labels.count)
    _ = try context.cachedTraining(key: try cacheKey("cnn", config, context, checksums: checksums), network: cnn, note: "model.cnn") {
      let inputs = identityResampled(train.images)
      var rng = SplitMix64(seed: context.seed).derived("spatial-transformer.shuffle")
      var sgd = SGD(learningRate: config.learningRate, momentum: config.momentum)
      var history = History()
      let progress = TrainingProgress(label: "cnn", totalSteps: steps)
      var step = 0
      for epoch in 1...config.epochs {
        for batch in shuffledBatches(images: inputs, labels: train.labels, batchSize: config.batchSize, using: &rng) {
          sgd.learningRate = rate(config.learningRate, step, of: steps)
          let (loss, right) = Layers.trainStep(cnn, images: batch.images, labels: batch.labels, optimizer: &sgd)
          step += 1
          if step % 25 == 0 { history.losses.append(loss) }
          progress.update(epoch: epoch, epochs: config.epochs, step: step, loss: loss, accuracy: Double(right) / Double(batch.labels.count), images: step * config.batchSize)
        }
      }
      return history
    }
    return cnn
  }

  /// The ST-CNN: a transformer (identity at the start) in front of the same
  /// initial classifier as the CNN, same data order and steps (from the cache when possible).
  static func stCNN(_ config: Config, _ context: RunContext, train: DistortedSet, checksums: [String: String]) throws -> Sequential {
    let loc = localization(canvas: config.canvas, seed: config.netSeed + 1)
    let transformer = SpatialTransformer(name: "st", localization: loc, outputHeight: 28, outputWidth: 28)
    transformer.initializeToIdentity()
    let head = classifierLayers(seed: config.netSeed)
    let stcnn = Sequential([transformer] + head)
    let storage = Sequential(loc.layers + head)  // unique parameter names for the model file
    let steps = steps(config, images: train.labels.count)
    _ = try context.cachedTraining(key: try cacheKey("stcnn", config, context, checksums: checksums), network: storage, note: "model.stcnn") {
      var rng = SplitMix64(seed: context.seed).derived("spatial-transformer.shuffle")  // the same order as the CNN
      var main = SGD(learningRate: config.learningRate, momentum: config.momentum)
      var local = SGD(learningRate: config.localizationRate, momentum: config.momentum)
      var history = History()
      let progress = TrainingProgress(label: "st-cnn", totalSteps: steps)
      var step = 0
      for epoch in 1...config.epochs {
        for batch in shuffledBatches(images: train.images, labels: train.labels, batchSize: config.batchSize, using: &rng) {
          main.learningRate = rate(config.learningRate, step, of: steps)
          local.learningRate = rate(config.localizationRate, step, of: steps)
          let (loss, right) = trainStep(stcnn, transformer: transformer, images: batch.images, labels: batch.labels, main: &main, local: &local)
          step += 1
          if step % 25 == 0 { history.losses.append(loss) }
          progress.update(epoch: epoch, epochs: config.epochs, step: step, loss: loss, accuracy: Double(right) / Double(batch.labels.count), images: step * config.batchSize)
        }
      }
      return history
    }
    return stcnn
  }
}
