// The trained YOLO v1 of the suite, as a TrainedModel recipe (cache key
// derived from this declaration). Training (Redmon et al., CVPR 2016, §2.2,
// at our scale): the trunk is the scene classifier's, pretrained on 48 px
// scene classification (the paper pretrains on ImageNet) and kept frozen
// here (the paper fine-tunes it), so its 14 x 14 maps are computed once per
// training scene; the new layers learn equation (3) (YOLOLoss.swift) with
// Adam and cosine decay (the paper: SGD with momentum 0.9 and a step
// schedule, 135 epochs), batches of `batchSize` scenes shuffled by a
// generator derived from the run's seed. Augmentation: horizontal flips
// (each scene's mirror image and mirrored boxes join the training set; the
// paper uses random scaling and translation of up to 20% and HSV jitter).
import Datasets
import Detection
import ExperimentKit
import Layers
import Tensor

public struct YOLOConfig: Codable, Sendable, Equatable {
  public var grid = YOLOGrid(cells: 7, boxesPerCell: 2, classes: 10, imageSize: 128)
  public var head = YOLOHead.conv
  public var channels = 64
  public var hidden = 256
  /// Dropout before the last layer (the paper: 0.5 after its first FC layer; 0 trained best here, see the chapter).
  public var dropout: Float = 0
  public var weights = YOLOLossWeights()
  public var trainScenes: Int
  public var epochs: Int
  public var batchSize = 16
  public var learningRate: Float = 0.001
  public var flips = true
  public var netSeed: UInt64 = 12
  /// The trunk's scene classifier.
  public var scenes: SceneNetworkConfig

  public static func of(_ profile: Profile) -> YOLOConfig {
    switch profile {
    case .quick: YOLOConfig(trainScenes: DetectionSuite.quick.trainScenes, epochs: 15, scenes: .quick)
    case .full: YOLOConfig(trainScenes: DetectionSuite.full.trainScenes, epochs: 20, scenes: .full)
    case .large: YOLOConfig(trainScenes: DetectionSuite.large.trainScenes, epochs: 60, scenes: .large)
    }
  }
}

/// Equation (3)'s terms per training step (mean over the batch's images), and the objects lost to shared cells.
public struct YOLOHistory: Codable, Sendable {
  public var coord: [Float] = []
  public var object: [Float] = []
  public var noObject: [Float] = []
  public var classes: [Float] = []
  public var total: [Float] = []
  public var stepsPerEpoch = 0
  /// Training objects whose centre shared a cell with a larger object (never assigned).
  public var droppedObjects = 0
  public var trainingObjects = 0

  public func curve(_ term: YOLOLossTerm) -> [Float] {
    switch term {
    case .coord: coord
    case .object: object
    case .noObject: noObject
    case .classes: classes
    }
  }
}

public struct YOLOModel: TrainedModel {
  public let config: YOLOConfig
  public init(config: YOLOConfig) { self.config = config }
  public init(profile: Profile) { self.init(config: .of(profile)) }

  public var name: String { "yolo" }
  public static let folder = "Models/YOLO"
  public static let uses = ["Layers", "Datasets", "Detection", SceneClassifier.folder, DetectionSuite.folder]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: config.scenes)] }

  public func makeNetwork() -> YOLONetwork {
    YOLONetwork(grid: config.grid, head: config.head, channels: config.channels, hidden: config.hidden, dropout: config.dropout, seed: config.netSeed)
  }
  public func weights(of network: YOLONetwork) -> Sequential { network.all }

  public func train(_ net: YOLONetwork, in context: RunContext) throws -> YOLOHistory {
    let classifier = try context.model(SceneClassifier(config: config.scenes)).network
    net.loadTrunk(from: classifier)
    let scenes = try DetectionSuite.trainScenes(count: config.trainScenes, context: context)
    var images = scenes.images, objects = scenes.objects
    if config.flips {
      images = Self.concatenated(images, Self.mirrored(images))
      objects += scenes.objects.map { $0.map { Self.mirrored($0, side: config.grid.imageSize) } }
    }
    let features = context.timed("yolo: trunk features") { net.features(images) }
    var history = YOLOHistory()
    var rng = SplitMix64(seed: context.seed).derived("yolo.train")
    var adam = Adam(learningRate: config.learningRate)
    let loop = TrainingLoop(label: "yolo", examples: objects.count, batchSize: config.batchSize, epochs: config.epochs)
    history.stepsPerEpoch = loop.stepsPerEpoch
    loop.run(using: &rng) { step in
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step.index, total: step.totalSteps)
      let batchObjects = step.indices.map { objects[$0] }
      var trace = Trace()
      let prediction = net.head.forward(features.gather(step.indices), mode: .train, trace: &trace)
      let targets = YOLOTargets.make(prediction: prediction, objects: batchObjects, grid: config.grid, weights: config.weights)
      let loss = yoloLoss(prediction: prediction, targets: targets)
      net.head.zeroGrad()
      trace.backward(seeds: [net.head.outputName: loss.gradient], inputGradient: false)
      adam.step(net.head.parameters)
      history.coord.append(loss.terms[.coord]!)
      history.object.append(loss.terms[.object]!)
      history.noObject.append(loss.terms[.noObject]!)
      history.classes.append(loss.terms[.classes]!)
      history.total.append(loss.value)
      if step.epoch == 1 {
        history.droppedObjects += targets.dropped
        history.trainingObjects += batchObjects.map(\.count).reduce(0, +)
      }
      return .init(loss: loss.value)
    }
    return history
  }

  /// Images (N, C, H, W) mirrored left to right.
  public static func mirrored(_ images: Tensor) -> Tensor {
    let w = images.shape[3]
    var out = images
    for row in 0..<(images.count / w) {
      for x in 0..<w { out.scalars[row * w + x] = images.scalars[row * w + (w - 1 - x)] }
    }
    return out
  }

  /// A box mirrored left to right in an image of `side` pixels.
  public static func mirrored(_ o: LabeledBox, side: Double) -> LabeledBox {
    LabeledBox(label: o.label, x1: side - o.box.x2, y1: o.box.y1, x2: side - o.box.x1, y2: o.box.y2)
  }

  static func concatenated(_ a: Tensor, _ b: Tensor) -> Tensor {
    Tensor(shape: [a.shape[0] + b.shape[0]] + Array(a.shape.dropFirst()), scalars: a.scalars + b.scalars)
  }
}
