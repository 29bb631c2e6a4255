// DeepDream: modify an image so that it boosts every activation of a chosen
// layer (Mordvintsev, Olah & Tyka, "Inceptionism", Google Research blog 2015;
// google/deepdream's dream.ipynb). Chapter: chapters/22-deepdream.md.
//
// Inputs: the scene classifier's trunk (RGB, three valid 3x3 conv layers with
// BN and ReLU, trained on 48 px FashionScenes; from the model cache), a photo
// from assets/images (resized), one 128 px detection test scene, and 48 px
// localization test scenes for the classifier's read-out.
// Algorithm: Layers' `deepDream` (octave pyramid, jittered steps of fixed
// mean absolute size, clipping to [0, 1]) on ½‖a‖² at relu1, relu2, relu3.
// Numbers: per image, layer and octave, the objective at the octave's base,
// start and end (as the RMS activation); the whole dream's gain at the
// dreamed layer and at the other two; the share of the change's energy that
// survives a Gaussian low-pass (what spatial scale each layer adds); on the
// 48 px scenes dreamed at relu3, how the classifier's scores move.
// Figures: photo and scene with their dreams and change images per layer;
// the activation per step through the octaves; scenes before and after with
// their predicted classes.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum DeepDream: Experiment {
  public static let id = "deepdream"
  public static let title = "DeepDream: boosting a layer's activations"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/DeepDream"
  public static let uses = ["Layers", "Datasets", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files + ["images/\(photoName)"]

  public struct Config: Codable, Sendable {
    /// Side of the (square) photo the dream runs on.
    public var photoSide: Int
    public var dream: DreamSettings
    /// The 48 px scenes read by the classifier: fewer octaves (the smallest must hold conv3's 18 px field).
    public var sceneDream: DreamSettings
    public var classifiedScenes: Int
    /// σ (pixels) of the low-pass that splits a change into coarse and fine parts.
    public var lowPassSigma: Double = 2
  }

  public static let full = Config(
    photoSide: 224, dream: DreamSettings(octaves: 4, octaveScale: 1.4, iterations: 10, stepSize: 1.5 / 255, jitter: 8),
    sceneDream: DreamSettings(octaves: 2, octaveScale: 1.4, iterations: 10, stepSize: 1.5 / 255, jitter: 4), classifiedScenes: 128)
  public static let quick = Config(
    photoSide: 96, dream: DreamSettings(octaves: 3, octaveScale: 1.4, iterations: 10, stepSize: 1.5 / 255, jitter: 8),
    sceneDream: DreamSettings(octaves: 2, octaveScale: 1.4, iterations: 10, stepSize: 1.5 / 255, jitter: 4), classifiedScenes: 16)

  static let photoName = "astronaut.png"
  /// The dreamed layers, shallow to deep: (layer, label).
  static let layers: [(name: String, label: String)] = [("relu1", "conv1"), ("relu2", "conv2"), ("relu3", "conv3")]

  /// The square centre crop of `image` (1, 3, H, W), anti-aliased (σ = half the factor) and resized to side.
  static func resized(_ image: Tensor, side: Int) -> Tensor {
    let (h, w) = (image.shape[2], image.shape[3])
    let s = min(h, w)
    let crop = PixelImage(image).cropped(x: (w - s) / 2, y: (h - s) / 2, width: s, height: s).tensor
    let factor = Double(s) / Double(side)
    return (factor > 1 ? GaussianBlur(sigma: factor / 2)(crop) : crop).resizedBilinear(height: side, width: side)
  }

  /// RMS of the layer's activation from the objective's value ½ Σ a² over `units` numbers.
  static func rms(_ value: Float, units: Int) -> Double { (2 * Double(value) / Double(max(units, 1))).squareRoot() }

  /// The number of activations of `layer` for an input of `shape`.
  static func units(_ net: Sequential, layer: String, shape: [Int]) -> Int {
    var trace = Trace()
    _ = net.forward(Tensor(zeros: shape), mode: .test, trace: &trace)
    return trace.activation(layer)!.count
  }

  /// ‖blur_σ(d)‖² / ‖d‖²: the share of the change's energy at scales coarser than σ.
  static func lowPassShare(_ change: Tensor, sigma: Double) -> Double {
    let low = GaussianBlur(sigma: sigma)(change)
    return low.dot(low) / max(change.dot(change), 1e-30)
  }

  /// Pearson correlation of the change with the original's deviation from its
  /// per-channel mean: near 1 when the dream is a contrast stretch of the image itself.
  static func contentCorrelation(_ change: Tensor, _ image: Tensor) -> Double {
    let (c, plane) = (image.shape[1], image.shape[2] * image.shape[3])
    var centred = image
    for k in 0..<c {
      let range = (k * plane)..<((k + 1) * plane)
      let mean = range.reduce(0.0) { $0 + Double(image.scalars[$1]) } / Double(plane)
      for i in range { centred.scalars[i] -= Float(mean) }
    }
    let dm = change.scalars.reduce(0.0) { $0 + Double($1) } / Double(change.count)
    let d = change.map { $0 - Float(dm) }
    return d.dot(centred) / max((d.dot(d) * centred.dot(centred)).squareRoot(), 1e-30)
  }

  /// The share of the change's energy Σ_c d² held by its top 10% of pixels.
  static func topDecileShare(_ change: Tensor) -> Double {
    let (c, plane) = (change.shape[1], change.shape[2] * change.shape[3])
    let energy = (0..<plane).map { p in (0..<c).reduce(0.0) { $0 + Double(change.scalars[$1 * plane + p] * change.scalars[$1 * plane + p]) } }
    let total = energy.reduce(0, +)
    return energy.sorted(by: >).prefix(plane / 10).reduce(0, +) / max(total, 1e-30)
  }

  struct Dream {
    var image: Tensor
    var octaves: [DreamOctave]
    var gain: [String: Double] = [:]  // per layer: objective after / before, whole image
    var lowShare = 0.0, meanChange = 0.0, contentCorrelation = 0.0, topDecileShare = 0.0
  }

  /// Dreams `image` at every layer; records per-octave and cross-layer numbers under `key`.
  static func dreamAll(
    _ image: Tensor, key: String, label: String, trunk: Sequential, settings: DreamSettings, config: Config, context: RunContext, rows: inout [[JSONValue]]
  ) -> [String: Dream] {
    let objectives = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, dreamObjective(trunk, layer: $0.name, inputScale: 4, inputOffset: -0.5)) })
    let before = objectives.mapValues { Double($0(image).value) }
    var dreams: [String: Dream] = [:]
    for (layer, layerLabel) in layers {
      var rng = context.rng.derived("\(key).\(layer)")
      let (dreamed, octaves) = context.timed("dream") { deepDream(image, objective: objectives[layer]!, settings: settings, using: &rng) }
      var d = Dream(image: dreamed, octaves: octaves)
      for (other, _) in layers { d.gain[other] = Double(objectives[other]!(dreamed).value) / before[other]! }
      let change = dreamed - image
      d.lowShare = lowPassShare(change, sigma: config.lowPassSigma)
      d.meanChange = change.scalars.reduce(0.0) { $0 + Double(abs($1)) } / Double(change.count)
      d.contentCorrelation = contentCorrelation(change, image)
      d.topDecileShare = topDecileShare(change)
      var gains: [Double] = []
      for (k, o) in octaves.enumerated() {
        let n = units(trunk, layer: layer, shape: [1, 3, o.height, o.width])
        let gain = Double(o.end) / Double(o.start)
        gains.append(gain)
        context.record("\(key).\(layer).octave\(k).gain", gain, format: ".2f")
        rows.append([
          .string(label), .string(layerLabel), .number(Double(k + 1)), .string("\(o.height) × \(o.width)"), .number(rms(o.base, units: n)),
          .number(rms(o.start, units: n)), .number(rms(o.end, units: n)), .number(gain),
        ])
      }
      context.record("\(key).\(layer).minOctaveGain", gains.min()!, format: ".2f")
      context.record("\(key).\(layer).firstOctaveGain", gains.first!, format: ".2f")
      context.record("\(key).\(layer).lastOctaveGain", gains.last!, format: ".2f")
      for (other, _) in layers { context.record("\(key).\(layer).gain.\(other)", d.gain[other]!, format: ".2f") }
      context.record("\(key).\(layer).lowShare", d.lowShare, format: ".3f")
      context.record("\(key).\(layer).meanChange", d.meanChange, format: ".3f")
      context.record("\(key).\(layer).contentCorrelation", d.contentCorrelation, format: ".2f")
      context.record("\(key).\(layer).topDecileShare", d.topDecileShare, format: ".2f")
      dreams[layer] = d
    }
    // The dreamed layer gains most at itself: diagonal over the largest off-diagonal gain.
    for (layer, _) in layers {
      let own = dreams[layer]!.gain[layer]!
      let others = layers.filter { $0.name != layer }.map { dreams[$0.name]!.gain[layer]! }
      context.record("\(key).\(layer).ownOverOthers", own / others.max()!, format: ".2f")
    }
    return dreams
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the trunk of the scene classifier, a photo, a detection scene.
    let net = try context.timed("load network") { try context.model(SceneClassifier(profile: context.profile)).network }
    let trunk = net.trunk
    let photo = resized(try context.sampleImage(photoName).rgb.tensor, side: config.photoSide)
    let items = try context.fashionMNIST(.test)
    let detection = SceneSets.scenes("detection", .test, count: 20, source: items, runSeed: context.seed)
    let sceneIndex = detection.objects.firstIndex { $0.count >= 3 } ?? 0
    let scene = detection.images.gather([sceneIndex])
    // The smallest octave must hold conv3's receptive field (18 px) for relu3 to have an output.
    for (side, settings) in [(config.photoSide, config.dream), (scene.shape[2], config.dream), (LocalizationNetwork.inputSize, config.sceneDream)] {
      let smallest = octaveSizes(height: side, width: side, octaves: settings.octaves, scale: settings.octaveScale).last!.height
      precondition(smallest >= 18, "deepdream config: a \(side) px image in \(settings.octaves) octaves of \(settings.octaveScale) shrinks to \(smallest) px, below conv3's 18 px field")
    }
    context.record("photoSide", config.photoSide)
    context.record("sceneSide", scene.shape[2])
    context.record("sceneObjects", detection.objects[sceneIndex].count)
    context.record("octaves", config.dream.octaves)
    context.record("octaveScale", config.dream.octaveScale, format: ".1f")
    context.record("iterations", config.dream.iterations)
    context.record("stepSize", Double(config.dream.stepSize), format: ".3f")
    context.record("stepSize255", Double(config.dream.stepSize) * 255, format: ".2f")
    context.record("jitter", config.dream.jitter)
    context.record("lowPassSigma", config.lowPassSigma, format: ".0f")

    // 2. Dream the photo and the scene at each layer.
    var rows: [[JSONValue]] = []
    let photoDreams = dreamAll(photo, key: "photo", label: "photo", trunk: trunk, settings: config.dream, config: config, context: context, rows: &rows)
    let sceneDreams = dreamAll(scene, key: "scene", label: "scene", trunk: trunk, settings: config.dream, config: config, context: context, rows: &rows)
    context.table(
      "octaves", caption: "Per octave (1 = coarsest): the RMS activation of the dreamed layer at the octave's base (the original at that size), at its start (with the coarser octaves' detail) and at its end, and the objective's gain end / start.",
      columns: ["image", "dreamed layer", "octave", "size", "RMS at base", "RMS at start", "RMS at end", "gain ½‖a‖² end / start"],
      formats: ["", "", "d", "", ".3f", ".3f", ".3f", ".2f"], rows: rows)
    var crossRows: [[JSONValue]] = []
    for (key, dreams) in [("photo", photoDreams), ("scene", sceneDreams)] {
      for (layer, label) in layers {
        let d = dreams[layer]!
        crossRows.append([.string(key), .string(label)] + layers.map { .number(d.gain[$0.name]!) } + [.number(d.meanChange), .number(d.contentCorrelation), .number(d.lowShare), .number(d.topDecileShare)])
      }
    }
    context.table(
      "crossLayer", caption: "The whole dream at each layer: the gain of ½‖a‖² at every layer (full size, no jitter); the mean absolute pixel change; its correlation with the original (minus its channel means); the share of its energy surviving a Gaussian low-pass; the share held by its 10% most changed pixels.",
      columns: ["image", "dreamed layer"] + layers.map { "gain at \($0.label)" } + ["mean |change|", "correlation of the change with the original", "low-pass share of the change", "top-10% pixels' share of the change"],
      formats: ["", ""] + layers.map { _ in ".2f" } + [".3f", ".2f", ".3f", ".2f"], rows: crossRows)
    for key in ["photo", "scene"] {
      let dreams = key == "photo" ? photoDreams : sceneDreams
      let shares = layers.map { dreams[$0.name]!.lowShare }
      context.record("\(key).lowShareRises", zip(shares, shares.dropFirst()).allSatisfy { $0 < $1 } ? 1 : 0)
      context.record("\(key).minOctaveGain", layers.map { dreams[$0.name]!.octaves.map { Double($0.end / $0.start) }.min()! }.min()!, format: ".2f")
    }

    // 3. The classifier's read-out: 48 px scenes dreamed at conv3.
    let readout = try classifierReadout(net, items: items, config: config, context: context)

    // 4. Figures.
    try context.figure("photo-dreams", caption: "The photo and its dreams at conv1, conv2 and conv3 of the scene trunk (top); the change each dream made, mid-grey = no change, contrast stretched per panel (bottom).",
      dreamsFigure(photo, photoDreams, panel: 230))
    try context.figure("scene-dreams", caption: "A 128 px detection test scene and its dreams at each layer (top); the changes (bottom).", dreamsFigure(scene, sceneDreams, panel: 230))
    try context.figure("activation-per-step", caption: "RMS activation of the dreamed layer before each step, relative to the original at that octave's size; dashed lines separate the octaves (coarse to fine).",
      stepsFigure(["photo": photoDreams, "scene": sceneDreams], units: { key, layer, o in units(trunk, layer: layer, shape: [1, 3, o.height, o.width]) }))
    try context.figure("readout", caption: "48 px test scenes before (top) and after (bottom) a dream at conv3, with the classifier's top class and its probability.", readoutFigure(readout, count: min(8, readout.before.shape[0])))
  }

  struct Readout {
    var before: Tensor, after: Tensor
    var predictedBefore: [Int], predictedAfter: [Int], probabilityBefore: [Double], probabilityAfter: [Double]
  }

  // snippet.readout
  /// Dreams 48 px scenes at relu3 and records how the classifier's scores move.
  static func classifierReadout(_ net: LocalizationNetwork, items: FashionMNIST, config: Config, context: RunContext) throws -> Readout {
    let scenes = SceneSets.scenes("localization", .test, count: config.classifiedScenes, source: items, runSeed: context.seed)
    var rng = context.rng.derived("readout")
    let objective = dreamObjective(net.trunk, layer: "relu3", inputScale: 4, inputOffset: -0.5)
    let dreamed = context.timed("dream") { deepDream(scenes.images, objective: objective, settings: config.sceneDream, using: &rng).image }
    let classify = net.classificationNetwork
    let before = classify.forward(LocalizationNetwork.normalized(scenes.images), mode: .test)
    let after = classify.forward(LocalizationNetwork.normalized(dreamed), mode: .test)
    // snippet.end
    let n = scenes.count, k = LocalizationNetwork.classes
    let top = before.argmaxRows(), topAfter = after.argmaxRows()
    var topGain = 0.0, otherGain = 0.0, pBefore: [Double] = [], pAfter: [Double] = [], pTopAfter: [Double] = []
    var correctBefore = 0, correctAfter = 0
    for i in 0..<n {
      let row = { (t: Tensor) in (0..<k).map { Double(t.scalars[i * k + $0]) } }
      let (lb, la) = (row(before), row(after))
      topGain += (la[top[i]] - lb[top[i]]) / Double(n)
      otherGain += (0..<k).filter { $0 != top[i] }.reduce(0.0) { $0 + la[$1] - lb[$1] } / Double((k - 1) * n)
      let softmax = { (l: [Double]) -> [Double] in
        let m = l.max()!
        let e = l.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
      }
      let (sb, sa) = (softmax(lb), softmax(la))
      pBefore.append(sb[top[i]])
      pAfter.append(sa[topAfter[i]])
      pTopAfter.append(sa[top[i]])
      let label = scenes.objects[i][0].label
      if top[i] == label { correctBefore += 1 }
      if topAfter[i] == label { correctAfter += 1 }
    }
    let kept = zip(top, topAfter).filter { $0 == $1 }.count
    let counts = (0..<k).map { c in topAfter.filter { $0 == c }.count }
    let dominant = counts.indices.max { counts[$0] < counts[$1] }!
    let countsBefore = (0..<k).map { c in top.filter { $0 == c }.count }
    context.record("readout.dominantShareAfter", Double(counts[dominant]) / Double(n), format: ".0%")
    context.record("readout.dominantShareBefore", Double(countsBefore.max()!) / Double(n), format: ".0%")
    context.table(
      "readoutClasses", caption: "How many of the 48 px scenes the classifier puts in each class, before and after the dream at conv3.",
      columns: ["class", "before", "after"], formats: ["", "d", "d"],
      rows: (0..<k).map { [.string(FashionMNIST.classNames[$0]), .number(Double(countsBefore[$0])), .number(Double(counts[$0]))] })
    context.record("readout.maxProbabilityAfter", pAfter.reduce(0, +) / Double(n), format: ".3f")
    context.record("readout.scenes", n)
    context.record("readout.octaves", config.sceneDream.octaves)
    context.record("readout.kept", kept)
    context.record("readout.keptShare", Double(kept) / Double(n), format: ".0%")
    context.record("readout.topLogitGain", topGain, format: ".2f")
    context.record("readout.otherLogitGain", otherGain, format: ".2f")
    context.record("readout.topProbabilityBefore", pBefore.reduce(0, +) / Double(n), format: ".3f")
    context.record("readout.topProbabilityAfter", pTopAfter.reduce(0, +) / Double(n), format: ".3f")
    context.record("readout.accuracyBefore", Double(correctBefore) / Double(n), format: ".0%")
    context.record("readout.accuracyAfter", Double(correctAfter) / Double(n), format: ".0%")
    return Readout(before: scenes.images, after: dreamed, predictedBefore: top, predictedAfter: topAfter, probabilityBefore: pBefore, probabilityAfter: pAfter)
  }
}
