// Neural style and texture synthesis (Gatys, Ecker & Bethge, "A Neural
// Algorithm of Artistic Style", 2015; "Texture Synthesis Using
// Convolutional Neural Networks", NIPS 2015). Chapter: chapters/23-neural-style.md.
//
// Inputs: TextureNetwork (Models) twice, with random weights (He et al.
// 2016; Ustyuzhaninov et al. 2017) and trained here on patches of the
// sample images (TexturePatchClassifier, from the model cache); the brick and
// gravel textures and the cat photo of assets/images, shrunk 4 x; for
// textures also a single random layer of several filter sizes
// (NeuralStyle+MultiScale.swift, Ustyuzhaninov et al. 2017).
// Algorithm: Layers' `neuralStyleObjective` (α ½‖F − P‖² at relu3, β Σ_l ¼‖G_l
// − A_l‖² / 4 over relu1..relu4, λ TV) minimized over pixels in [0, 1] by
// box-constrained L-BFGS (minimizeLBFGSInBox). Texture synthesis: α = 0,
// from uniform noise. Style transfer: from the content image, over a range
// of β/α.
// Numbers: per net and texture, the Gram distance of the synthesis to its
// source and to the other texture (in both nets) and the held-out, net-free
// patch-covariance and histogram distances, beside two baselines (the
// starting noise; a different crop of the source); per net and β/α, the
// content and style terms at the end (the trade-off curve).
// Figures: textures and syntheses; content, style and results over β/α; the
// trade-off curves; the objective per L-BFGS iteration.
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum NeuralStyle: Experiment {
  public static let id = "neural-style"
  public static let title = "Neural style and texture synthesis: matching Gram matrices"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/NeuralStyle"
  public static let uses = ["Layers", "Plot", TexturePatchClassifier.folder]
  public static let dataFiles = TexturePatchClassifier.dataFiles

  public struct Config: Codable, Sendable {
    /// Side of the synthesized textures (two non-overlapping crops must fit in the 128 px texture).
    public var textureSide: Int
    public var textureIterations: Int
    /// Side of the content image (and of the results).
    public var contentSide: Int
    public var styleIterations: Int
    /// The β/α ratios of the sweep (Gatys: α/β = 1e-3 and 1e-4, i.e. β/α = 1e3, 1e4).
    public var styleRatios: [Double]
    /// λ of the total-variation term, for style transfer (texture synthesis uses none, as Gatys).
    public var tvWeight: Float = 1
    public var memory = 10
    public var randomNetSeed: UInt64 = 11
    public var downscale = 4
    /// The filter sizes and channels per size of the multi-scale random layer (Ustyuzhaninov et al. 2017).
    public var multiScaleSizes = [3, 7, 13]
    public var multiScaleChannels = 24
  }

  public static let full = Config(textureSide: 64, textureIterations: 150, contentSide: 96, styleIterations: 80, styleRatios: [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7])
  public static let quick = Config(textureSide: 40, textureIterations: 40, contentSide: 40, styleIterations: 30, styleRatios: [1e1, 1e3, 1e5, 1e7])

  static let textures = [("brick", "brick.png"), ("gravel", "gravel.png")]
  static let contentName = "chelsea.png"
  /// The two nets compared: (key, label).
  static let nets = [("random", "random, 4 layers"), ("trained", "trained on patches")]
  /// The texture synthesizers: both nets and the multi-scale random layer.
  static let textureNets = nets + [("multiscale", "random, multi-scale")]
  static let layers = TextureNetwork.styleLayers
  static let contentLayer = TextureNetwork.contentLayer
  static let weightsTexture = StyleWeights(content: 0, style: 1, tv: 0)

  /// The square centre crop of `image` resized to `side` (anti-aliased).
  static func centreSquare(_ image: Tensor, side: Int) -> Tensor {
    let (h, w) = (image.shape[2], image.shape[3])
    let s = min(h, w)
    let crop = TextureNetwork.crop(image, x: (w - s) / 2, y: (h - s) / 2, side: s)
    let factor = Double(s) / Double(side)
    return (factor > 1 ? GaussianBlur(sigma: factor / 2)(crop) : crop).resizedBilinear(height: side, width: side)
  }

  struct Synthesis {
    var image: Tensor
    var values: [Float]  // the lowest objective value so far, per evaluation (line-search trials included)
  }

  // snippet.synthesize
  /// Box-constrained L-BFGS on `objective` from `start`: pixels stay in [0, 1].
  static func synthesize(_ objective: @escaping Objective, from start: Tensor, iterations: Int, memory: Int) -> Synthesis {
    var values: [Float] = []
    let recorded: Objective = { x in
      let r = objective(x)
      values.append(min(r.value, values.last ?? .infinity))
      return r
    }
    let (x, _) = minimizeLBFGSInBox(recorded, from: start, lower: 0, upper: 1, iterations: iterations, memory: memory)
    return Synthesis(image: x, values: values)
  }
  // snippet.end

  /// Every field the run cannot work with, named, before any work.
  static func validate(_ config: Config) throws {
    let textureSide = 512 / max(config.downscale, 1)
    guard config.downscale >= 1 else { throw ConfigError("neural-style: downscale \(config.downscale) must be at least 1") }
    guard config.textureSide >= 8, 2 * config.textureSide <= textureSide else {
      throw ConfigError("neural-style: textureSide \(config.textureSide) must be at least 8 px and two crops of it must fit side by side in the \(textureSide) px texture (512 px / downscale \(config.downscale))")
    }
    guard config.contentSide >= 8 else { throw ConfigError("neural-style: contentSide \(config.contentSide) must be at least 8 px (three 2 x 2 poolings)") }
    guard !config.styleRatios.isEmpty, config.styleRatios.allSatisfy({ $0 > 0 }) else { throw ConfigError("neural-style: styleRatios \(config.styleRatios) must be a non-empty list of positive β/α") }
    guard config.textureIterations > 0, config.styleIterations > 0 else { throw ConfigError("neural-style: textureIterations and styleIterations must be positive") }
    guard !config.multiScaleSizes.isEmpty, config.multiScaleSizes.allSatisfy({ $0 % 2 == 1 && $0 > 0 && $0 <= config.textureSide }) else {
      throw ConfigError("neural-style: multiScaleSizes \(config.multiScaleSizes) must be odd filter sizes no larger than textureSide \(config.textureSide)")
    }
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    try validate(config)
    // 1. Inputs: the two nets, the textures (source and held-out crops), the content photo.
    let trained = try context.timed("train or load the patch classifier") { try context.model(TexturePatchClassifier(profile: context.profile)) }
    let history = trained.history
    let netsByKey: [String: Sequential] = ["random": TextureNetwork.random(seed: config.randomNetSeed), "trained": TextureNetwork.trunk(of: trained.network)]
    context.record("patchClassifier.testAccuracy", history.testAccuracy.last ?? 0, format: ".0%")
    context.record("patchClassifier.trainAccuracy", history.trainAccuracy.last ?? 0, format: ".0%")
    context.record("patchClassifier.classes", TexturePatchClassifier.images.count)
    context.record("patchClassifier.chance", 1 / Double(TexturePatchClassifier.images.count), format: ".0%")
    var sources: [String: Tensor] = [:], heldOut: [String: Tensor] = [:]
    for (key, file) in textures {
      let t = TextureNetwork.shrunk(try context.sampleImage(file).rgb.tensor, by: config.downscale)
      let s = config.textureSide
      sources[key] = TextureNetwork.crop(t, x: 0, y: 0, side: s)
      heldOut[key] = TextureNetwork.crop(t, x: t.shape[3] - s, y: t.shape[2] - s, side: s)
    }
    let content = centreSquare(try context.sampleImage(contentName).rgb.tensor, side: config.contentSide)
    let style = TextureNetwork.shrunk(try context.sampleImage("brick.png").rgb.tensor, by: config.downscale)
    let sizes: [(String, Int)] = [
      ("textureSide", config.textureSide), ("textureIterations", config.textureIterations), ("contentSide", config.contentSide),
      ("styleIterations", config.styleIterations), ("styleSide", style.shape[2]), ("downscale", config.downscale), ("styleLayerCount", layers.count),
      ("contentReceptiveField", TextureNetwork.receptiveFields[2]), ("contentLayerDepth", 3),
      ("multiScaleChannels", config.multiScaleChannels), ("multiScaleSizeCount", config.multiScaleSizes.count), ("multiScaleLargest", config.multiScaleSizes.max()!),
    ]
    for (k, v) in sizes { context.record(k, v) }
    context.record("tvWeight", Double(config.tvWeight), format: ".2g")

    // 2. Texture synthesis: style only, from noise, in each net.
    var noiseRng = context.rng.derived("texture-noise")
    let noise = Tensor.randomUniform(shape: [1, 3, config.textureSide, config.textureSide], low: 0, high: 1, using: &noiseRng)
    var syntheses: [String: Synthesis] = [:]
    for (net, _) in nets {
      for (texture, _) in textures {
        let targets = styleTargets(netsByKey[net]!, content: nil, contentLayer: nil, style: sources[texture]!, styleLayers: layers, weights: weightsTexture)
        // β = 1 / (the style term at the noise): the objective starts at 1 in either net (L-BFGS's
        // curvature test and first step are absolute; the minimizer does not depend on β).
        var weights = weightsTexture
        weights.style = Float(1 / neuralStyle(netsByKey[net]!, noise, targets: targets, weights: weightsTexture).terms.style)
        let objective = neuralStyleObjective(netsByKey[net]!, targets: targets, weights: weights)
        syntheses["\(net).\(texture)"] = context.timed("texture synthesis") {
          synthesize(objective, from: noise, iterations: config.textureIterations, memory: config.memory)
        }
      }
    }
    for (texture, synthesis) in context.timed("texture synthesis, multi-scale layer", { multiScaleSyntheses(sources, noise: noise, config: config) }) {
      syntheses["multiscale.\(texture)"] = synthesis
    }
    textureMeasures(syntheses, sources: sources, heldOut: heldOut, noise: noise, nets: netsByKey, context: context)

    // 3. Style transfer over β/α, from the content image, in each net.
    var results: [String: [StyleResult]] = [:]
    for (net, _) in nets {
      results[net] = context.timed("style transfer") {
        styleSweep(netsByKey[net]!, content: content, style: style, config: config)
      }
    }
    styleMeasures(results, config: config, context: context)

    // 4. Figures.
    try context.figure("textures", caption: "Texture synthesis (style only, from the same uniform noise): the source crop, a different crop of the same texture, and the syntheses in the random and the trained net and in the multi-scale random layer.",
      texturesFigure(sources: sources, heldOut: heldOut, syntheses: syntheses, panel: 170))
    try context.figure("style-sweep", caption: "Content (the cat), style (the brick texture) and the results over β/α in each net; every result starts from the content image.",
      sweepFigure(content: content, style: style, results: results, ratios: config.styleRatios, panel: 150))
    try context.figure("trade-off", caption: "Content and style terms at the end of L-BFGS against β/α, relative to their values at the content image (content: ½‖F − P‖² over ½‖P‖²; style: over its value at the content image).",
      tradeOffFigure(results, ratios: config.styleRatios))
    try context.figure("convergence", caption: "Texture synthesis: the lowest objective (the style term; for the multi-scale layer summed over its branches) so far per evaluation of L-BFGS, relative to its value at the noise.",
      convergenceFigure(syntheses))
  }
}
