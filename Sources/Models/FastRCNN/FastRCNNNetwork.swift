// Fast R-CNN on FashionScenes (Girshick, "Fast R-CNN", ICCV 2015, figure 1):
// one conv pass per whole scene, shared by all of its regions, then the
// per-region head (FastRCNNHead.swift). The trunk is the scene classifier's
// (Models/SceneNetwork: conv3 3->16, BN, ReLU, pool2, conv3 16->32, BN,
// ReLU, pool2, conv3 32->64, BN, ReLU) without its last pool: on a 128 px
// scene a 28 x 28 x 64 map at stride 4 (RoIPool plays the last pool's part,
// as it replaces VGG16's pool5). BatchNorm always runs with its stored
// statistics (test mode, frozen statistics as detectors fine-tuning a
// classifier do); when the conv layers are fine-tuned their weights and
// BatchNorm's scale and shift still learn.
// `trainable` names the first trunk layer that training updates ("conv2":
// conv1 stays fixed, as the paper keeps conv1 and conv2 of VGG16 fixed,
// §4.5); nil freezes the whole trunk (only the FC layers learn, Table 5's
// "fc6 and up"). Input: scenes (N, 3, 128, 128) in [0, 1], normalized as
// the classifier's input ((x - 0.5) / 0.25).
import Detection
import Layers
import Tensor

public final class FastRCNNNetwork {
  public let trunk: Sequential
  public let head: FastRCNNHead
  /// Trunk layers before the first trained one (run without a trace) and from it on.
  public let fixedTrunk: Sequential
  public let trainedTrunk: Sequential
  /// Every layer, for saving and loading.
  public let all: Sequential

  public convenience init(trainable firstTrained: String?, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let full = LocalizationNetwork.makeTrunk(using: &rng)
    let end = full.layers.firstIndex { $0.name == "relu3" } ?? (full.layers.count - 1)
    self.init(trunk: Array(full.layers[...end]), trainable: firstTrained, headSeed: rng.next())
  }

  /// Another trunk (its map: 64 channels, stride 4, boxes shifted by `mapOffset` px, see
  /// Models/Pretraining/TrunkDepth.swift) under the same head.
  public init(trunk layers: [any Layer], trainable firstTrained: String?, headSeed: UInt64, mapOffset: Double = FastRCNNHead.offset) {
    trunk = Sequential(layers)
    let split = firstTrained.flatMap { name in layers.firstIndex { $0.name == name } } ?? layers.count
    fixedTrunk = Sequential(Array(layers[..<split]))
    trainedTrunk = Sequential(Array(layers[split...]))
    head = FastRCNNHead(seed: headSeed, mapOffset: mapOffset)
    all = Sequential(trunk.layers + head.layers.layers)
  }

  /// Copies the scene classifier's trunk (conv1 ... bn3) and `cls.fc1` (into `head.fc`).
  public func load(from classifier: LocalizationNetwork) {
    Self.copyTrunk(of: classifier, into: trunk)
    head.initializeHidden(from: classifier.hiddenLayer)
  }

  /// Sets every parameter of `trunk` to the scene classifier's parameter of the same name
  /// (the conv trunk shared by Fast and Faster R-CNN).
  public static func copyTrunk(of classifier: LocalizationNetwork, into trunk: Sequential) {
    var tensors: [String: Tensor] = [:]
    for (name, p) in classifier.trunk.namedParameters { tensors[name] = p.value }
    for (name, p) in trunk.namedParameters {
      guard let t = tensors[name] else { preconditionFailure("copyTrunk: the scene classifier has no \(name)") }
      p.value = t
    }
  }

  /// The shared conv map (N, 64, 28, 28) of scenes (N, 3, 128, 128), in test mode.
  public func features(_ scenes: Tensor) -> Tensor {
    trunk.forward(LocalizationNetwork.normalized(scenes), mode: .test)
  }

  /// Detections of each scene from its proposals (pixels): one conv pass for the batch, one head pass for all regions.
  public func detect(_ scenes: Tensor, proposals: [[Box]], scoreThreshold: Double = 0.01, nmsIoU: Double = 0.3) -> [[ScoredDetection]] {
    precondition(scenes.shape[0] == proposals.count, "FastRCNNNetwork.detect: \(scenes.shape[0]) scenes, \(proposals.count) proposal lists")
    let map = features(scenes)
    return detect(features: map, proposals: proposals, imageSize: Double(scenes.shape[3]), scoreThreshold: scoreThreshold, nmsIoU: nmsIoU)
  }

  /// The head's half of `detect`, on conv maps already computed.
  public func detect(features map: Tensor, proposals: [[Box]], imageSize: Double, scoreThreshold: Double = 0.01, nmsIoU: Double = 0.3) -> [[ScoredDetection]] {
    let rois = proposals.enumerated().flatMap { i, boxes in boxes.map { head.mapRegion($0, image: i) } }
    guard !rois.isEmpty else { return proposals.map { _ in [] } }
    let out = head.forward(features: map, rois: rois)
    var start = 0
    return proposals.map { boxes in
      let range = start..<start + boxes.count
      start += boxes.count
      guard !boxes.isEmpty else { return [] }
      return head.detections(
        logits: out.logits.slice(range), deltas: out.deltas.slice(range), proposals: boxes, imageSize: imageSize,
        scoreThreshold: scoreThreshold, nmsIoU: nmsIoU)
    }
  }
}
