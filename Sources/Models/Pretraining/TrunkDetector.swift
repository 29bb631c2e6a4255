// Fast R-CNN on one trunk depth, started from the pretrained trunk
// (PretrainedTrunk: its conv layers and `cls.fc1` into `head.fc`) or from
// random weights, as a cached TrainedModel: the lecture's step 1 measured,
// "pretrained" against "from scratch" with everything else equal (same
// architecture, head initialization, scene order, sampled regions, steps and
// learning-rate schedule; the recipe of FastRCNNTraining.swift). Every trunk
// layer trains in both (conv1 too: a random conv1 should not stay fixed).
// BatchNorm keeps its stored statistics, as in every Fast R-CNN of the book:
// the pretrained trunk's, and for the scratch one the initial (0, 1), so
// there only its scale and shift learn (detectors fine-tune with frozen
// statistics because 2 images per minibatch give poor batch statistics; He,
// Girshick & Dollar, "Rethinking ImageNet Pre-training", ICCV 2019, train
// from scratch with GroupNorm or synchronized BN instead).
// After each epoch the net is scored on the DetectionSuite test scenes (VOC
// 2007 mAP): a learning curve, not used for any choice.
import Datasets
import Detection
import ExperimentKit
import Layers
import Tensor

/// Training curves and the mAP on the test scenes after each epoch.
public struct TrunkDetectorHistory: Codable, Sendable {
  public var training: FastRCNNHistory
  /// VOC 2007 11-point mAP (in [0, 1]) on the test scenes after each epoch.
  public var testMAP: [Double]
}

public struct TrunkDetector: TrainedModel {
  public enum Start: String, Codable, Sendable, CaseIterable {
    case pretrained, scratch
    public var label: String { self == .pretrained ? "pretrained" : "from scratch" }
  }

  /// The detectors the fast-rcnn chapter compares: pretrained against from scratch on the
  /// standard trunk, and the pretrained shallow and deep trunks.
  public static let comparisons: [(depth: TrunkDepth, start: Start)] = [
    (.standard, .pretrained), (.standard, .scratch), (.shallow, .pretrained), (.deep, .pretrained),
  ]

  public let depth: TrunkDepth
  public let start: Start
  public let pretraining: PretrainingConfig
  public let detector: FastRCNNConfig

  public init(_ depth: TrunkDepth, _ start: Start, pretraining: PretrainingConfig, detector: FastRCNNConfig) {
    (self.depth, self.start, self.pretraining, self.detector) = (depth, start, pretraining, detector)
  }

  public init(_ depth: TrunkDepth, _ start: Start, profile: Profile) {
    let p = PretrainingConfig.of(profile)
    self.init(depth, start, pretraining: p, detector: p.detector(profile))
  }

  public var name: String { "fast-rcnn.\(depth.rawValue).\(start.rawValue)" }
  public static let folder = "Models/Pretraining"
  public static let uses = ["Layers", "Datasets", "Detection", FastRCNN.folder, SceneClassifier.folder, DetectionSuite.folder, "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(detector) + " " + depth.rawValue + " " + start.rawValue }
  public var startsFrom: [any TrainedModel] { start == .pretrained ? [PretrainedTrunk(depth, config: pretraining)] : [] }

  public func makeNetwork() -> FastRCNNNetwork {
    var rng = SplitMix64(seed: detector.netSeed)
    let trunk = depth.makeTrunk(using: &rng)
    return FastRCNNNetwork(
      trunk: TrunkDepth.detectionLayers(of: trunk), trainable: "conv1", headSeed: rng.next(),
      mapOffset: TrunkDepth.mapOffset(of: TrunkDepth.mapField(of: trunk)))
  }

  public func weights(of network: FastRCNNNetwork) -> Sequential { network.all }

  /// Sets every parameter of `trunk` to the parameter of the same name in `source`.
  public static func copyParameters(from source: Sequential, into trunk: Sequential) {
    var tensors: [String: Tensor] = [:]
    for (name, p) in source.namedParameters { tensors[name] = p.value }
    for (name, p) in trunk.namedParameters {
      guard let t = tensors[name], t.shape == p.value.shape else {
        preconditionFailure("TrunkDetector.copyParameters: the pretrained trunk has no \(name) of shape \(p.value.shape)")
      }
      p.value = t
    }
  }

  public func train(_ net: FastRCNNNetwork, in context: RunContext) throws -> TrunkDetectorHistory {
    if start == .pretrained {
      let classifier = try context.model(PretrainedTrunk(depth, config: pretraining)).network
      Self.copyParameters(from: classifier.trunk, into: net.trunk)
      net.head.initializeHidden(from: classifier.hiddenLayer)
    }
    let scenes = try DetectionSuite.trainScenes(count: detector.suite.trainScenes, context: context)
    let proposals = context.timed("train proposals") {
      TrainingProposals.shared.proposals(scenes, keep: detector.suite.proposalsPerScene, context: context)
    }
    let test = try DetectionSuite.testScenes(count: detector.suite.testScenes, context: context)
    let testProposals = TestSceneProposals.shared.proposals(test, keep: detector.suite.proposalsPerScene, context: context)
    var map: [Double] = []
    let history = FastRCNNTraining.train(net, scenes: scenes, proposals: proposals, detector, label: name, context: context) { _ in
      map.append(test.score(net.detect(test.images, proposals: testProposals)).map07)
    }
    return TrunkDetectorHistory(training: history, testMAP: map)
  }
}
