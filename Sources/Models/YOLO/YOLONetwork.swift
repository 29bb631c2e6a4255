// YOLO v1's network at our scale (Redmon et al., CVPR 2016, §2.1 and
// Figure 3). The paper: 24 conv layers (the first 20 pretrained on ImageNet
// classification at 224 px, then run at 448 px), two FC layers, leaky ReLU
// 0.1 after every layer but the last, dropout 0.5 after the first FC.
// Ours, on 128 px `detection` scenes:
//   trunk (pretrained): the scene classifier's conv1..pool3 (Models/SceneNetwork,
//        trained to classify 48 px one-object scenes; run here at 128 px, as
//        YOLO runs its 224 px-pretrained layers at 448 px): valid 3 x 3 convs
//        with BN and ReLU, 2 x 2 pools, 128 -> 126 -> 63 -> 61 -> 30 -> 28 -> 14,
//        64 channels; frozen (see YOLOModel);
//   new: conv4 3 x 3 pad 1 64 -> `channels`, leaky ReLU, pool 2 x 2 -> 7 x 7 (S = 7), then
//     head .conv (default): conv5 3 x 3 pad 1, leaky ReLU, dropout, conv6 1 x 1 -> 5B + C
//        channels, linear: every cell predicted by the same weights from its
//        neighbourhood (receptive field 78 px, cells of 18 px);
//     head .fc (the paper's two FC layers): flatten, fc1 -> `hidden`, leaky ReLU,
//        dropout, fc2 -> S S (5B + C), linear: every cell its own weights.
//   Output: (N, S S (5B + C)) in YOLOGrid's layout (channels first).
// Input: (x - 0.5) / 0.25 for pixels x in [0, 1], as the trunk was trained.
import Layers
import Tensor

public enum YOLOHead: String, Codable, Sendable { case conv, fc }

public final class YOLONetwork {
  public let grid: YOLOGrid
  public let trunk: Sequential
  public let head: Sequential
  /// Every layer, for saving and loading.
  public let all: Sequential

  public init(grid: YOLOGrid, head kind: YOLOHead, channels: Int, hidden: Int, dropout: Float, seed: UInt64) {
    self.grid = grid
    var rng = SplitMix64(seed: seed)
    trunk = Sequential(Array(LocalizationNetwork.makeTrunk(using: &rng).layers.dropLast()))  // without its flatten
    let side = grid.cells
    var layers: [any Layer] = [
      Conv2D(name: "conv4", inChannels: 64, outChannels: channels, kernelSize: 3, padding: 1, using: &rng), LeakyReLU(name: "leaky4"),
      MaxPool2D(name: "pool4"),
    ]
    switch kind {
    case .conv:
      let last = Conv2D(name: "conv6", inChannels: channels, outChannels: grid.perCell, kernelSize: 1, using: &rng)
      last.weight.value.scale(by: 0.1)  // small outputs at the start: confidences and scores near 0
      layers += [
        Conv2D(name: "conv5", inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, using: &rng), LeakyReLU(name: "leaky5"),
        Dropout(name: "dropout", probability: dropout, seed: rng.next()), last, Flatten(name: "flatten"),
      ]
    case .fc:
      let last = Linear(name: "fc2", inputs: hidden, outputs: grid.outputs, using: &rng)
      last.weight.value.scale(by: 0.1)
      layers += [
        Flatten(name: "flatten"), Linear(name: "fc1", inputs: channels * side * side, outputs: hidden, using: &rng), LeakyReLU(name: "leaky5"),
        Dropout(name: "dropout", probability: dropout, seed: rng.next()), last,
      ]
    }
    head = Sequential(layers)
    all = Sequential(trunk.layers + head.layers)
  }

  /// The trunk's 14 x 14 x 64 maps of `images` (N, 3, 128, 128), in test mode, `batchSize` at a time.
  public func features(_ images: Tensor, batchSize: Int = 64) -> Tensor {
    var out: [Float] = []
    let n = images.shape[0]
    var shape: [Int] = []
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let f = trunk.forward(LocalizationNetwork.normalized(images.slice(start..<min(start + batchSize, n))), mode: .test)
      shape = Array(f.shape.dropFirst())
      out += f.scalars
    }
    return Tensor(shape: [n] + shape, scalars: out)
  }

  /// The S S (5B + C) outputs of `images`, in test mode.
  public func predict(_ images: Tensor, batchSize: Int = 64) -> Tensor {
    var out: [Float] = []
    let n = images.shape[0]
    for start in Swift.stride(from: 0, to: n, by: batchSize) {
      let batch = images.slice(start..<min(start + batchSize, n))
      out += head.forward(trunk.forward(LocalizationNetwork.normalized(batch), mode: .test), mode: .test).scalars
    }
    return Tensor(shape: [n, grid.outputs], scalars: out)
  }

  /// Copies the scene classifier's trunk weights (and BN statistics) into this trunk.
  public func loadTrunk(from classifier: LocalizationNetwork) {
    var tensors: [String: Tensor] = [:]
    for (name, p) in classifier.trunk.namedParameters { tensors[name] = p.value }
    for (name, p) in trunk.namedParameters {
      guard let t = tensors[name] else { preconditionFailure("YOLONetwork: the classifier has no \(name)") }
      precondition(t.shape == p.value.shape, "YOLONetwork: \(name) is \(t.shape) in the classifier, \(p.value.shape) here")
      p.value = t
    }
  }
}
