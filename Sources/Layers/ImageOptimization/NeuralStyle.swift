// Neural style and texture synthesis (Gatys, Ecker & Bethge, "A Neural
// Algorithm of Artistic Style", 2015, and "Texture Synthesis Using
// Convolutional Neural Networks", NIPS 2015): optimize an image x so that
// its activations at one layer match a content image's and its Gram
// matrices at several layers match a style image's.
//
// The objective, in Gatys's form so that α/β reads as in the paper:
//   L(x) = α · ½ Σ (F − P)²                       content, at one layer
//        + β · Σ_l w_l · ¼ Σ (G_l − A_l)²         style, w_l = 1 / (number of layers)
//        + λ · TV(x)                               total variation of the pixels
// with G = F Fᵀ / (C·H·W) (StyleLosses.swift; Gatys's E_l = 1/(4 N² M²) Σ (Ĝ − Â)²
// for unnormalized Ĝ is exactly ¼ Σ (G − A)² with this G). Texture synthesis
// is α = 0. The net sees (x + inputOffset) · inputScale; one forward pass
// through `net` records every layer, and the content and style gradients are
// seeded at their layers of the one Trace (Trace.swift), replayed once.
import Tensor

/// What the image should match: a content target at one layer (optional) and Gram targets at several.
public struct StyleTargets {
  public var contentLayer: String?
  public var content: Tensor?
  public var styleLayers: [String]
  public var grams: [Tensor]

  public init(contentLayer: String? = nil, content: Tensor? = nil, styleLayers: [String], grams: [Tensor]) {
    precondition(styleLayers.count == grams.count, "StyleTargets: \(styleLayers.count) style layers, \(grams.count) Gram targets")
    precondition((contentLayer == nil) == (content == nil), "StyleTargets: a content layer needs a content target and back")
    (self.contentLayer, self.content, self.styleLayers, self.grams) = (contentLayer, content, styleLayers, grams)
  }
}

/// α, β, λ of the objective, and the net's input normalization.
public struct StyleWeights: Codable, Sendable, Equatable {
  public var content: Float
  public var style: Float
  public var tv: Float
  public var inputOffset: Float = -0.5
  public var inputScale: Float = 2

  public init(content: Float, style: Float, tv: Float, inputOffset: Float = -0.5, inputScale: Float = 2) {
    (self.content, self.style, self.tv, self.inputOffset, self.inputScale) = (content, style, tv, inputOffset, inputScale)
  }
}

/// The three terms of the objective at one image, unweighted: ½ Σ (F − P)², Σ_l w_l ¼ Σ (G_l − A_l)², TV(x).
public struct StyleTerms: Sendable {
  public var content: Double
  public var style: Double
  public var tv: Double
}

/// Every traced activation of `net` for the image x (1, 3, H, W) under the weights' normalization.
func styleTrace(_ net: Sequential, _ x: Tensor, _ weights: StyleWeights) -> Trace {
  var trace = Trace()
  _ = net.forward(x.map { ($0 + weights.inputOffset) * weights.inputScale }, mode: .test, trace: &trace)
  return trace
}

/// The content activation and Gram targets of `content` and `style` images at the given layers.
public func styleTargets(
  _ net: Sequential, content: Tensor?, contentLayer: String?, style: Tensor, styleLayers: [String], weights: StyleWeights
) -> StyleTargets {
  let traced = styleTrace(net, style, weights)
  let grams = styleLayers.map { layer -> Tensor in
    guard let a = traced.activation(layer) else { preconditionFailure("styleTargets: the net has no layer \(layer) (have \(traced.layerNames))") }
    return gramForward(a).gram
  }
  var target: Tensor? = nil
  if let content, let contentLayer {
    guard let a = styleTrace(net, content, weights).activation(contentLayer) else { preconditionFailure("styleTargets: the net has no layer \(contentLayer)") }
    target = a
  }
  return StyleTargets(contentLayer: target == nil ? nil : contentLayer, content: target, styleLayers: styleLayers, grams: grams)
}

// snippet.objective
/// The terms at x and the gradient of α·content + β·style + λ·TV with respect to x.
public func neuralStyle(_ net: Sequential, _ x: Tensor, targets: StyleTargets, weights: StyleWeights) -> (terms: StyleTerms, gradient: Tensor) {
  let trace = styleTrace(net, x, weights)
  var seeds: [String: Tensor] = [:]
  var terms = StyleTerms(content: 0, style: 0, tv: 0)
  if let layer = targets.contentLayer, let p = targets.content {
    let diff = trace.activation(layer)! - p
    terms.content = 0.5 * diff.dot(diff)
    seeds[layer] = weights.content * diff  // d(α ½ Σ (F − P)²)/dF
  }
  let w = 1 / Float(targets.styleLayers.count)
  for (layer, gram) in zip(targets.styleLayers, targets.grams) {
    let (value, dF) = styleLoss(features: trace.activation(layer)!, targetGram: gram)  // Σ (G − A)², its gradient
    terms.style += Double(w) * 0.25 * Double(value)
    let seed = (weights.style * w * 0.25) * dF
    seeds[layer] = seeds[layer].map { $0 + seed } ?? seed
  }
  var gradient = trace.backward(seeds: seeds)
  gradient.scale(by: weights.inputScale)  // the chain rule through (x + offset) · scale
  let (tv, dTV) = totalVariation(x)
  terms.tv = Double(tv)
  gradient.add(dTV, scaledBy: weights.tv)
  return (terms, gradient)
}

/// The objective for `minimizeLBFGS` / `minimizeLBFGSInBox`: x -> (α·content + β·style + λ·TV, gradient).
public func neuralStyleObjective(_ net: Sequential, targets: StyleTargets, weights: StyleWeights) -> Objective {
  { x in
    let (t, g) = neuralStyle(net, x, targets: targets, weights: weights)
    return (Float(Double(weights.content) * t.content + Double(weights.style) * t.style + Double(weights.tv) * t.tv), g)
  }
}
// snippet.end
