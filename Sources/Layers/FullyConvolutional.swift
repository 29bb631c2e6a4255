// Turning fully connected layers into convolutions (Sermanet et al.,
// "OverFeat", ICLR 2014, section 3.5; Long et al., "Fully Convolutional
// Networks", CVPR 2015).
//
// A Linear layer that reads a flattened (C, H, W) feature map computes, for
// output m, Σ_{c,y,x} W[m, c*H*W + y*W + x] x[c, y, x] + b[m]: exactly a
// convolution with F = M filters of size C x H x W, stride 1, no padding,
// applied where the H x W window covers the whole map. On a larger map the
// same convolution slides: one forward pass scores every window position,
// sharing the convolutional work of overlapping windows. The weights are only
// reshaped — (M, C*H*W) row-major is (M, C, H, W) row-major, which is why
// Flatten's (C, H, W) order matters.
import Tensor

extension Conv2D {
  /// The convolution equivalent to `linear` on a flattened (channels, height, width) input.
  public convenience init(equivalentTo linear: Linear, inputChannels channels: Int, height: Int, width: Int, name: String? = nil) {
    // snippet.reshape
    let (m, d) = (linear.weight.value.shape[0], linear.weight.value.shape[1])
    precondition(height == width, "Conv2D(equivalentTo:): square maps only, got \(height)x\(width)")
    precondition(d == channels * height * width, "Conv2D(equivalentTo:): \(linear.name) reads \(d) inputs, not \(channels)x\(height)x\(width)")
    self.init(name: name ?? linear.name, weight: linear.weight.value.reshaped([m, channels, height, width]), bias: linear.bias.value)
    // snippet.end
  }
}
