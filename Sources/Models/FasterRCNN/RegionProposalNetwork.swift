// The Region Proposal Network (Ren et al., "Faster R-CNN", NeurIPS 2015,
// §3.1, Figure 3): a small network slid over the last shared conv map —
// here a 3 x 3 conv (64 -> 64, padding 1, the paper's "n x n spatial window",
// n = 3) + ReLU, then two sibling 1 x 1 convs: objectness, one logit per
// anchor (a sigmoid, as torchvision's RPN; the paper's 2k-way softmax over
// object / not object is the same model with one redundant logit), and box
// deltas, 4 per anchor (t_x, t_y, t_w, t_h of BoxCoding.swift, weights 1).
// New layers are initialized from a zero-mean Gaussian with std 0.01 (§3.1.3).
//
// Layout: objectness (N, A, H, W), deltas (N, 4A, H, W) with channel 4a + k;
// anchor index (i W + j) A + a, as AnchorGenerator.anchors orders them.
// Losses (§3.1.2, torchvision's arithmetic): binary cross-entropy over the
// sampled anchors (AnchorTargets.swift), mean over them (N_cls = the sampled
// count); smooth L1 (beta 1/9) on the positives' four deltas, summed and
// divided by the same sampled count (py-faster-rcnn's lambda = 10 over
// N_reg ~ 2400 locations is about the same weight).
import Detection
import Foundation
import Layers
import Tensor

public final class RegionProposalNetwork {
  public let anchorsPerLocation: Int
  public let conv: Conv2D
  public let objectness: Conv2D
  public let deltas: Conv2D
  public let shared: Sequential
  public let objectnessBranch: Sequential
  public let deltasBranch: Sequential
  public let all: Sequential
  public static let smoothL1Beta: Float = 1.0 / 9

  public init(channels: Int, anchorsPerLocation: Int, using rng: inout SplitMix64) {
    self.anchorsPerLocation = anchorsPerLocation
    func gaussian(_ name: String, _ out: Int, _ k: Int, padding: Int = 0) -> Conv2D {
      Conv2D(name: name, weight: Tensor.randomNormal(shape: [out, channels, k, k], std: 0.01, using: &rng), bias: Tensor(zeros: [out]), padding: padding)
    }
    conv = gaussian("rpn.conv", channels, 3, padding: 1)
    objectness = gaussian("rpn.cls", anchorsPerLocation, 1)
    deltas = gaussian("rpn.reg", 4 * anchorsPerLocation, 1)
    shared = Sequential([conv, ReLU(name: "rpn.relu")])
    objectnessBranch = Sequential([objectness])
    deltasBranch = Sequential([deltas])
    all = Sequential([conv, objectness, deltas])
  }

  public struct Output {
    /// (N, A, H, W) logits.
    public var objectness: Tensor
    /// (N, 4A, H, W).
    public var deltas: Tensor
  }

  public struct Traces {
    var shared = Trace(), objectness = Trace(), deltas = Trace()
  }

  public func forward(_ features: Tensor, mode: Mode, traces: inout Traces) -> Output {
    let hidden = shared.forward(features, mode: mode, trace: &traces.shared)
    return Output(objectness: objectnessBranch.forward(hidden, mode: mode, trace: &traces.objectness),
                  deltas: deltasBranch.forward(hidden, mode: mode, trace: &traces.deltas))
  }

  public func forward(_ features: Tensor) -> Output {
    var traces = Traces()
    return forward(features, mode: .test, traces: &traces)
  }

  /// dL/dfeatures from the gradients of both outputs (parameter gradients accumulate).
  public func backward(_ gradient: Output, traces: Traces) -> Tensor {
    var dHidden = traces.objectness.backward(seeds: [objectnessBranch.outputName: gradient.objectness])
    dHidden += traces.deltas.backward(seeds: [deltasBranch.outputName: gradient.deltas])
    return traces.shared.backward(seeds: [shared.outputName: dHidden])
  }

  /// Anchor `n` of image `image`: its objectness offset and first delta offset (stride H W between deltas).
  @inline(__always) func offsets(image: Int, anchor n: Int, height h: Int, width w: Int) -> (cls: Int, reg: Int) {
    let a = anchorsPerLocation, location = n / a, k = n % a
    return (((image * a + k) * h) * w + location, ((image * 4 * a + 4 * k) * h) * w + location)
  }

  /// Objectness logit and deltas of every anchor of `image`, in anchor order.
  public func perAnchor(_ output: Output, image: Int) -> (logits: [Float], deltas: [[Double]]) {
    let (h, w) = (output.objectness.shape[2], output.objectness.shape[3])
    let count = h * w * anchorsPerLocation, plane = h * w
    var logits = [Float](repeating: 0, count: count), deltas = [[Double]](repeating: [], count: count)
    for n in 0..<count {
      let o = offsets(image: image, anchor: n, height: h, width: w)
      logits[n] = output.objectness.scalars[o.cls]
      deltas[n] = (0..<4).map { Double(output.deltas.scalars[o.reg + $0 * plane]) }
    }
    return (logits, deltas)
  }

  public struct Loss {
    public var objectness: Float
    public var boxes: Float
    public var gradient: Output
    public var sampled: Int
    public var positives: Int
  }

  /// The RPN's two losses over each image's sampled anchors (targets[i] for image i).
  public func loss(_ output: Output, targets: [AnchorTargeter.Targets]) -> Loss {
    let (h, w) = (output.objectness.shape[2], output.objectness.shape[3])
    let plane = h * w
    var dCls = Tensor(zeros: output.objectness.shape), dReg = Tensor(zeros: output.deltas.shape)
    let sampled = targets.reduce(0) { $0 + $1.labels.filter { $0 >= 0 }.count }
    let scale = 1 / Float(max(sampled, 1)), beta = Self.smoothL1Beta
    var clsLoss = 0.0, regLoss = 0.0, positives = 0
    for (image, t) in targets.enumerated() {
      for (n, label) in t.labels.enumerated() where label >= 0 {
        let o = offsets(image: image, anchor: n, height: h, width: w)
        let z = output.objectness.scalars[o.cls], y = Float(label)
        clsLoss += Double(max(z, 0) - z * y + log1p(exp(-abs(z))))
        dCls.scalars[o.cls] = (1 / (1 + exp(-z)) - y) * scale
        guard label == 1, let target = t.deltas[n] else { continue }
        positives += 1
        for k in 0..<4 {
          let d = output.deltas.scalars[o.reg + k * plane] - Float(target[k])
          if abs(d) < beta {
            regLoss += Double(d * d / (2 * beta))
            dReg.scalars[o.reg + k * plane] = d / beta * scale
          } else {
            regLoss += Double(abs(d) - beta / 2)
            dReg.scalars[o.reg + k * plane] = (d > 0 ? 1 : -1) * scale
          }
        }
      }
    }
    return Loss(objectness: Float(clsLoss) * scale, boxes: Float(regLoss) * scale, gradient: Output(objectness: dCls, deltas: dReg),
                sampled: sampled, positives: positives)
  }
}
