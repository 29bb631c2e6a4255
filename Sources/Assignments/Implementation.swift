// The functions an assignment grades, as a table of closures. A check calls
// the table, never the library directly: `Implementation.library` is the
// code this binary was built from (the reference, or a student's copy), and
// tests swap one entry for a seeded bug to grade it in-process.
import Detection
import Layers
import Tensor

public struct Implementation: Sendable {
  // layers
  public var conv2d: @Sendable (_ x: Tensor, _ w: Tensor, _ b: Tensor, _ stride: Int, _ padding: Int) -> Tensor
  public var conv2dBackward: @Sendable (_ dout: Tensor, _ x: Tensor, _ w: Tensor, _ stride: Int, _ padding: Int) -> (dx: Tensor, dw: Tensor, db: Tensor)
  public var maxPool: @Sendable (_ x: Tensor, _ size: Int, _ stride: Int) -> Tensor
  public var maxPoolBackward: @Sendable (_ dout: Tensor, _ x: Tensor, _ size: Int, _ stride: Int) -> Tensor
  public var reluBackward: @Sendable (_ dout: Tensor, _ x: Tensor, _ rule: BackwardRule) -> Tensor
  public var softmaxCrossEntropy: @Sendable (_ logits: Tensor, _ labels: [Int]) -> (value: Float, gradient: Tensor)
  // detection
  public var intersectionOverUnion: @Sendable (_ a: Box, _ b: Box, _ convention: BoxConvention) -> Double
  public var nonMaxSuppression: @Sendable (_ flatBoxes: [Float], _ scores: [Float], _ threshold: Double) -> [Int]
  public var averagePrecisionVOC: @Sendable (_ recall: [Double], _ precision: [Double]) -> Double
  public var averagePrecisionVOC07: @Sendable (_ recall: [Double], _ precision: [Double]) -> Double
  public var averagePrecisionCOCO: @Sendable (_ recall: [Double], _ precision: [Double]) -> Double
  public var encodeBox: @Sendable (_ coder: BoxCoder, _ box: Box, _ anchor: Box) -> [Double]
  public var decodeBox: @Sendable (_ coder: BoxCoder, _ deltas: [Double], _ anchor: Box) -> Box
  // visualization
  public var saliencyMap: @Sendable (_ gradient: Tensor) -> Tensor
  public var classVisualizationStep: @Sendable (_ image: Tensor, _ gradient: Tensor, _ lambda: Float, _ eta: Float) -> Tensor
  public var gram: @Sendable (_ features: Tensor) -> Tensor
  public var gramBackward: @Sendable (_ dGram: Tensor, _ features: Tensor) -> Tensor
  public var styleLoss: @Sendable (_ features: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor)
  public var fastGradientSign: @Sendable (_ image: Tensor, _ gradient: Tensor, _ epsilon: Float, _ range: ClosedRange<Float>?) -> Tensor

  /// The functions of the library this binary was built from.
  public static let library = Implementation(
    conv2d: { Reference.conv2d($0, weight: $1, bias: $2, stride: $3, padding: $4) },
    conv2dBackward: { Reference.conv2dBackward($0, input: $1, weight: $2, stride: $3, padding: $4) },
    maxPool: { Reference.maxPool($0, size: $1, stride: $2) },
    maxPoolBackward: { Reference.maxPoolBackward($0, input: $1, size: $2, stride: $3) },
    reluBackward: { dout, x, rule in
      let relu = ReLU(name: "relu")
      return relu.backward(dout, cache: relu.forward(x, mode: .test).cache, rule: rule)
    },
    softmaxCrossEntropy: { Layers.softmaxCrossEntropy(logits: $0, labels: $1) },
    intersectionOverUnion: { $0.intersectionOverUnion(with: $1, convention: $2) },
    nonMaxSuppression: { Detection.nonMaxSuppression(flatBoxes: $0, scores: $1, iouThreshold: $2) },
    averagePrecisionVOC: { averagePrecisionArea(recall: $0, precision: $1) },
    averagePrecisionVOC07: { averagePrecision11Point(recall: $0, precision: $1) },
    averagePrecisionCOCO: { averagePrecision101Point(recall: $0, precision: $1) },
    encodeBox: { $0.encode($1, relativeTo: $2) },
    decodeBox: { $0.decode($1, relativeTo: $2) },
    saliencyMap: { Layers.saliencyMap(gradient: $0) },
    classVisualizationStep: { Layers.classVisualizationStep(image: $0, scoreGradient: $1, l2Regularization: $2, learningRate: $3) },
    gram: { gramForward($0).gram },
    gramBackward: { Layers.gramBackward($0, cache: GramCache(features: $1)).reshaped($1.shape) },
    styleLoss: { Layers.styleLoss(features: $0, targetGram: $1) },
    fastGradientSign: { Layers.fastGradientSign(image: $0, lossGradient: $1, epsilon: $2, range: $3) })
}
