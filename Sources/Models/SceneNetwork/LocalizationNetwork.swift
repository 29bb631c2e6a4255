// Localization as regression: one ConvNet, a classification head and a
// box-regression head (CS231n lecture 8; Sermanet et al., "OverFeat", ICLR
// 2014; Toshev & Szegedy, "DeepPose", CVPR 2014; Girshick et al., "R-CNN",
// CVPR 2014).
//
// Layout (48 x 48 RGB input; every convolution is "valid", padding 0, so the
// net can later slide over a larger image with exactly the same numbers, as
// in OverFeat):
//   input:      (x - 0.5) / 0.25 for pixels x in [0, 1]
//   trunk:      conv3 3->16, BN, ReLU, pool2 (46->23), conv3 16->32, BN, ReLU,
//               pool2 (21->10), conv3 32->64, BN, ReLU, pool2 (8->4), flatten (1024)
//   classifier: fc 1024->128, ReLU, fc 128->K*C       (K objects, C classes)
//   regressor attached after the conv layers (OverFeat, VGG):
//               fc 1024->128, ReLU, fc 128->R
//   regressor attached after the last hidden FC layer (DeepPose, R-CNN):
//               fc 128->R, reading the classifier's ReLU output
// R = K*4 for class-agnostic boxes, C*4 for class-specific ones (K = 1).
// Boxes are (x1, y1, x2, y2) divided by the input side (48), so targets are
// in [0, 1]. Losses: softmax cross-entropy per object slot (mean over
// slots), and L2 on the coordinates (Σ over coordinates, mean over images);
// a class-specific head is trained only on the true class's four numbers.
import Datasets
import Detection
import Layers
import Tensor

public final class LocalizationNetwork {
  public enum Attachment: String, Codable, Sendable { case conv, fc }
  public static let inputSize = 48
  public static let classes = 10
  public static let hiddenName = "cls.relu"

  public let attachment: Attachment
  public let slots: Int
  public let classSpecific: Bool
  public let trunk: Sequential
  public let classifier: Sequential
  public let regressor: Sequential
  /// Every layer in one container, for saving, loading and counting.
  public let all: Sequential
  /// The classifier's two FC layers (1024 -> 128, 128 -> K*C), by type.
  public let hiddenLayer: Linear
  public let classLayer: Linear

  public init(attachment: Attachment, slots: Int = 1, classSpecific: Bool = false, seed: UInt64) {
    precondition(!classSpecific || slots == 1, "LocalizationNetwork: class-specific boxes are for one object")
    (self.attachment, self.slots, self.classSpecific) = (attachment, slots, classSpecific)
    var rng = SplitMix64(seed: seed)
    trunk = Self.makeTrunk(using: &rng)
    hiddenLayer = Linear(name: "cls.fc1", inputs: 1024, outputs: 128, using: &rng)
    classLayer = Linear(name: "cls.fc2", inputs: 128, outputs: slots * Self.classes, using: &rng)
    classifier = Sequential([hiddenLayer, ReLU(name: Self.hiddenName), classLayer])
    let outputs = classSpecific ? Self.classes * 4 : slots * 4
    switch attachment {
    case .conv:
      regressor = Sequential([
        Linear(name: "reg.fc1", inputs: 1024, outputs: 128, using: &rng), ReLU(name: "reg.relu"),
        Linear(name: "reg.fc2", inputs: 128, outputs: outputs, using: &rng),
      ])
    case .fc:
      regressor = Sequential([Linear(name: "reg.fc", inputs: 128, outputs: outputs, using: &rng)])
    }
    all = Sequential(trunk.layers + classifier.layers + regressor.layers)
    // The box output starts near the centre box (0.25, 0.25, 0.75, 0.75) with
    // small weights (Fast R-CNN initializes its box regressor with std 0.001),
    // so the first box-loss gradients do not swamp the trained features.
    if let last = regressor.layers.last as? Linear {
      last.weight.value.scale(by: 0.01)
      last.bias.value = Tensor(shape: [outputs], scalars: (0..<outputs).map { $0 % 4 < 2 ? 0.25 : 0.75 })
    }
  }

  public static func makeTrunk(using rng: inout SplitMix64) -> Sequential {
    Sequential([
      Conv2D(name: "conv1", inChannels: 3, outChannels: 16, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn1", channels: 16),
      ReLU(name: "relu1"), MaxPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 16, outChannels: 32, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn2", channels: 32),
      ReLU(name: "relu2"), MaxPool2D(name: "pool2"),
      Conv2D(name: "conv3", inChannels: 32, outChannels: 64, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn3", channels: 64),
      ReLU(name: "relu3"), MaxPool2D(name: "pool3"),
      Flatten(name: "flatten"),
    ])
  }

  /// Trunk and classifier as one chain (input: `normalized` images; output: class scores).
  public var classificationNetwork: Sequential { Sequential(trunk.layers + classifier.layers) }

  /// The net's input: pixels in [0, 1] centred and scaled, (x - 0.5) / 0.25.
  public static func normalized(_ images: Tensor) -> Tensor {
    images.map { ($0 - 0.5) * 4 }
  }

  /// Copies the trunk and classifier weights of `other` (same layout) into this net.
  public func loadBackbone(from other: LocalizationNetwork) throws {
    var tensors: [String: Tensor] = [:]
    for (name, p) in other.trunk.namedParameters + other.classifier.namedParameters { tensors[name] = p.value }
    for (name, p) in trunk.namedParameters + classifier.namedParameters {
      guard let t = tensors[name], t.shape == p.value.shape else { continue }  // a head of another size keeps its init
      p.value = t
    }
  }

  /// The regressor's input for `images` in test mode (for training the head on frozen features).
  public func regressorInput(_ images: Tensor, batchSize: Int = 256) -> Tensor {
    var out: [Float] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let features = trunk.forward(Self.normalized(images.slice(start..<min(start + batchSize, n))), mode: .test)
      guard attachment == .fc else {
        out += features.scalars
        continue
      }
      var trace = Trace()
      _ = classifier.forward(features, mode: .test, trace: &trace)
      out += trace.activation(Self.hiddenName)!.scalars
    }
    return Tensor(shape: [n, out.count / max(n, 1)], scalars: out)
  }

  /// Class logits (N, K*C) and box outputs (N, R), in test mode, `batchSize` images at a time.
  public func predict(_ images: Tensor, batchSize: Int = 256) -> (logits: Tensor, boxes: Tensor) {
    var logits: [Float] = [], boxes: [Float] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let features = trunk.forward(Self.normalized(images.slice(start..<min(start + batchSize, n))), mode: .test)
      var trace = Trace()
      let l = classifier.forward(features, mode: .test, trace: &trace)
      let b = regressor.forward(attachment == .conv ? features : trace.activation(Self.hiddenName)!, mode: .test)
      logits += l.scalars
      boxes += b.scalars
    }
    return (Tensor(shape: [n, slots * Self.classes], scalars: logits), Tensor(shape: [n, boxes.count / max(n, 1)], scalars: boxes))
  }

  /// The predicted class and box of each slot, reading a class-specific head at the predicted class.
  public func decode(logits: Tensor, boxes: Tensor) -> [[LabeledBox]] {
    let n = logits.shape[0]
    let side = Double(Self.inputSize)
    let perImage = boxes.shape[1]
    return (0..<n).map { i in
      (0..<slots).map { k in
        let row = Array(logits.scalars[(i * slots + k) * Self.classes..<(i * slots + k + 1) * Self.classes])
        let label = row.indices.max { row[$0] < row[$1] }!
        let offset = i * perImage + (classSpecific ? label * 4 : k * 4)
        let b = boxes.scalars[offset..<offset + 4].map { Double($0) * side }
        return LabeledBox(label: label, x1: b[0], y1: b[1], x2: b[2], y2: b[3])
      }
    }
  }

  /// Labels (N*K) and box targets (N, K*4) of scenes, objects ordered as given.
  public static func targets(_ objects: [[LabeledBox]]) -> (labels: [Int], boxes: Tensor) {
    let side = Float(inputSize)
    let labels = objects.flatMap { $0.map(\.label) }
    let coords = objects.flatMap { $0.flatMap { [Float($0.box.x1) / side, Float($0.box.y1) / side, Float($0.box.x2) / side, Float($0.box.y2) / side] } }
    return (labels, Tensor(shape: [objects.count, coords.count / max(objects.count, 1)], scalars: coords))
  }

  /// The L2 box loss; for a class-specific head only the true class's four numbers count.
  public func boxLoss(prediction: Tensor, labels: [Int], targets: Tensor) -> (value: Float, gradient: Tensor) {
    guard classSpecific else { return l2Loss(prediction: prediction, target: targets) }
    var full = prediction  // equal to the prediction except at the true class: zero difference there
    for (i, label) in labels.enumerated() {
      for c in 0..<4 { full.scalars[i * Self.classes * 4 + label * 4 + c] = targets.scalars[i * 4 + c] }
    }
    return l2Loss(prediction: prediction, target: full)
  }

  /// Softmax cross-entropy over each object slot; logits (N, K*C), labels (N*K).
  public func classLoss(logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor, correct: Int) {
    let n = logits.shape[0]
    let flat = logits.reshaped([n * slots, Self.classes])
    let (value, gradient) = softmaxCrossEntropy(logits: flat, labels: labels)
    let correct = zip(flat.argmaxRows(), labels).filter { $0 == $1 }.count
    return (value, gradient.reshaped(logits.shape), correct)
  }

  public enum Parts { case classification, all }

  /// One SGD step. `.classification` trains trunk + classifier on the class
  /// loss; `.all` fine-tunes everything on class loss + weight * box loss.
  public func trainStep(
    images: Tensor, labels: [Int], boxTargets: Tensor, parts: Parts, boxWeight: Float, optimizer: inout some Optimizer
  ) -> (classLoss: Float, boxLoss: Float, correct: Int) {
    // snippet.training-step
    var trunkTrace = Trace(), classTrace = Trace(), boxTrace = Trace()
    let features = trunk.forward(Self.normalized(images), mode: .train, trace: &trunkTrace)
    let logits = classifier.forward(features, mode: .train, trace: &classTrace)
    let cls = classLoss(logits: logits, labels: labels)
    all.zeroGrad()
    guard parts == .all else {
      let dFeatures = classTrace.backward(seeds: [classifier.outputName: cls.gradient])
      trunkTrace.backward(seeds: [trunk.outputName: dFeatures], inputGradient: false)
      optimizer.step(trunk.parameters + classifier.parameters)
      return (cls.value, 0, cls.correct)
    }
    let hidden = classTrace.activation(Self.hiddenName)!
    let boxes = regressor.forward(attachment == .conv ? features : hidden, mode: .train, trace: &boxTrace)
    var box = boxLoss(prediction: boxes, labels: labels, targets: boxTargets)
    box.gradient.scale(by: boxWeight)
    let dRegressorInput = boxTrace.backward(seeds: [regressor.outputName: box.gradient])
    var classSeeds = [classifier.outputName: cls.gradient]
    if attachment == .fc { classSeeds[Self.hiddenName] = dRegressorInput }
    var dFeatures = classTrace.backward(seeds: classSeeds)
    if attachment == .conv { dFeatures += dRegressorInput }
    trunkTrace.backward(seeds: [trunk.outputName: dFeatures], inputGradient: false)
    optimizer.step(all.parameters)
    // snippet.end
    return (cls.value, box.value, cls.correct)
  }
}
