// The networks the adversarial chapter attacks, each behind one function
// (to move into the Models module as `context.model(...)`): the classifier
// chapter's ConvNet, a linear softmax model on the same images, a second
// ConvNet trained independently (for transfer), the same second ConvNet
// trained with FGSM adversarial examples, and linear models on upsampled
// images. Every extra model is cached by the model cache under a key made of
// its recipe, the run's seed and threads, the data checksums and this code.
import Datasets
import Foundation
import Layers
import Tensor

extension Adversarial {
  /// The images every model here trains and is tested on: the classifier's profile.
  struct Inputs {
    var train: FashionMNIST
    var test: FashionMNIST
  }

  static func inputs(_ context: RunContext) throws -> Inputs {
    let config = Classifier.config(for: context.profile)
    let train = try FashionMNIST.load(.train, folder: context.dataFolder, limit: config.trainImages)
    let test = try FashionMNIST.load(.test, folder: context.dataFolder, limit: config.testImages)
    for (name, sum) in train.checksums.merging(test.checksums, uniquingKeysWith: { a, _ in a }) { context.usedData(name, checksum: sum) }
    return Inputs(train: train, test: test)
  }

  /// The `classifier` chapter's ConvNet (trained there, loaded from the cache here).
  static func classifier(_ context: RunContext, _ data: Inputs) throws -> Sequential {
    try Classifier.trainedNetwork(Classifier.config(for: context.profile), context: context, train: data.train, test: data.test).0
  }

  /// A recipe for the models trained here.
  struct Recipe: Codable, Sendable {
    var images: Int
    var epochs: Int
    var batchSize = 64
    var learningRate: Float
    var momentum: Float = 0.9
    var netSeed: UInt64
    /// FGSM adversarial training: the ε of the adversarial half of every batch (0: clean training).
    var adversarialEpsilon: Float = 0
    /// Linear models: the side the images are upsampled to.
    var side = 28
  }

  struct History: Codable { var losses: [Float] = [] }

  static func cacheKey(_ name: String, _ recipe: Recipe, _ context: RunContext, _ data: Inputs) throws -> String {
    ModelCache.key([
      "adversarial." + name, String(decoding: try JSONEncoder.sorted.encode(recipe), as: UTF8.self), "seed \(context.seed)", "threads \(context.threads)",
      data.train.checksums.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
      CodeFingerprint.of(["Sources/Layers", "Sources/Experiments/Lecture09/Adversarial/Adversarial+Models.swift", "Sources/Experiments/Lecture09/Adversarial/Adversarial+Attacks.swift"] + CodeFingerprint.numericCore),
    ])
  }

  // snippet.train
  /// SGD with momentum and cosine decay on `recipe.images` training images,
  /// upsampled to `recipe.side`; with `adversarialEpsilon` > 0 every batch is
  /// half clean, half its FGSM version (Goodfellow et al.'s
  /// J̃ = ½ J(x) + ½ J(x + ε sign ∇ₓJ), the adversarial half made with the current weights).
  static func train(_ net: Sequential, _ recipe: Recipe, _ data: Inputs, label: String, using rng: inout SplitMix64) -> History {
    var history = History()
    let images = data.train.images.slice(0..<recipe.images), labels = Array(data.train.labels.prefix(recipe.images))
    let steps = (recipe.images + recipe.batchSize - 1) / recipe.batchSize * recipe.epochs
    var sgd = SGD(learningRate: recipe.learningRate, momentum: recipe.momentum)
    let progress = TrainingProgress(label: label, totalSteps: steps)
    var step = 0
    for epoch in 1...recipe.epochs {
      for batch in shuffledBatches(images: images, labels: labels, batchSize: recipe.batchSize, using: &rng) {
        sgd.learningRate = recipe.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(steps))))
        var x = recipe.side == 28 ? batch.images : batch.images.resizedBilinear(height: recipe.side, width: recipe.side)
        var y = batch.labels
        if recipe.adversarialEpsilon > 0 {
          let adversarial = fgsm(net, x, labels: y, epsilon: recipe.adversarialEpsilon)
          x = Tensor(shape: [2 * y.count] + Array(x.shape.dropFirst()), scalars: x.scalars + adversarial.scalars)
          y += y
        }
        let (loss, right) = trainStep(net, images: x, labels: y, optimizer: &sgd)
        step += 1
        if step % 25 == 0 || step == steps { history.losses.append(loss) }
        progress.update(epoch: epoch, epochs: recipe.epochs, step: step, loss: loss, accuracy: Double(right) / Double(y.count), images: step * recipe.batchSize)
      }
    }
    return history
  }
  // snippet.end

  /// A model trained by `recipe` (from the cache when possible).
  static func trained(_ name: String, _ net: Sequential, _ recipe: Recipe, _ context: RunContext, _ data: Inputs) throws -> Sequential {
    let key = try cacheKey(name, recipe, context, data)
    _ = try context.cachedTraining(key: key, network: net, note: "model." + name) {
      var rng = SplitMix64(seed: context.seed).derived("adversarial." + name + ".shuffle")
      return train(net, recipe, data, label: name, using: &rng)
    }
    return net
  }

  /// Multinomial logistic regression on the pixels: Flatten, Linear(side² -> 10).
  static func linearNet(side: Int, seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([Flatten(name: "flatten"), Linear(name: "fc", inputs: side * side, outputs: 10, using: &rng)])
  }

  /// The linear softmax model on the classifier's images.
  static func linearModel(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    try trained("linear", linearNet(side: 28, seed: 11), config.linear, context, data)
  }

  /// A second ConvNet, the classifier's architecture with another initialization, data order and budget.
  static func transferNet(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    try trained("second", ModelZoo.fashionConvNet(seed: config.second.netSeed), config.second, context, data)
  }

  /// The second ConvNet's recipe with FGSM adversarial training.
  static func adversariallyTrainedNet(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    var recipe = config.second
    recipe.adversarialEpsilon = config.trainingEpsilon
    return try trained("adversarial", ModelZoo.fashionConvNet(seed: recipe.netSeed), recipe, context, data)
  }

  /// A linear model on items upsampled to `side` px; the learning rate is
  /// scaled by 784 / side² so every size takes the same steps in function space.
  static func upsampledLinearModel(side: Int, _ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    var recipe = config.sizes
    recipe.side = side
    recipe.learningRate *= Float(784) / Float(side * side)
    return try trained("linear\(side)", linearNet(side: side, seed: 12), recipe, context, data)
  }
}
