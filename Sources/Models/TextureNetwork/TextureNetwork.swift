// The small RGB conv net of the neural-style chapter, in two versions with
// one architecture: random weights (He et al., "A Powerful Generative Model
// Using Random Weights for the Deep Image Representation", NIPS 2016;
// Ustyuzhaninov et al., "What does it take to generate natural textures?",
// ICLR 2017) and trained here to tell which photo a patch was cut from
// (TexturePatchClassifier.swift).
//
// Architecture (Gatys et al. replace VGG's max pooling by average pooling;
// so do we): conv3x3(3->32, pad 1)-ReLU-avgpool2-conv3x3(32->64)-ReLU-
// avgpool2-conv3x3(64->64)-ReLU-avgpool2-conv3x3(64->128)-ReLU, receptive
// fields 3, 8, 18, 38 px at relu1..relu4, so the style layers see four
// scales (the multi-scale of both papers, by depth). The classifier adds a
// global average pool and FC(128->classes) for 32 px patches. Input: pixels
// in [0, 1] seen as (x - 0.5) * 2 (StyleWeights' default normalization).
import ExperimentKit
import Layers
import Tensor

public enum TextureNetwork {
  /// The layers whose Gram matrices are the style (shallow to deep) and the content layer.
  public static let styleLayers = ["relu1", "relu2", "relu3", "relu4"]
  public static let contentLayer = "relu3"
  /// Receptive field (px) of each style layer.
  public static let receptiveFields = [3, 8, 18, 38]
  /// The side of the patches the classifier is trained on.
  public static let patchSide = 32
  static let trunkDepth = 11  // conv1 ... relu4

  /// The classifier: trunk, then global average pooling over 4 x 4 and FC(128 -> classes).
  public static func classifier(seed: UInt64, classes: Int) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(name: "conv1", inChannels: 3, outChannels: 32, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu1"), AvgPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu2"), AvgPool2D(name: "pool2"),
      Conv2D(name: "conv3", inChannels: 64, outChannels: 64, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu3"), AvgPool2D(name: "pool3"),
      Conv2D(name: "conv4", inChannels: 64, outChannels: 128, kernelSize: 3, padding: 1, using: &rng), ReLU(name: "relu4"),
      AvgPool2D(name: "pool4", size: patchSide / 8), Flatten(name: "flatten"), Linear(name: "fc", inputs: 128, outputs: classes, using: &rng),
    ])
  }

  /// conv1 ... relu4 of `classifier` (the same layer objects: it shares the weights), for any input size.
  public static func trunk(of classifier: Sequential) -> Sequential { Sequential(Array(classifier.layers.prefix(trunkDepth))) }

  /// The trunk with random (He-normal, zero-bias) weights drawn from `seed`: no training.
  public static func random(seed: UInt64) -> Sequential { trunk(of: classifier(seed: seed, classes: 1)) }

  /// `image` (1, C, H, W) shrunk by `factor` after a Gaussian anti-alias blur of σ = factor / 2.
  public static func shrunk(_ image: Tensor, by factor: Int) -> Tensor {
    guard factor > 1 else { return image }
    let blurred = GaussianBlur(sigma: Double(factor) / 2)(image)
    return blurred.resizedBilinear(height: image.shape[2] / factor, width: image.shape[3] / factor)
  }

  /// The `side` x `side` crop of `image` (1, C, H, W) at (x, y), mirrored left-right when `flip`.
  public static func crop(_ image: Tensor, x: Int, y: Int, side: Int, flip: Bool = false) -> Tensor {
    let (c, h, w) = (image.shape[1], image.shape[2], image.shape[3])
    precondition(x >= 0 && y >= 0 && x + side <= w && y + side <= h, "TextureNetwork.crop: \(side) px at (\(x), \(y)) is outside \(w) x \(h)")
    var out = [Float](repeating: 0, count: c * side * side)
    for k in 0..<c {
      for r in 0..<side {
        for q in 0..<side { out[(k * side + r) * side + q] = image.scalars[(k * h + y + r) * w + x + (flip ? side - 1 - q : q)] }
      }
    }
    return Tensor(shape: [1, c, side, side], scalars: out)
  }
}
