// The R-CNN network at our scale (Girshick et al., CVPR 2014): the scene
// classifier's trunk and hidden FC layer (Models/SceneNetwork), a new last
// layer of 10 classes + background for fine-tuning on warped proposals
// (§2.3 "Domain-specific fine-tuning": "replacing the CNN's ImageNet-specific
// 1000-way classification layer with a randomly initialized (N + 1)-way
// classification layer"), and the two per-class linear models R-CNN trains
// on cached features, stored as Linear layers so the model cache keeps them:
//   rcnn.svm   fc7 analogue (128, after cls.fc1's ReLU) -> 10 SVM scores
//              (weights already multiplied by the feature scale, see RCNNModel)
//   rcnn.bbox  pool5 analogue (1024, the trunk output) -> 10 x (tx, ty, tw, th)
// Layout: input (x - 0.5) / 0.25 at 48 x 48 (LocalizationNetwork.normalized);
// trunk conv3-BN-ReLU-pool x 3 -> 1024; cls.fc1 1024 -> 128, ReLU; rcnn.fc2
// 128 -> 11 (index 10 = background).
import Layers
import Tensor

public final class RCNNNetwork {
  public static let classes = 10
  public static let background = 10
  public static let inputSize = 48
  public static let hiddenName = "cls.relu"

  public let trunk: Sequential
  public let hidden: Linear
  public let classLayer: Linear
  public let classifier: Sequential
  public let svm: Linear
  public let bbox: Linear
  /// Every layer, for saving and loading.
  public let all: Sequential

  public init(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    trunk = LocalizationNetwork.makeTrunk(using: &rng)
    hidden = Linear(name: "cls.fc1", inputs: 1024, outputs: 128, using: &rng)
    classLayer = Linear(name: "rcnn.fc2", inputs: 128, outputs: Self.classes + 1, using: &rng)
    classifier = Sequential([hidden, ReLU(name: Self.hiddenName), classLayer])
    svm = Linear(name: "rcnn.svm", inputs: 128, outputs: Self.classes, using: &rng)
    bbox = Linear(name: "rcnn.bbox", inputs: 1024, outputs: Self.classes * 4, using: &rng)
    all = Sequential(trunk.layers + classifier.layers + [svm, bbox])
  }

  /// Copies the trunk and cls.fc1 of a trained scene classifier (step 1's net).
  public func loadBackbone(from other: LocalizationNetwork) {
    var tensors: [String: Tensor] = [:]
    for (name, p) in other.trunk.namedParameters + other.classifier.namedParameters { tensors[name] = p.value }
    for (name, p) in trunk.namedParameters + Sequential([hidden]).namedParameters {
      guard let t = tensors[name], t.shape == p.value.shape else { preconditionFailure("RCNNNetwork: \(name) missing from the backbone") }
      p.value = t
    }
  }

  /// What the net computes for warped regions (N, 3, 48, 48) in [0, 1], in test mode.
  public struct Features {
    /// (N, 1024): the trunk output (pool5 analogue).
    public var pool5: Tensor
    /// (N, 128): cls.fc1 after its ReLU (fc7 analogue).
    public var fc7: Tensor
    /// (N, 11): the fine-tuned classification layer's logits.
    public var logits: Tensor
  }

  public func features(_ warps: Tensor, batchSize: Int = 256) -> Features {
    let n = warps.shape[0]
    var pool5: [Float] = [], fc7: [Float] = [], logits: [Float] = []
    pool5.reserveCapacity(n * 1024)
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let p = trunk.forward(LocalizationNetwork.normalized(warps.slice(start..<min(start + batchSize, n))), mode: .test)
      var trace = Trace()
      let l = classifier.forward(p, mode: .test, trace: &trace)
      pool5 += p.scalars
      fc7 += trace.activation(Self.hiddenName)!.scalars
      logits += l.scalars
    }
    return Features(
      pool5: Tensor(shape: [n, 1024], scalars: pool5), fc7: Tensor(shape: [n, 128], scalars: fc7),
      logits: Tensor(shape: [n, Self.classes + 1], scalars: logits))
  }

  /// One SGD step of fine-tuning: softmax over 11 outputs, every layer of trunk + classifier.
  public func fineTuneStep(_ warps: Tensor, labels: [Int], optimizer: inout some Optimizer) -> (loss: Float, correct: Int) {
    var trunkTrace = Trace(), classTrace = Trace()
    let p = trunk.forward(LocalizationNetwork.normalized(warps), mode: .train, trace: &trunkTrace)
    let logits = classifier.forward(p, mode: .train, trace: &classTrace)
    let (loss, gradient) = softmaxCrossEntropy(logits: logits, labels: labels)
    trunk.zeroGrad()
    classifier.zeroGrad()
    let dp = classTrace.backward(seeds: [classifier.outputName: gradient])
    trunkTrace.backward(seeds: [trunk.outputName: dp], inputGradient: false)
    optimizer.step(trunk.parameters + classifier.parameters)
    let correct = zip(logits.argmaxRows(), labels).filter { $0 == $1 }.count
    return (loss, correct)
  }
}
