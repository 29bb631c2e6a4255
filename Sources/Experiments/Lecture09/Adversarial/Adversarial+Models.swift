// The networks the adversarial chapter attacks: the classifier chapter's
// ConvNet (Models' FashionClassifier), and, trained here as TrainedModel
// recipes on the one training loop, a linear softmax model on the same
// images, a second ConvNet trained independently (for transfer), the same
// second ConvNet trained with FGSM adversarial examples, and linear models
// on upsampled images. Their cache keys are derived from the recipe and
// this folder's code (see ExperimentKit's TrainedModel).
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Tensor

extension Adversarial {
  /// The images every model here trains and is tested on: the classifier's profile.
  struct Inputs {
    var train: FashionMNIST
    var test: FashionMNIST
  }

  static func inputs(_ context: RunContext) throws -> Inputs {
    let (train, test) = try FashionClassifier(profile: context.profile).data(context)
    return Inputs(train: train, test: test)
  }

  /// The `classifier` chapter's ConvNet (from the model cache, or trained now).
  static func classifier(_ context: RunContext, _ data: Inputs) throws -> Sequential {
    try context.model(FashionClassifier(profile: context.profile)).network
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

  /// One of the models this chapter trains: `linear` (softmax regression on
  /// the pixels) or `convnet` (the classifier's architecture), by `recipe`.
  struct AttackedModel: TrainedModel {
    enum Architecture: String, Codable { case linear, convnet }
    let label: String
    let architecture: Architecture
    let recipe: Recipe
    let profile: Profile

    var name: String { "adversarial." + label }
    static let folder = "Experiments/" + Adversarial.folder
    static let dataFiles = FashionMNIST.files
    var settings: String { settingsJSON(recipe) + " " + architecture.rawValue + " " + settingsJSON(FashionClassifier(profile: profile).config) }

    func makeNetwork() -> Sequential {
      switch architecture {
      case .linear: linearNet(side: recipe.side, seed: recipe.netSeed)
      case .convnet: ModelZoo.fashionConvNet(seed: recipe.netSeed)
      }
    }
    func weights(of network: Sequential) -> Sequential { network }

    func train(_ net: Sequential, in context: RunContext) throws -> History {
      var rng = SplitMix64(seed: context.seed).derived(name + ".shuffle")
      return Adversarial.train(net, recipe, try inputs(context), label: label, using: &rng)
    }
  }

  // snippet.train
  /// SGD with momentum and cosine decay on `recipe.images` training images,
  /// upsampled to `recipe.side`; with `adversarialEpsilon` > 0 every batch is
  /// half clean, half its FGSM version (Goodfellow et al.'s
  /// J̃ = ½ J(x) + ½ J(x + ε sign ∇ₓJ), the adversarial half made with the current weights).
  static func train(_ net: Sequential, _ recipe: Recipe, _ data: Inputs, label: String, using rng: inout SplitMix64) -> History {
    var history = History()
    let images = data.train.images.slice(0..<recipe.images), labels = Array(data.train.labels.prefix(recipe.images))
    var sgd = SGD(learningRate: recipe.learningRate, momentum: recipe.momentum)
    let loop = TrainingLoop(label: label, examples: recipe.images, batchSize: recipe.batchSize, epochs: recipe.epochs)
    loop.run(using: &rng) { step in
      sgd.learningRate = LearningRateSchedule.cosine(recipe.learningRate, step: step.index, total: step.totalSteps)
      let batch = images.gather(step.indices)
      var x = recipe.side == 28 ? batch : batch.resizedBilinear(height: recipe.side, width: recipe.side)
      var y = step.indices.map { labels[$0] }
      if recipe.adversarialEpsilon > 0 {
        let adversarial = fgsm(net, x, labels: y, epsilon: recipe.adversarialEpsilon)
        x = Tensor(shape: [2 * y.count] + Array(x.shape.dropFirst()), scalars: x.scalars + adversarial.scalars)
        y += y
      }
      let (loss, right) = trainStep(net, images: x, labels: y, optimizer: &sgd)
      if (step.index + 1) % 25 == 0 || step.index + 1 == step.totalSteps { history.losses.append(loss) }
      return .init(loss: loss, correct: right, counted: y.count)
    }
    return history
  }
  // snippet.end

  /// A model trained by `recipe` (from the cache when possible).
  static func trained(_ label: String, _ architecture: AttackedModel.Architecture, _ recipe: Recipe, _ context: RunContext) throws -> Sequential {
    try context.model(AttackedModel(label: label, architecture: architecture, recipe: recipe, profile: context.profile)).network
  }

  /// Multinomial logistic regression on the pixels: Flatten, Linear(side² -> 10).
  static func linearNet(side: Int, seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([Flatten(name: "flatten"), Linear(name: "fc", inputs: side * side, outputs: 10, using: &rng)])
  }

  /// The linear softmax model on the classifier's images.
  static func linearModel(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    try trained("linear", .linear, config.linear, context)
  }

  /// A second ConvNet, the classifier's architecture with another initialization, data order and budget.
  static func transferNet(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    try trained("second", .convnet, config.second, context)
  }

  /// The second ConvNet's recipe with FGSM adversarial training.
  static func adversariallyTrainedNet(_ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    var recipe = config.second
    recipe.adversarialEpsilon = config.trainingEpsilon
    return try trained("adversarial", .convnet, recipe, context)
  }

  /// A linear model on items upsampled to `side` px; the learning rate is
  /// scaled by 784 / side² so every size takes the same steps in function space.
  static func upsampledLinearModel(side: Int, _ context: RunContext, _ data: Inputs, _ config: Config) throws -> Sequential {
    var recipe = config.sizes
    recipe.side = side
    recipe.learningRate *= Float(784) / Float(side * side)
    return try trained("linear\(side)", .linear, recipe, context)
  }
}
