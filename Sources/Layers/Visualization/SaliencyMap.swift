// The class saliency map of Simonyan, Vedaldi & Zisserman ("Deep Inside
// Convolutional Networks: Visualising Image Classification Models and
// Saliency Maps", ICLR 2014 workshop, section 3.1): given the gradient
// w = dS_c/dI of a class score with respect to the image, the map is
// M_ij = max_c |w_{c,i,j}|, the largest absolute derivative over the colour
// channels. cs231n's compute_saliency_maps: `grad.abs().max(dim=1)`.
// Shapes: gradient (N, C, H, W) -> map (N, H, W).
import Tensor

/// max over channels of |gradient|, (N, C, H, W) -> (N, H, W).
public func saliencyMap(gradient g: Tensor) -> Tensor {
  precondition(g.rank == 4, "saliencyMap: expected a gradient (N, C, H, W), got \(g.shape)")
  // BEGIN SOLUTION saliency-map
  let (n, c, h, w) = (g.shape[0], g.shape[1], g.shape[2], g.shape[3])
  var map = Tensor(zeros: [n, h, w])
  for i in 0..<n {
    for p in 0..<(h * w) {
      var best: Float = 0
      for ch in 0..<c { best = max(best, abs(g.scalars[(i * c + ch) * h * w + p])) }
      map.scalars[i * h * w + p] = best
    }
  }
  return map
  // END SOLUTION
}
