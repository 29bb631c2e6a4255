// t-SNE of CNN codes vs raw pixels (van der Maaten & Hinton, JMLR 2008;
// Barnes-Hut: van der Maaten, JMLR 2014) — lecture 9's figure of images
// placed where their codes land. Chapter: chapters/17-tsne.md.
//
// Inputs: the `classifier` net (from the model cache) and Fashion-MNIST test
// images.
// Algorithm: codes = the 128 ReLU outputs of fc1; pixels = the 784 pixels
// reduced to 50 dimensions by PCA (the usual t-SNE preprocessing); both
// embedded by Embedding.TSNE with the libraries' defaults (perplexity 30,
// 1000 iterations, 250 at exaggeration 12, learning rate 200 in
// scikit-learn's convention, θ = 0.5, PCA initialization).
// Numbers: KL divergence of each map; 10-NN accuracy of each map (leave one
// out: a point's class predicted by the majority of its 10 nearest embedded
// neighbours); time vs N (measured) and its fitted growth exponent.
// Figures: scatter plots coloured by class, the image map, time vs N.
import Datasets
import Embedding
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum TSNEMaps: Experiment {
  public static let id = "tsne"
  public static let title = "t-SNE of CNN codes"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/TSNEMaps"
  public static let uses = ["Layers", "Datasets", "Embedding", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    public var points: Int
    /// Sizes timed for the growth rate.
    public var timedSizes: [Int]
    public var iterations = 1000
    /// Which split the mapped images come from: the test split holds 10,000,
    /// so larger maps take training images (which the classifier has seen).
    public var split: FashionMNIST.Split = .test
  }

  public static let full = Config(points: 5_000, timedSizes: [1_000, 2_000, 5_000, 10_000])
  public static let quick = Config(points: 1_000, timedSizes: [500, 1_000, 2_000], iterations: 500)
  public static let large = Config(points: 20_000, timedSizes: [5_000, 10_000, 20_000], split: .train)

  static func options(_ config: Config, method: RepulsionMethod = .barnesHut) -> TSNEOptions {
    var o = TSNEOptions()
    o.method = method
    o.iterations = config.iterations
    o.exaggerationIterations = min(250, config.iterations / 4)
    return o
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the classifier and test images.
    let net = try context.timed("load network") { try context.model(FashionClassifier(profile: context.profile)).network }
    let test = try context.fashionMNIST(config.split)
    let n = config.points
    guard n <= test.count else { throw ConfigError("tsne: points \(n) is more than the \(test.count) images of the \(config.split) split") }
    let images = test.images.slice(0..<n)
    let labels = Array(test.labels.prefix(n))

    // 2. Codes and pixels, embedded.
    let codes = FashionClassifier.features(net, images, layer: "relu3")
    let pixels = PCA(fitting: images.reshaped([n, 784]), components: 50).transform(images.reshaped([n, 784]))
    let codeMap = context.timed("t-SNE codes") { TSNE.embed(codes, options: options(config)) }
    let pixelMap = context.timed("t-SNE pixels") { TSNE.embed(pixels, options: options(config)) }
    let fftMap = context.timed("t-SNE codes, FFT") { TSNE.embed(codes, options: options(config, method: .fft)) }

    // 3. Numbers.
    context.record("points", n)
    context.record("iterations", config.iterations)
    context.record("codes.kl", codeMap.klDivergence, format: ".3f")
    context.record("pixels.kl", pixelMap.klDivergence, format: ".3f")
    context.record("codes.knnAccuracy", Neighbors.leaveOneOutAccuracy(codeMap.embedding, labels: labels), format: ".1%")
    context.record("pixels.knnAccuracy", Neighbors.leaveOneOutAccuracy(pixelMap.embedding, labels: labels), format: ".1%")
    context.record("codes.inputKnnAccuracy", Neighbors.leaveOneOutAccuracy(codes, labels: labels), format: ".1%")
    context.record("pixels.inputKnnAccuracy", Neighbors.leaveOneOutAccuracy(pixels, labels: labels), format: ".1%")
    // The same codes with the repulsion interpolated on a grid (FIt-SNE).
    let fftAccuracy = Neighbors.leaveOneOutAccuracy(fftMap.embedding, labels: labels)
    context.record("fft.kl", fftMap.klDivergence, format: ".3f")
    context.record("fft.klExcess", fftMap.klDivergence / codeMap.klDivergence - 1, format: ".1%")
    context.record("fft.knnAccuracy", fftAccuracy, format: ".1%")
    context.record("fft.knnDrop", Neighbors.leaveOneOutAccuracy(codeMap.embedding, labels: labels) - fftAccuracy, format: ".3f")

    // Time vs N on codes of test images, both methods (measured: noisy, never in results.json).
    var series: [(method: String, times: [(n: Int, seconds: Double)], slope: Double)] = []
    for (method, key) in [(RepulsionMethod.barnesHut, ""), (.fft, "fft.")] {
      var times: [(n: Int, seconds: Double)] = []
      for size in config.timedSizes {
        let subset = size <= n ? codes.slice(0..<size) : FashionClassifier.features(net, test.images.slice(0..<min(size, test.count)), layer: "relu3")
        let start = DispatchTime.now().uptimeNanoseconds
        _ = TSNE.embed(subset, options: options(config, method: method))
        times.append((subset.shape[0], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        context.measure("\(key)time.n\(subset.shape[0])", times.last!.seconds, unit: "s", format: ".2f")
      }
      // Least-squares slope of log(time) on log(N).
      let lx = times.map { log(Double($0.n)) }, ly = times.map { log($0.seconds) }
      let (mx, my) = (lx.reduce(0, +) / Double(lx.count), ly.reduce(0, +) / Double(ly.count))
      let slope = zip(lx, ly).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / max(lx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, 1e-12)
      context.measure("\(key)growthExponent", slope, format: ".2f")
      series.append((method == .fft ? "FFT interpolation" : "Barnes-Hut", times, slope))
    }
    if let bh = series.first?.times.last, let fft = series.last?.times.last {
      context.measure("fft.speedupLargest", bh.seconds / fft.seconds, format: ".2f")
    }
    context.record("timedSizes.largest", config.timedSizes.max() ?? 0)

    // 4. Figures.
    try context.figure("maps", caption: "t-SNE of \(n) \(config.split == .test ? "test" : "training") images: fc1 codes (left) and raw pixels after PCA to 50 dimensions (right), coloured by class.",
      mapsFigure(codes: codeMap.embedding, pixels: pixelMap.embedding, labels: labels))
    try context.figure("image-map", caption: "The codes' map with the images drawn at their embedded positions.", imageMapFigure(codeMap.embedding, images: images))
    try context.figure("time", caption: "Time of one t-SNE run vs the number of points (log-log), Barnes-Hut and FFT interpolation, each with its fitted power law.",
      timeFigure(series))
  }
}
