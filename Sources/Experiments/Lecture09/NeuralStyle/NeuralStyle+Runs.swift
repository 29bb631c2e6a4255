// The neural-style chapter's two studies after the syntheses ran: the
// texture distances (each synthesis against its source, the other texture
// and two baselines, in both nets and in the held-out patch statistics) and
// the style-transfer sweep over β/α with its trade-off numbers.
import ExperimentKit
import Foundation
import Layers
import Models
import Tensor

extension NeuralStyle {
  struct StyleResult {
    var ratio: Double
    var image: Tensor
    var terms: StyleTerms
    /// ½‖F − P‖² / ½‖P‖² at the end.
    var relativeContent: Double
    /// The style term at the end over its value at the content image.
    var relativeStyle: Double
    /// How much the objective still fell over the last 10% of the evaluations, relative to its final value.
    var lastTenthDrop: Double
  }

  // snippet.sweep
  /// For each β/α: L-BFGS from the content image on s (α ½‖F − P‖² + β Σ_l ¼‖G_l − A_l‖² / L + λ TV), α = 1,
  /// with s = 1 / (β · the style term at the content image), so the objective starts near 1 in every run
  /// (L-BFGS's curvature test and first step are absolute; s does not change the minimizer).
  static func styleSweep(_ net: Sequential, content: Tensor, style: Tensor, config: Config) -> [StyleResult] {
    let base = StyleWeights(content: 1, style: 1, tv: config.tvWeight)
    let targets = styleTargets(net, content: content, contentLayer: contentLayer, style: style, styleLayers: layers, weights: base)
    let contentNorm = 0.5 * targets.content!.dot(targets.content!)
    let styleAtContent = neuralStyle(net, content, targets: targets, weights: base).terms.style
    return config.styleRatios.map { ratio in
      let scale = 1 / (ratio * styleAtContent)
      let weights = StyleWeights(content: Float(scale), style: Float(ratio * scale), tv: Float(Double(config.tvWeight) * scale))
      let run = synthesize(neuralStyleObjective(net, targets: targets, weights: weights), from: content, iterations: config.styleIterations, memory: config.memory)
      let terms = neuralStyle(net, run.image, targets: targets, weights: weights).terms
      let v = run.values
      let drop = Double(v[Int(0.9 * Double(v.count - 1))] - v.last!) / Double(max(v.last!, 1e-30))
      return StyleResult(
        ratio: ratio, image: run.image, terms: terms, relativeContent: terms.content / contentNorm, relativeStyle: terms.style / styleAtContent, lastTenthDrop: drop)
    }
  }
  // snippet.end

  /// How many neighbouring pairs of `values` break the order (rising when `increasing`).
  static func inversions(_ values: [Double], increasing: Bool) -> Int {
    zip(values, values.dropFirst()).filter { increasing ? $1 < $0 : $1 > $0 }.count
  }

  static func styleMeasures(_ results: [String: [StyleResult]], config: Config, context: RunContext) {
    var rows: [[JSONValue]] = []
    for (net, label) in nets {
      let r = results[net]!
      for s in r {
        rows.append([.string(label), .number(s.ratio), .number(s.terms.content), .number(s.terms.style), .number(s.terms.tv), .number(s.relativeContent), .number(s.relativeStyle)])
      }
      let contents = r.map(\.relativeContent), styles = r.map(\.relativeStyle)
      context.record("style.\(net).contentInversions", inversions(contents, increasing: true))
      context.record("style.\(net).styleInversions", inversions(styles, increasing: false))
      context.record("style.\(net).maxLastTenthDrop", r.map(\.lastTenthDrop).max()!, format: ".1g")
      context.record("style.\(net).firstContent", contents.first!, format: ".3g")
      context.record("style.\(net).lastContent", contents.last!, format: ".3g")
      context.record("style.\(net).firstStyle", styles.first!, format: ".3g")
      context.record("style.\(net).lastStyle", styles.last!, format: ".3g")
      for s in r {
        let k = "style.\(net).ratio\(Int(log10(s.ratio).rounded()))"
        context.record("\(k).content", s.relativeContent, format: ".3g")
        context.record("\(k).style", s.relativeStyle, format: ".3g")
      }
    }
    context.record("style.ratios", config.styleRatios.count)
    context.record("style.minRatio", config.styleRatios.first!, format: ".0e")
    context.record("style.maxRatio", config.styleRatios.last!, format: ".0e")
    context.table(
      "tradeOff", caption: "Style transfer at the end of L-BFGS, per net and β/α (α = 1): the content term ½‖F − P‖² at relu3, the style term Σ_l ¼‖G_l − A_l‖² / 4 and the total variation, raw and relative (content over ½‖P‖²; style over its value at the content image).",
      columns: ["net", "β/α", "content ½‖F − P‖²", "style Σ ¼‖G − A‖² / L", "TV", "content, relative", "style, relative"],
      formats: ["", ".0e", ".3g", ".3g", ".3g", ".3g", ".3g"], rows: rows)
  }

  /// Records every distance of the syntheses and the baselines; the table `textureDistances`.
  static func textureMeasures(
    _ syntheses: [String: Synthesis], sources: [String: Tensor], heldOut: [String: Tensor], noise: Tensor, nets netsByKey: [String: Sequential], context: RunContext
  ) {
    let names = textures.map(\.0)
    let gram = { (net: String, x: Tensor, y: Tensor) in gramDistance(netsByKey[net]!, x, y, layers: layers, weights: weightsTexture) }
    var rows: [[JSONValue]] = []
    func row(_ what: String, _ x: Tensor, texture: String, key: String) {
      let other = names.first { $0 != texture }!
      let (src, oth) = (sources[texture]!, sources[other]!)
      let values: [(String, Double, Double)] = [
        ("gram.random", gram("random", x, src), gram("random", x, oth)), ("gram.trained", gram("trained", x, src), gram("trained", x, oth)),
        ("patch", patchCovarianceDistance(x, src), patchCovarianceDistance(x, oth)), ("histogram", histogramDistance(x, src), histogramDistance(x, oth)),
      ]
      for (m, toSource, toOther) in values {
        context.record("\(key).\(m).toSource", toSource, format: ".3g")
        context.record("\(key).\(m).toOther", toOther, format: ".3g")
      }
      rows.append([.string(texture), .string(what)] + values.flatMap { [JSONValue.number($0.1), .number($0.2)] })
    }
    for texture in names {
      row("a different crop of it", heldOut[texture]!, texture: texture, key: "baseline.\(texture).heldOut")
      row("the starting noise", noise, texture: texture, key: "baseline.\(texture).noise")
      for (net, label) in textureNets { row("synthesis, \(label)", syntheses["\(net).\(texture)"]!.image, texture: texture, key: "texture.\(net).\(texture)") }
    }
    context.table(
      "textureDistances", caption: "Distances to the source crop and to the other texture's crop: the Gram distance (mean relative squared error over relu1..relu4) in each net, and the held-out, net-free patch-covariance and histogram distances.",
      columns: ["texture", "image", "Gram, random net: to source", "to other", "Gram, trained net: to source", "to other", "patch covariance: to source", "to other", "histogram W1: to source", "to other"],
      formats: ["", ""] + Array(repeating: ".3g", count: 8), rows: rows)
    let meanOver = { (f: (String) -> Double) in names.map(f).reduce(0, +) / Double(names.count) }
    context.record("baseline.heldOut.histogramToSource", meanOver { histogramDistance(heldOut[$0]!, sources[$0]!) }, format: ".3f")
    context.record("baseline.heldOut.patchToSource", meanOver { patchCovarianceDistance(heldOut[$0]!, sources[$0]!) }, format: ".2f")
    context.record("baseline.noise.patchToSource", meanOver { patchCovarianceDistance(noise, sources[$0]!) }, format: ".2f")
    context.record("baseline.noise.histogramToSource", meanOver { histogramDistance(noise, sources[$0]!) }, format: ".3f")
    // Summaries: per net, the held-out distance to the source over a real crop's, averaged over the textures.
    for (net, _) in textureNets {
      let mean = { (f: (String) -> Double) in names.map(f).reduce(0, +) / Double(names.count) }
      let patchRatio = mean { t in patchCovarianceDistance(syntheses["\(net).\(t)"]!.image, sources[t]!) / patchCovarianceDistance(heldOut[t]!, sources[t]!) }
      for (measuring, _) in nets {
        let ratio = mean { t in gram(measuring, syntheses["\(net).\(t)"]!.image, sources[t]!) / gram(measuring, heldOut[t]!, sources[t]!) }
        context.record("texture.\(net).gram.\(measuring)OverHeldOut", ratio, format: ".3g")
      }
      let reduction = mean { t in Double(syntheses["\(net).\(t)"]!.values.last! / syntheses["\(net).\(t)"]!.values.first!) }
      context.record("texture.\(net).patchOverHeldOut", patchRatio, format: ".2f")
      context.record("texture.\(net).objectiveReduction", reduction, format: ".2e")
      context.record("texture.\(net).histogramToSource", mean { t in histogramDistance(syntheses["\(net).\(t)"]!.image, sources[t]!) }, format: ".3f")
      context.record("texture.\(net).patchToSource", mean { t in patchCovarianceDistance(syntheses["\(net).\(t)"]!.image, sources[t]!) }, format: ".2f")
    }
  }
}
