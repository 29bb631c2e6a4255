// A third texture net: Ustyuzhaninov, Brendel, Gatys & Bethge ("What does
// it take to generate natural textures?", ICLR 2017) synthesize textures
// with a single layer of random filters of many sizes. Ours: parallel
// branches conv(k x k, 3 -> `channels`, pad k/2) + ReLU for k in `sizes`,
// He-normal weights, zero biases, one Gram per branch. The objective is the
// sum of the branches' style objectives (each branch is its own Sequential,
// so the pixel gradient is the sum of the branches' gradients), with
// β = 1 / (the summed style term at the noise).
import Foundation
import Layers
import Models
import Tensor

extension NeuralStyle {
  /// One [conv k x k, ReLU] per size, named conv/relu in each branch.
  static func multiScaleBranches(seed: UInt64, sizes: [Int], channels: Int) -> [Sequential] {
    var rng = SplitMix64(seed: seed)
    return sizes.map { k in
      Sequential([Conv2D(name: "conv", inChannels: 3, outChannels: channels, kernelSize: k, padding: k / 2, using: &rng), ReLU(name: "relu")])
    }
  }

  // snippet.multiscale
  /// Σ_b (the style objective of branch b against its Gram target of `texture`), and its gradient.
  static func multiScaleObjective(_ branches: [Sequential], texture: Tensor, weights: StyleWeights) -> Objective {
    let objectives = branches.map { branch in
      neuralStyleObjective(branch, targets: styleTargets(branch, content: nil, contentLayer: nil, style: texture, styleLayers: ["relu"], weights: weights), weights: weights)
    }
    return { x in
      var value: Float = 0
      var gradient = Tensor(zeros: x.shape)
      for objective in objectives {
        let (v, g) = objective(x)
        value += v
        gradient += g
      }
      return (value, gradient)
    }
  }
  // snippet.end

  /// Texture synthesis in the multi-scale random layer, from `noise`, for every texture.
  static func multiScaleSyntheses(_ sources: [String: Tensor], noise: Tensor, config: Config) -> [String: Synthesis] {
    let branches = multiScaleBranches(seed: config.randomNetSeed &+ 1, sizes: config.multiScaleSizes, channels: config.multiScaleChannels)
    var out: [String: Synthesis] = [:]
    for (texture, _) in textures {
      let unit = multiScaleObjective(branches, texture: sources[texture]!, weights: weightsTexture)
      var weights = weightsTexture
      weights.style = 1 / max(unit(noise).value, 1e-30)  // the objective starts at 1
      out[texture] = synthesize(multiScaleObjective(branches, texture: sources[texture]!, weights: weights), from: noise, iterations: config.textureIterations, memory: config.memory)
    }
    return out
  }
}
