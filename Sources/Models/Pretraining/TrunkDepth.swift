// Three conv trunks of different depth for the "deeper networks do better"
// comparison (CS231n lecture 8, after Simonyan & Zisserman, "Very Deep
// Convolutional Networks", ICLR 2015, whose deeper nets stack 3 x 3
// convolutions). All three give the Fast R-CNN head the same kind of map:
// 64 channels at stride 4 (two 2 x 2 pools), and on a 48 px input a
// 4 x 4 x 64 = 1024 code for the classifier's `cls.fc1`:
//   shallow  (2 conv): conv1 3x3 3->16, BN, ReLU, pool1, conv2 3x3 16->64, BN, ReLU, pool2
//                      | pool3 3x3 stride 2 (10 -> 4 at 48 px), flatten
//   standard (3 conv): the scene classifier's trunk (LocalizationNetwork.makeTrunk)
//                      | pool3, flatten
//   deep     (5 conv): standard with a "same" 3x3 conv (padding 1), BN, ReLU after
//                      conv2 (conv2b, 32->32) and after conv3 (conv3b, 64->64)
//                      | pool3, flatten
// Layers after `|` belong to the classifier only: Fast R-CNN cuts the trunk
// before its last pool (RoI pooling plays its part, as it replaces VGG16's
// pool5). Where the map's cells sit in the image follows from the receptive
// field of its last layer (Layers/ReceptiveField.swift; Araujo et al.,
// Distill 2019): a cell u covers image pixels [u j - p, u j - p + s - 1]
// (size s, jump j, padding p), so the box shift that centres the 4 px cell
// of RoI pooling on it is s/2 - p - j/2: 7 px for standard and deep (their
// padded convolutions are symmetric), 3 px for shallow (receptive field
// 10 px instead of 18 and 30).
import Layers
import Tensor

public enum TrunkDepth: String, Codable, Sendable, CaseIterable {
  case shallow, standard, deep

  /// Convolution layers in the trunk.
  public var convolutions: Int {
    switch self {
    case .shallow: 2
    case .standard: 3
    case .deep: 5
    }
  }

  public var label: String { "\(rawValue), \(convolutions) conv" }

  /// The classifier's trunk: conv layers, the last pool and flatten (1024 numbers at 48 px).
  public func makeTrunk(using rng: inout SplitMix64) -> Sequential {
    switch self {
    case .standard:
      return LocalizationNetwork.makeTrunk(using: &rng)
    case .shallow:
      return Sequential([
        Conv2D(name: "conv1", inChannels: 3, outChannels: 16, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn1", channels: 16),
        ReLU(name: "relu1"), MaxPool2D(name: "pool1"),
        Conv2D(name: "conv2", inChannels: 16, outChannels: 64, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn2", channels: 64),
        ReLU(name: "relu2"), MaxPool2D(name: "pool2"),
        MaxPool2D(name: "pool3", size: 3, stride: 2),
        Flatten(name: "flatten"),
      ])
    case .deep:
      return Sequential([
        Conv2D(name: "conv1", inChannels: 3, outChannels: 16, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn1", channels: 16),
        ReLU(name: "relu1"), MaxPool2D(name: "pool1"),
        Conv2D(name: "conv2", inChannels: 16, outChannels: 32, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn2", channels: 32),
        ReLU(name: "relu2"),
        Conv2D(name: "conv2b", inChannels: 32, outChannels: 32, kernelSize: 3, padding: 1, using: &rng), BatchNorm2D(name: "bn2b", channels: 32),
        ReLU(name: "relu2b"), MaxPool2D(name: "pool2"),
        Conv2D(name: "conv3", inChannels: 32, outChannels: 64, kernelSize: 3, using: &rng), BatchNorm2D(name: "bn3", channels: 64),
        ReLU(name: "relu3"),
        Conv2D(name: "conv3b", inChannels: 64, outChannels: 64, kernelSize: 3, padding: 1, using: &rng), BatchNorm2D(name: "bn3b", channels: 64),
        ReLU(name: "relu3b"), MaxPool2D(name: "pool3"),
        Flatten(name: "flatten"),
      ])
    }
  }

  /// The layers Fast R-CNN runs on a whole scene: the trunk without its last pool and flatten.
  public static func detectionLayers(of trunk: Sequential) -> [any Layer] {
    let layers = trunk.layers
    precondition(layers.count > 2 && layers[layers.count - 2].name == "pool3" && layers.last?.name == "flatten",
                 "TrunkDepth.detectionLayers: the trunk must end in pool3, flatten; got \(layers.map(\.name).suffix(2))")
    return Array(layers.dropLast(2))
  }

  /// The receptive field of a map cell (through the detection layers).
  public static func mapField(of trunk: Sequential) -> ReceptiveField {
    detectionLayers(of: trunk).reduce(ReceptiveField()) { $0.through($1) }
  }

  /// Image pixels to subtract from a box before scaling it by 1/stride onto the map (see the header).
  public static func mapOffset(of field: ReceptiveField) -> Double {
    Double(field.size) / 2 - Double(field.padding) - Double(field.jump) / 2
  }
}
