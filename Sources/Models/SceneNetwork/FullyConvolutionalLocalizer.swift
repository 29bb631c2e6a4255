// The scene localizer with its FC layers turned into convolutions (OverFeat,
// Sermanet et al., ICLR 2014): fc 1024->128 becomes a 4x4 convolution
// (64 -> 128), the class and box layers 1x1 convolutions
// (Conv2D(equivalentTo:), Layers/FullyConvolutional.swift). On an S x S image
// one pass gives a ((S-48)/8+1)^2 grid of windows 8 px apart, with exactly
// the numbers the net gives each 48 px crop.
import Layers
import Tensor

public struct FullyConvolutionalLocalizer {
  public let features: Sequential
  public let classes: Conv2D
  public let boxes: Conv2D

  /// The view of a localizer whose box head reads the hidden FC layer (one linear layer).
  public init(_ net: LocalizationNetwork) {
    guard net.attachment == .fc, let box = net.regressor.layers.first as? Linear, net.regressor.layers.count == 1 else {
      preconditionFailure("FullyConvolutionalLocalizer: needs the after-FC head (one linear layer), got \(net.attachment)")
    }
    features = Sequential(
      Array(net.trunk.layers.dropLast()) + [Conv2D(equivalentTo: net.hiddenLayer, inputChannels: 64, height: 4, width: 4), ReLU(name: "fc1.relu")])
    classes = Conv2D(equivalentTo: net.classLayer, inputChannels: 128, height: 1, width: 1)
    boxes = Conv2D(equivalentTo: box, inputChannels: 128, height: 1, width: 1)
  }

  /// Class logits (N, 10, n, n) and boxes (N, 4, n, n) of every window of (N, 3, S, S) images.
  public func forward(_ images: Tensor) -> (logits: Tensor, boxes: Tensor) {
    let h = features.forward(LocalizationNetwork.normalized(images), mode: .test)
    return (classes.forward(h, mode: .test).output, boxes.forward(h, mode: .test).output)
  }
}
