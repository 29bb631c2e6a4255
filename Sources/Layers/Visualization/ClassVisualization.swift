// One step of class model visualization (Simonyan et al., ICLR 2014
// workshop, section 2; Yosinski et al., "Understanding Neural Networks
// Through Deep Visualization", ICML 2015 workshop, for the regularizers):
// gradient ascent on the image I for  S_c(I) - λ ||I||²,
//   d = dS_c/dI - 2 λ I,     I' = I + η d / ||d||₂,
// the normalized step of cs231n's create_class_visualization (which also
// jitters and blurs between steps; those are the caller's). A zero direction
// leaves the image unchanged.
import Tensor

/// The image after one normalized ascent step, given the score's gradient at `image`.
public func classVisualizationStep(
  image: Tensor, scoreGradient: Tensor, l2Regularization lambda: Float, learningRate eta: Float
) -> Tensor {
  precondition(image.shape == scoreGradient.shape, "classVisualizationStep: image \(image.shape) but gradient \(scoreGradient.shape)")
  // BEGIN SOLUTION class-visualization
  var direction = scoreGradient
  direction.add(image, scaledBy: -2 * lambda)
  let norm = direction.dot(direction).squareRoot()
  guard norm > 0 else { return image }
  var next = image
  next.add(direction, scaledBy: Float(Double(eta) / norm))
  return next
  // END SOLUTION
}
