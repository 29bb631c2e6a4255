// Faster R-CNN (Ren et al., NeurIPS 2015, §3, Figure 2): one network — a
// shared conv trunk, a Region Proposal Network on its last conv map, and the
// Fast R-CNN detection head (RoI pooling + FC layers, Models/FastRCNN) on the
// RPN's proposals. "Insert a Region Proposal Network after the last
// convolutional layer": here the SceneClassifier trunk up to conv3's ReLU,
// 64 channels at stride 4; on a 128 px scene a 28 x 28 map whose cell s is
// centred on image pixel 4 s + 9 (three valid 3 x 3 convs and two 2 x 2
// pools, Lecture08/RoIPooling), so the anchors of cell s are centred there
// (AnchorGenerator offset 7 px: reference window [4 s + 7, 4 s + 11)).
//
// Input: scenes (N, 3, 128, 128) in [0, 1], normalized as the classifier's
// (x - 0.5) / 0.25. Training (FasterRCNNTraining.swift) is the paper's
// "approximate joint training" (§3.2): one backward pass through the sum of
// the four losses, proposals treated as fixed boxes.
import Detection
import Foundation
import Layers
import Tensor

public final class FasterRCNNNetwork {
  public static let stride = 4.0
  public static let offset = 7.0
  public static let sceneSize = 128

  public let trunk: Sequential
  public let rpn: RegionProposalNetwork
  public let head: FastRCNNHead
  public let anchorGenerator: AnchorGenerator
  /// Every saved layer: trunk, RPN, head.
  public let all: Sequential

  public init(anchors: AnchorGenerator, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let layers = LocalizationNetwork.makeTrunk(using: &rng).layers
    trunk = Sequential(Array(layers[...layers.firstIndex { $0.name == "relu3" }!]))
    anchorGenerator = anchors
    rpn = RegionProposalNetwork(channels: FastRCNNHead.channels, anchorsPerLocation: anchors.count, using: &rng)
    head = FastRCNNHead(seed: rng.next())
    all = Sequential(trunk.layers + rpn.all.layers + head.layers.layers)
  }

  /// Starts the trunk from the scene classifier's conv layers and the head's FC from its `cls.fc1`.
  public func initialize(from classifier: LocalizationNetwork) {
    FastRCNNNetwork.copyTrunk(of: classifier, into: trunk)
    head.initializeHidden(from: classifier.hiddenLayer)
  }

  /// The anchors over a map of `height` x `width` cells.
  public func anchors(height: Int, width: Int) -> [Box] {
    anchorGenerator.anchors(height: height, width: width, stride: Self.stride, offset: Self.offset)
  }

  /// The conv map (test mode) and the RPN's outputs for normalized images.
  public func features(_ images: Tensor) -> (map: Tensor, rpn: RegionProposalNetwork.Output) {
    let map = trunk.forward(LocalizationNetwork.normalized(images), mode: .test)
    return (map, rpn.forward(map))
  }

  /// The RPN's proposals (and objectness) of every image, by decreasing score.
  public func proposals(_ output: RegionProposalNetwork.Output, layer: ProposalLayer, anchors: [Box]) -> [(boxes: [Box], scores: [Double])] {
    let side = Double(Self.sceneSize)
    return (0..<output.objectness.shape[0]).map { i in
      let (logits, deltas) = rpn.perAnchor(output, image: i)
      return layer.proposals(anchors: anchors, logits: logits, deltas: deltas, width: side, height: side)
    }
  }

  /// Detections per scene: trunk, RPN, proposal layer, RoI pooling, head, per-class NMS.
  public func detect(_ images: Tensor, layer: ProposalLayer = .test, batchSize: Int = 16) -> (detections: [[ScoredDetection]], proposals: [[Box]]) {
    var detections: [[ScoredDetection]] = [], allProposals: [[Box]] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let batch = images.slice(start..<min(start + batchSize, n))
      let (map, out) = features(batch)
      let anchors = self.anchors(height: map.shape[2], width: map.shape[3])
      let props = proposals(out, layer: layer, anchors: anchors).map(\.boxes)
      let rois = props.enumerated().flatMap { i, boxes in boxes.map { FastRCNNHead.region($0, image: i) } }
      let (logits, deltas, _) = head.forward(features: map, rois: rois)
      var at = 0
      for boxes in props {
        let k = boxes.count
        let l = Tensor(shape: [k, FastRCNNHead.classes + 1], scalars: Array(logits.scalars[(at * (FastRCNNHead.classes + 1))..<((at + k) * (FastRCNNHead.classes + 1))]))
        let d = Tensor(shape: [k, 4 * FastRCNNHead.classes], scalars: Array(deltas.scalars[(at * 4 * FastRCNNHead.classes)..<((at + k) * 4 * FastRCNNHead.classes)]))
        detections.append(k == 0 ? [] : head.detections(logits: l, deltas: d, proposals: boxes, imageSize: Double(Self.sceneSize)))
        at += k
      }
      allProposals += props
    }
    return (detections, allProposals)
  }
}
