// The `layers` assignment: cs231n assignment 2's naive layers, in this
// project's reference code. Conv forward/backward and max-pool
// forward/backward (Layers/Reference), the three backward rules of ReLU that
// the saliency chapter contrasts (Layers/ReLU.swift), softmax cross-entropy
// with its gradient (Layers/Losses/SoftmaxCrossEntropy.swift).
import Layers
import Tensor

enum LayersAssignment {
  static let convShapes: [(n: Int, c: Int, h: Int, w: Int, f: Int, k: Int, stride: Int, padding: Int)] = [
    (2, 3, 7, 7, 4, 3, 1, 1), (1, 2, 8, 8, 3, 4, 2, 1), (2, 2, 5, 6, 3, 3, 1, 0),
  ]
  static let poolShapes: [(n: Int, c: Int, h: Int, w: Int, size: Int, stride: Int, ties: Bool)] = [
    (2, 3, 8, 8, 2, 2, false), (1, 2, 9, 9, 3, 2, false), (1, 2, 6, 6, 2, 2, true),
  ]

  static func convInputs(_ i: Int, _ rng: inout SplitMix64, backward: Bool) -> Values {
    let s = convShapes[i]
    var v = Values([
      "x": NumericArray(randn([s.n, s.c, s.h, s.w], &rng)), "w": NumericArray(randn([s.f, s.c, s.k, s.k], &rng, std: 0.5)),
      "b": NumericArray(randn([s.f], &rng)), "stride": NumericArray(scalar: Double(s.stride)),
      "padding": NumericArray(scalar: Double(s.padding)),
    ])
    if backward {
      let (oh, ow) = ((s.h + 2 * s.padding - s.k) / s.stride + 1, (s.w + 2 * s.padding - s.k) / s.stride + 1)
      v["dout"] = NumericArray(randn([s.n, s.f, oh, ow], &rng))
    }
    return v
  }

  static func poolInputs(_ i: Int, _ rng: inout SplitMix64, backward: Bool) -> Values {
    let s = poolShapes[i]
    var x = randn([s.n, s.c, s.h, s.w], &rng)
    if s.ties { x = x.map { ($0 * 1.5).rounded() } }  // many equal maxima: the first one wins
    var v = Values(["x": NumericArray(x), "size": NumericArray(scalar: Double(s.size)), "stride": NumericArray(scalar: Double(s.stride))])
    if backward {
      let (oh, ow) = ((s.h - s.size) / s.stride + 1, (s.w - s.size) / s.stride + 1)
      v["dout"] = NumericArray(randn([s.n, s.c, oh, ow], &rng))
    }
    return v
  }

  /// Inputs kept at least 0.05 away from ReLU's kink at 0.
  static func reluInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    let shape = [[2, 3, 4, 5], [1, 4, 6, 6]][i]
    let x = randn(shape, &rng).map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 }
    return Values(["x": NumericArray(x), "dout": NumericArray(randn(shape, &rng))])
  }

  static func reluTest(_ rule: BackwardRule, points: Int, title: String) -> AssignmentTest {
    AssignmentTest(
      "relu-\(rule)", title, region: "relu-backward", points: points, cases: 2, inputs: reluInputs,
      compute: { v, impl in Values(["dx": NumericArray(impl.reluBackward(try v.tensor("dout"), try v.tensor("x"), rule))]) })
  }

  static func softmaxInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    let (n, c, scale, shift): (Int, Int, Float, Float) = [(6, 5, 2, 0), (4, 10, 3, 0), (5, 7, 2, 500)][i]
    let logits = randn([n, c], &rng, std: scale).map { $0 + shift }  // the last case overflows a naive exp
    let labels = (0..<n).map { _ in rng.nextInt(below: c) }
    return Values(["logits": NumericArray(logits), "labels": NumericArray(ints: labels)])
  }

  static let assignment = Assignment(
    id: "layers",
    title: "Layers: naive convolution and max pooling, ReLU's backward rules, softmax cross-entropy",
    summary: """
      Write the naive (loop) versions of a convolution and a max-pooling layer, forward and backward, the \
      three ways a gradient can pass back through a ReLU (plain backprop, Zeiler & Fergus's deconvnet, \
      Springenberg's guided backprop), and the softmax cross-entropy loss with its gradient. Shapes are \
      NCHW; the convolution is a cross-correlation with zero padding; max pooling sends the gradient to \
      the first maximum of a window (PyTorch's rule). The fast layers the chapters train with \
      (Conv2D, MaxPool2D) stay as they are: yours are checked against the reference's naive twins, and \
      ReLU and the loss are the very functions every chapter's training and saliency maps call.
      """,
    functions: [
      AssignedFunction(name: "Reference.conv2d(_:weight:bias:stride:padding:)", file: "Sources/Layers/Reference/NaiveReference.swift", region: "conv-forward"),
      AssignedFunction(name: "Reference.conv2dBackward(_:input:weight:stride:padding:)", file: "Sources/Layers/Reference/NaiveBackward.swift", region: "conv-backward"),
      AssignedFunction(name: "Reference.maxPool(_:size:stride:)", file: "Sources/Layers/Reference/NaiveReference.swift", region: "maxpool-forward"),
      AssignedFunction(name: "Reference.maxPoolBackward(_:input:size:stride:)", file: "Sources/Layers/Reference/NaiveBackward.swift", region: "maxpool-backward"),
      AssignedFunction(name: "ReLU.backward(_:cache:rule:)", file: "Sources/Layers/ReLU.swift", region: "relu-backward"),
      AssignedFunction(name: "softmaxCrossEntropy(logits:labels:)", file: "Sources/Layers/Losses/SoftmaxCrossEntropy.swift", region: "softmax-cross-entropy"),
    ],
    tests: [
      AssignmentTest(
        "conv-forward", "convolution forward (3 shapes: padding 1, stride 2, no padding)", region: "conv-forward", points: 10, cases: 3,
        inputs: { convInputs($0, &$1, backward: false) },
        compute: { v, impl in
          Values(["y": NumericArray(impl.conv2d(try v.tensor("x"), try v.tensor("w"), try v.tensor("b"), try v.ints("stride")[0], try v.ints("padding")[0]))])
        }),
      AssignmentTest(
        "conv-backward", "convolution backward: dx, dw, db", region: "conv-backward", points: 15, cases: 3,
        inputs: { convInputs($0, &$1, backward: true) },
        compute: { v, impl in
          let g = impl.conv2dBackward(try v.tensor("dout"), try v.tensor("x"), try v.tensor("w"), try v.ints("stride")[0], try v.ints("padding")[0])
          return Values(["dx": NumericArray(g.dx), "dw": NumericArray(g.dw), "db": NumericArray(g.db)])
        },
        gradientCheck: { v, actual in
          let (x, w, b, dout) = (try v.tensor("x"), try v.tensor("w"), try v.tensor("b"), try v.tensor("dout"))
          let (stride, padding) = (try v.ints("stride")[0], try v.ints("padding")[0])
          return [
            GradientChecks.dotProduct("dx", forward: { Reference.conv2d($0, weight: w, bias: b, stride: stride, padding: padding) }, at: x, cotangent: dout, gradient: try actual.tensor("dx")),
            GradientChecks.dotProduct("dw", forward: { Reference.conv2d(x, weight: $0, bias: b, stride: stride, padding: padding) }, at: w, cotangent: dout, gradient: try actual.tensor("dw")),
          ].joined(separator: "; ")
        }),
      AssignmentTest(
        "maxpool-forward", "max pooling forward (2x2/2, overlapping 3x3/2)", region: "maxpool-forward", points: 5, cases: 3,
        inputs: { poolInputs($0, &$1, backward: false) },
        compute: { v, impl in Values(["y": NumericArray(impl.maxPool(try v.tensor("x"), try v.ints("size")[0], try v.ints("stride")[0]))]) }),
      AssignmentTest(
        "maxpool-backward", "max pooling backward (overlapping windows add up; ties go to the first maximum)", region: "maxpool-backward",
        points: 10, cases: 3, inputs: { poolInputs($0, &$1, backward: true) },
        compute: { v, impl in
          Values(["dx": NumericArray(impl.maxPoolBackward(try v.tensor("dout"), try v.tensor("x"), try v.ints("size")[0], try v.ints("stride")[0]))])
        },
        gradientCheck: { v, actual in
          let (size, stride) = (try v.ints("size")[0], try v.ints("stride")[0])
          return GradientChecks.dotProduct(
            "dx", forward: { Reference.maxPool($0, size: size, stride: stride) }, at: try v.tensor("x"), cotangent: try v.tensor("dout"),
            gradient: try actual.tensor("dx"), step: 1e-3)
        }),
      reluTest(.gradient, points: 3, title: "ReLU backward, gradient rule (pass where the input was positive)"),
      reluTest(.deconvnet, points: 3, title: "ReLU backward, deconvnet rule (pass where the gradient is positive)"),
      reluTest(.guided, points: 4, title: "ReLU backward, guided rule (both)"),
      AssignmentTest(
        "softmax-loss", "softmax cross-entropy: the mean loss (incl. logits near 500)", region: "softmax-cross-entropy", points: 5, cases: 3,
        inputs: softmaxInputs,
        compute: { v, impl in Values(["loss": NumericArray(scalar: Double(impl.softmaxCrossEntropy(try v.tensor("logits"), try v.ints("labels")).value))]) }),
      AssignmentTest(
        "softmax-gradient", "softmax cross-entropy: dL/dlogits", region: "softmax-cross-entropy", points: 5, cases: 3, inputs: softmaxInputs,
        compute: { v, impl in Values(["dlogits": NumericArray(impl.softmaxCrossEntropy(try v.tensor("logits"), try v.ints("labels")).gradient)]) },
        gradientCheck: { v, actual in
          let labels = try v.ints("labels")
          return GradientChecks.dotProduct(
            "dlogits", forward: { Tensor(shape: [1], scalars: [softmaxCrossEntropy(logits: $0, labels: labels).value]) }, at: try v.tensor("logits"),
            cotangent: Tensor(shape: [1], scalars: [1]), gradient: try actual.tensor("dlogits"))
        }),
    ])
}
