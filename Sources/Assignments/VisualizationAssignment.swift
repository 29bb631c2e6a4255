// The `visualization` assignment: lecture 9's image-space computations, on
// gradients the student does not have to derive through a network. The
// saliency map (Layers/Visualization/SaliencyMap.swift), one class
// visualization step (ClassVisualization.swift), the Gram matrix and style
// loss with their gradients (Layers/Losses/StyleLosses.swift), and FGSM
// (FastGradientSign.swift).
import Layers
import Tensor

enum VisualizationAssignment {
  static func featureShape(_ i: Int) -> [Int] { [[1, 4, 5, 6], [1, 8, 3, 3]][i] }

  /// A symmetric positive semi-definite target Gram matrix M Mᵀ / k.
  static func targetGram(_ c: Int, _ rng: inout SplitMix64) -> Tensor {
    let k = 7
    let m = randn([c, k], &rng)
    var g = Tensor(zeros: [c, c])
    for i in 0..<c {
      for j in 0..<c {
        var s: Float = 0
        for t in 0..<k { s += m.scalars[i * k + t] * m.scalars[j * k + t] }
        g.scalars[i * c + j] = s / Float(k * 4)
      }
    }
    return g
  }

  static let assignment = Assignment(
    id: "visualization",
    title: "Visualization: saliency maps, class visualization, Gram matrix and style loss, FGSM",
    summary: """
      Write the image-space side of lecture 9: Simonyan's saliency map (max over colour channels of the \
      absolute gradient), one normalized gradient-ascent step of class visualization with L2 \
      regularization, the Gram matrix of a feature map with its backward pass and Gatys's style loss, \
      and Goodfellow's fast gradient sign method. Each file's header gives the formula and the \
      convention (cs231n's normalized Gram, sign(0) = 0); the gradients you are given are the ones a \
      network's backward pass would produce.
      """,
    functions: [
      AssignedFunction(name: "saliencyMap(gradient:)", file: "Sources/Layers/Visualization/SaliencyMap.swift", region: "saliency-map"),
      AssignedFunction(
        name: "classVisualizationStep(image:scoreGradient:l2Regularization:learningRate:)", file: "Sources/Layers/Visualization/ClassVisualization.swift",
        region: "class-visualization"),
      AssignedFunction(name: "gramForward(_:)", file: "Sources/Layers/Losses/StyleLosses.swift", region: "gram-forward"),
      AssignedFunction(name: "gramBackward(_:cache:)", file: "Sources/Layers/Losses/StyleLosses.swift", region: "gram-backward"),
      AssignedFunction(name: "styleLoss(features:targetGram:)", file: "Sources/Layers/Losses/StyleLosses.swift", region: "style-loss"),
      AssignedFunction(name: "fastGradientSign(image:lossGradient:epsilon:range:)", file: "Sources/Layers/Visualization/FastGradientSign.swift", region: "fgsm"),
    ],
    tests: [
      AssignmentTest(
        "saliency-map", "saliency map: max over channels of |gradient| (2 shapes)", region: "saliency-map", points: 5, cases: 2,
        inputs: { i, rng in Values(["gradient": NumericArray(randn([[2, 3, 6, 6], [1, 1, 4, 5]][i], &rng))]) },
        compute: { v, impl in Values(["map": NumericArray(impl.saliencyMap(try v.tensor("gradient")))]) }),
      AssignmentTest(
        "class-visualization", "one class-visualization step (L2-regularized, normalized)", region: "class-visualization", points: 5, cases: 2,
        inputs: { i, rng in
          let (lambda, eta): (Double, Double) = [(0.01, 2), (0.5, 0.25)][i]
          return Values([
            "image": NumericArray(randn([1, 3, 8, 8], &rng)), "gradient": NumericArray(randn([1, 3, 8, 8], &rng, std: 0.1)),
            "lambda": NumericArray(scalar: lambda), "eta": NumericArray(scalar: eta),
          ])
        },
        compute: { v, impl in
          Values([
            "image": NumericArray(
              impl.classVisualizationStep(try v.tensor("image"), try v.tensor("gradient"), Float(try v.scalar("lambda")), Float(try v.scalar("eta"))))
          ])
        }),
      AssignmentTest(
        "gram-forward", "Gram matrix F Fᵀ / (C·H·W)", region: "gram-forward", points: 5, cases: 2,
        inputs: { i, rng in Values(["features": NumericArray(randn(featureShape(i), &rng))]) },
        compute: { v, impl in Values(["gram": NumericArray(impl.gram(try v.tensor("features")))]) }),
      AssignmentTest(
        "gram-backward", "Gram matrix backward (an upstream gradient that is not symmetric)", region: "gram-backward", points: 5, cases: 2,
        inputs: { i, rng in
          let shape = featureShape(i)
          return Values(["features": NumericArray(randn(shape, &rng)), "dgram": NumericArray(randn([shape[1], shape[1]], &rng))])
        },
        compute: { v, impl in Values(["dfeatures": NumericArray(impl.gramBackward(try v.tensor("dgram"), try v.tensor("features")))]) },
        gradientCheck: { v, actual in
          GradientChecks.dotProduct(
            "dfeatures", forward: { gramForward($0).gram }, at: try v.tensor("features"), cotangent: try v.tensor("dgram"),
            gradient: try actual.tensor("dfeatures"))
        }),
      AssignmentTest(
        "style-loss", "style loss Σ (G - A)² and its gradient", region: "style-loss", points: 5, cases: 2,
        inputs: { i, rng in
          let shape = featureShape(i)
          return Values(["features": NumericArray(randn(shape, &rng)), "target": NumericArray(targetGram(shape[1], &rng))])
        },
        compute: { v, impl in
          let r = impl.styleLoss(try v.tensor("features"), try v.tensor("target"))
          return Values(["loss": NumericArray(scalar: Double(r.value)), "gradient": NumericArray(r.gradient)])
        }),
      AssignmentTest(
        "fgsm", "FGSM: x + ε sign(∇), sign(0) = 0, with and without clamping to [0, 1]", region: "fgsm", points: 5, cases: 2,
        inputs: { i, rng in
          var g = randn([1, 3, 6, 6], &rng)
          for k in stride(from: 0, to: g.count, by: 5) { g.scalars[k] = 0 }
          var v = Values([
            "image": NumericArray(Tensor.randomUniform(shape: [1, 3, 6, 6], low: 0, high: 1, using: &rng)), "gradient": NumericArray(g),
            "epsilon": NumericArray(scalar: [0.1, 0.03][i]),
          ])
          if i == 0 { v["range"] = NumericArray(doubles: [0, 1]) }
          return v
        },
        compute: { v, impl in
          let range = try v["range"].map { _ in let r = try v.doubles("range"); return Float(r[0])...Float(r[1]) }
          return Values([
            "image": NumericArray(impl.fastGradientSign(try v.tensor("image"), try v.tensor("gradient"), Float(try v.scalar("epsilon")), range))
          ])
        }),
    ])
}
