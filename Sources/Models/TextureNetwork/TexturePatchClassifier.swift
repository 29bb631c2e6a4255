// TextureNetwork trained here: which of the sample photos and textures is a
// 32 px patch cut from? The stand-in for Gatys et al.'s ImageNet-trained VGG
// (no pretrained weights in these notes). Data: each image of `images`
// (assets/images, grey ones repeated to RGB) shrunk by `downscale`; training
// patches come from its left 60%, the test patches from its right 40%
// (so test accuracy is measured on pixels the net never saw), random
// positions and left-right flips from seeded generators. Training: Adam with
// cosine decay, batch 32, softmax cross-entropy.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Tensor

public struct TexturePatchClassifier: TrainedModel {
  public struct Config: Codable, Sendable, Equatable {
    public var trainPatches: Int
    public var testPatches: Int
    public var epochs: Int
    public var downscale = 4
    public var batchSize = 32
    public var learningRate: Float = 2e-3
    public var netSeed: UInt64 = 7
  }

  public static let quick = Config(trainPatches: 384, testPatches: 128, epochs: 2)
  public static let full = Config(trainPatches: 2400, testPatches: 480, epochs: 3)

  /// The photos and textures whose patches are the classes (in this order).
  public static let images = ["brick.png", "gravel.png", "chelsea.png", "coffee.png", "astronaut.png", "rocket.png", "camera.png", "horse.png"]

  public struct History: Codable, Sendable {
    public var losses: [Float] = []  // mean per epoch
    public var trainAccuracy: [Double] = []
    public var testAccuracy: [Double] = []
  }

  public let config: Config
  public init(config: Config) { self.config = config }
  public init(profile: Profile) { self.init(config: profile == .quick ? Self.quick : Self.full) }

  public var name: String { "texture-patch-classifier" }
  public static let folder = "Models/TextureNetwork"
  public static let dataFiles = images.map { SampleImages.dataFilePrefix + $0 }
  public var settings: String { settingsJSON(config) }

  public func makeNetwork() -> Sequential { TextureNetwork.classifier(seed: config.netSeed, classes: Self.images.count) }
  public func weights(of network: Sequential) -> Sequential { network }

  /// `count` patches with labels, cut from each image's columns [from, to) (fractions of its width), round-robin over the images.
  public static func patches(_ sources: [Tensor], count: Int, columns: ClosedRange<Double>, using rng: inout SplitMix64) -> (images: Tensor, labels: [Int]) {
    let side = TextureNetwork.patchSide
    var scalars: [Float] = []
    var labels: [Int] = []
    for i in 0..<count {
      let label = i % sources.count
      let s = sources[label]
      let (h, w) = (s.shape[2], s.shape[3])
      let x0 = Int(columns.lowerBound * Double(w)), x1 = Int(columns.upperBound * Double(w)) - side
      precondition(x1 >= x0 && h >= side, "TexturePatchClassifier: image \(label) (\(w) x \(h)) too small for \(side) px patches in columns \(columns)")
      let x = x0 + rng.nextInt(below: x1 - x0 + 1), y = rng.nextInt(below: h - side + 1)
      scalars += TextureNetwork.crop(s, x: x, y: y, side: side, flip: rng.nextInt(below: 2) == 1).scalars
      labels.append(label)
    }
    return (Tensor(shape: [count, 3, side, side], scalars: scalars), labels)
  }

  /// Every image of `images` as RGB, shrunk by the config's factor.
  public func sources(_ context: RunContext) throws -> [Tensor] {
    try Self.images.map { TextureNetwork.shrunk(try context.sampleImage($0).rgb.tensor, by: config.downscale) }
  }

  public func train(_ net: Sequential, in context: RunContext) throws -> History {
    let sources = try sources(context)
    var rng = SplitMix64(seed: context.seed).derived("texture-patches")
    let train = Self.patches(sources, count: config.trainPatches, columns: 0...0.6, using: &rng)
    let test = Self.patches(sources, count: config.testPatches, columns: 0.6...1, using: &rng)
    let normalize = { (t: Tensor) in t.map { ($0 - 0.5) * 2 } }
    let (trainX, testX) = (normalize(train.images), normalize(test.images))
    var adam = Adam(learningRate: config.learningRate)
    var history = History()
    let loop = TrainingLoop(label: "texture patches", examples: train.labels.count, batchSize: config.batchSize, epochs: config.epochs)
    var sum: Float = 0, steps = 0, correct = 0
    try loop.run(using: &rng, step: { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let labels = step.indices.map { train.labels[$0] }
      let (loss, right) = trainStep(net, images: trainX.gather(step.indices), labels: labels, optimizer: &adam)
      (sum, steps, correct) = (sum + loss, steps + 1, correct + right)
      return .init(loss: loss, correct: right, counted: labels.count)
    }, afterEpoch: { _, _ in
      history.losses.append(sum / Float(max(steps, 1)))
      history.trainAccuracy.append(Double(correct) / Double(train.labels.count))
      let predicted = predict(net, images: testX)
      history.testAccuracy.append(Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.labels.count))
      (sum, steps, correct) = (0, 0, 0)
    })
    return history
  }
}
