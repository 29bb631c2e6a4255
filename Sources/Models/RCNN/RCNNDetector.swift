// R-CNN at test time (Girshick et al., CVPR 2014, §2.2): warp every
// proposal, run the fine-tuned net once per region, score each class with
// its SVM (or, the paper's appendix B comparison, with the fine-tuned
// softmax), move each box by that class's regressor (appendix C), and
// suppress per class at IoU 0.3. Conventions: boxes in scene pixels,
// decoded boxes clipped to the scene; every proposal is scored for every
// class (no score threshold), and after NMS the `maxPerImage` best of all
// classes are kept, by decreasing score.
import Detection
import ExperimentKit
import Foundation
import Layers
import Tensor

public struct RCNNDetector: SceneDetector {
  public enum Classifier: String, Codable, Sendable { case svm, softmax }

  public let network: RCNNNetwork
  public let config: RCNNConfig
  public var classifier: Classifier
  public var boxRegression: Bool
  public var nmsIoU = 0.3
  public var maxPerImage = 100

  public init(network: RCNNNetwork, config: RCNNConfig, classifier: Classifier = .svm, boxRegression: Bool = true) {
    (self.network, self.config, self.classifier, self.boxRegression) = (network, config, classifier, boxRegression)
  }

  /// The trained R-CNN of a profile, from the model cache (trained on first use).
  public static func load(profile: Profile, context: RunContext) throws -> RCNNDetector {
    let model = RCNNModel(profile: profile)
    return RCNNDetector(network: try context.model(model).network, config: model.config)
  }

  public var name: String { "R-CNN" }
  public var needsProposals: Bool { true }

  /// Everything the classifiers and regressors say about one scene's proposals.
  public struct ProposalScores: Sendable {
    public var boxes: [Box]
    /// (n, 10) SVM scores, (n, 10) softmax probabilities of the classes, (n, 40) box deltas.
    public var svm: [Float]
    public var softmax: [Float]
    public var deltas: [Float]

    public init(boxes: [Box], svm: [Float], softmax: [Float], deltas: [Float]) {
      (self.boxes, self.svm, self.softmax, self.deltas) = (boxes, svm, softmax, deltas)
    }
  }

  /// Seconds spent warping, in the net, and classifying (SVMs, regressors, NMS), summed over calls.
  public struct Timing: Sendable {
    public var warp = 0.0, features = 0.0, classify = 0.0
    public init() {}
  }

  public func detect(_ scenes: Tensor, proposals: [[Box]]) -> [[ScoredDetection]] {
    var timing = Timing()
    return detect(scenes, proposals: proposals, timing: &timing)
  }

  public func detect(_ scenes: Tensor, proposals: [[Box]], timing: inout Timing) -> [[ScoredDetection]] {
    let side = Double(scenes.shape[3])
    return (0..<scenes.shape[0]).map { i in
      let s = score(scenes, i, proposals: proposals[i], timing: &timing)
      let start = DispatchTime.now().uptimeNanoseconds
      defer { timing.classify += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
      return detections(s, side: side, classifier: classifier, boxRegression: boxRegression)
    }
  }

  /// Warps scene `index`'s proposals and runs the net and the linear models on them.
  public func score(_ scenes: Tensor, _ index: Int, proposals: [Box], timing: inout Timing) -> ProposalScores {
    guard !proposals.isEmpty else { return ProposalScores(boxes: [], svm: [], softmax: [], deltas: []) }
    var t0 = DispatchTime.now().uptimeNanoseconds
    func lap() -> Double {
      let now = DispatchTime.now().uptimeNanoseconds
      defer { t0 = now }
      return Double(now - t0) / 1e9
    }
    let warps = ProposalWarp.warp(scenes, regions: proposals.map { (index, $0) }, size: config.warpSize, padding: config.padding)
    timing.warp += lap()
    let f = network.features(warps)
    timing.features += lap()
    let svm = network.svm.forward(f.fc7, mode: .test).output
    let deltas = network.bbox.forward(f.pool5, mode: .test).output
    let k = RCNNNetwork.classes + 1
    var probabilities: [Float] = []
    probabilities.reserveCapacity(proposals.count * RCNNNetwork.classes)
    for n in 0..<proposals.count {
      let row = f.logits.scalars[(n * k)..<((n + 1) * k)]
      let top = row.max()!
      let e = row.map { exp($0 - top) }
      let total = e.reduce(0, +)
      probabilities += e.prefix(RCNNNetwork.classes).map { $0 / total }
    }
    timing.classify += lap()
    return ProposalScores(boxes: proposals, svm: svm.scalars, softmax: probabilities, deltas: deltas.scalars)
  }

  /// Per-class scores, optional regression, per-class NMS, the best `maxPerImage`.
  public func detections(_ s: ProposalScores, side: Double, classifier: Classifier, boxRegression: Bool) -> [ScoredDetection] {
    let classes = RCNNNetwork.classes
    let coder = BoxCoder()
    var boxes: [Box] = [], scores: [Double] = [], labels: [Int] = []
    let table = classifier == .svm ? s.svm : s.softmax
    for (n, proposal) in s.boxes.enumerated() {
      for c in 0..<classes {
        var box = proposal
        if boxRegression {
          let d = (0..<4).map { Double(s.deltas[n * classes * 4 + c * 4 + $0]) }
          box = coder.decode(d, relativeTo: proposal).clipped(width: side, height: side)
          guard box.width() > 0, box.height() > 0 else { continue }
        }
        boxes.append(box)
        scores.append(Double(table[n * classes + c]))
        labels.append(c)
      }
    }
    let kept = perClassNonMaxSuppression(boxes, scores: scores, classes: labels, iouThreshold: nmsIoU)
    return kept.prefix(maxPerImage).map { ScoredDetection(label: labels[$0], box: boxes[$0], score: scores[$0]) }
  }
}
