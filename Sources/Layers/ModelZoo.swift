// The networks the chapters share, defined once.
import Tensor

public enum ModelZoo {
  /// The reference Fashion-MNIST ConvNet of the `classifier` chapter and of
  /// `convnotes bench`: conv3x3(1->32, pad 1)-ReLU-maxpool2-conv3x3(32->64,
  /// pad 1)-ReLU-maxpool2-FC(3136->128)-ReLU-FC(128->10). 421,642 parameters.
  public static func fashionConvNet(seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(name: "conv1", inChannels: 1, outChannels: 32, kernelSize: 3, padding: 1, using: &rng),
      ReLU(name: "relu1"),
      MaxPool2D(name: "pool1"),
      Conv2D(name: "conv2", inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, using: &rng),
      ReLU(name: "relu2"),
      MaxPool2D(name: "pool2"),
      Flatten(name: "flatten"),
      Linear(name: "fc1", inputs: 64 * 7 * 7, outputs: 128, using: &rng),
      ReLU(name: "relu3"),
      Linear(name: "fc2", inputs: 128, outputs: 10, using: &rng),
    ])
  }
}
