// A classification net on one of the trunks of TrunkDepth.swift: the
// trunk's 1024-d code, fc 1024->128 ("cls.fc1"), ReLU, fc 128->10
// ("cls.fc2"), the scene classifier's head (Models/SceneNetwork), trained
// with softmax cross-entropy. Input: 48 px images in [0, 1], normalized as
// every scene network's input ((x - 0.5) / 0.25). BatchNorm uses batch
// statistics while training and the running ones at test time.
import Datasets
import Layers
import Tensor

public final class TrunkClassifier {
  public static let classes = 10
  public let depth: TrunkDepth
  public let trunk: Sequential
  public let hiddenLayer: Linear
  public let classifier: Sequential
  /// Trunk and classifier: what is saved, loaded and trained.
  public let all: Sequential

  public init(depth: TrunkDepth, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    self.depth = depth
    trunk = depth.makeTrunk(using: &rng)
    hiddenLayer = Linear(name: "cls.fc1", inputs: 1024, outputs: 128, using: &rng)
    classifier = Sequential([hiddenLayer, ReLU(name: "cls.relu"), Linear(name: "cls.fc2", inputs: 128, outputs: Self.classes, using: &rng)])
    all = Sequential(trunk.layers + classifier.layers)
  }

  /// Class logits (N, 10) of images (N, 3, 48, 48), in test mode, `batchSize` at a time.
  public func logits(_ images: Tensor, batchSize: Int = 256) -> Tensor {
    let n = images.shape[0]
    var out: [Float] = []
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      out += all.forward(LocalizationNetwork.normalized(images.slice(start..<min(start + batchSize, n))), mode: .test).scalars
    }
    return Tensor(shape: [n, Self.classes], scalars: out)
  }

  /// Fraction of `labels` the argmax of `logits` gets right.
  public func accuracy(_ images: Tensor, labels: [Int]) -> Double {
    precondition(images.shape[0] == labels.count, "TrunkClassifier.accuracy: \(images.shape[0]) images, \(labels.count) labels")
    let predicted = logits(images).argmaxRows()
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
  }

  /// One optimizer step on softmax cross-entropy; returns the loss and the right predictions.
  public func trainStep(images: Tensor, labels: [Int], optimizer: inout some Optimizer) -> (loss: Float, correct: Int) {
    var trace = Trace()
    let logits = all.forward(LocalizationNetwork.normalized(images), mode: .train, trace: &trace)
    let (loss, gradient) = softmaxCrossEntropy(logits: logits, labels: labels)
    all.zeroGrad()
    trace.backward(seeds: [all.outputName: gradient], inputGradient: false)
    optimizer.step(all.parameters)
    return (loss, zip(logits.argmaxRows(), labels).filter { $0 == $1 }.count)
  }
}
