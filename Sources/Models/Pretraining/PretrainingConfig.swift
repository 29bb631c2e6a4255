// The lecture's step 1, "train or download a classification model", at our
// scale: our ImageNet is a large set of 48 px images, each one Fashion-MNIST
// item tinted, scaled to 28 to 44 px (the localization scenes' sizes; the
// detection scenes' objects are 24 to 56 px) and placed on the detection
// scenes' busy clutter, labelled with its class.
// ImageNet's 1.28 million training images are about 255 times PASCAL VOC
// 2007's 5,011 trainval images; ours are `trainImages` against the
// DetectionSuite's training scenes.
// Training: Adam with cosine decay to zero over every step, minibatches of
// `batchSize`, for `epochs` over the set (the same for every trunk depth:
// the "same training budget" of the comparison).
// The detectors fine-tuned from the trunks use Fast R-CNN's recipe
// (FastRCNNConfig of the profile) with `detectionEpochs` epochs.
import Datasets
import ExperimentKit

public struct PretrainingConfig: Codable, Sendable, Equatable {
  /// What one image of the set holds.
  public static let spec = SceneSpec(size: 48, objects: 1...1, objectSize: 28...44, clutter: .busy)

  public var trainImages: Int
  public var testImages: Int
  public var epochs: Int
  public var batchSize = 64
  public var learningRate: Float = 0.002
  public var netSeed: UInt64 = 17
  /// Epochs of Fast R-CNN training over the DetectionSuite's training scenes, from every trunk.
  public var detectionEpochs: Int
  /// `spec`, recorded in the settings so that a change of the images retrains the trunks.
  public var images = PretrainingConfig.spec

  public init(trainImages: Int, testImages: Int, epochs: Int, detectionEpochs: Int) {
    (self.trainImages, self.testImages, self.epochs, self.detectionEpochs) = (trainImages, testImages, epochs, detectionEpochs)
  }

  public static let quick = PretrainingConfig(trainImages: 4_000, testImages: 500, epochs: 2, detectionEpochs: 2)
  public static let full = PretrainingConfig(trainImages: 12_000, testImages: 2_000, epochs: 3, detectionEpochs: 2)
  public static let large = PretrainingConfig(trainImages: 40_000, testImages: 4_000, epochs: 3, detectionEpochs: 6)

  public static func of(_ profile: Profile) -> PretrainingConfig {
    switch profile {
    case .quick: quick
    case .full: full
    case .large: large
    }
  }

  /// The Fast R-CNN recipe of `profile` for `detectionEpochs` epochs.
  public func detector(_ profile: Profile) -> FastRCNNConfig {
    var c = FastRCNNConfig.of(profile)
    c.epochs = detectionEpochs
    return c
  }
}
