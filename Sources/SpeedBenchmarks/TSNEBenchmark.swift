// The t-SNE benchmark of `convnotes bench --tsne`: the first N Fashion-MNIST
// training images, PCA to 50 dimensions, perplexity 30, 1000 iterations (250
// at exaggeration 12), learning rate 200 (scikit-learn's convention), θ = 0.5,
// at N = 5,000 and 20,000 — the setting in which scikit-learn and openTSNE
// are compared (scripts/crosscheck_tsne.py --peers runs them on the same
// input). The gradient and the Barnes-Hut sums are checked against exact ones
// in EmbeddingTests; here each run must give a finite KL and a 10-NN
// accuracy above 0.7 or the benchmark fails. Reports time, KL and the map's
// 10-NN accuracy.
import Datasets
import Embedding
import Foundation
import Tensor

public enum TSNEBenchmark {
  public static func run(sizes: [Int] = [5_000, 20_000], method: RepulsionMethod = .auto, threads: Int, folder: String = FashionMNIST.defaultFolder, log: (String) -> Void) throws -> [BenchmarkResult] {
    let train = try FashionMNIST.load(.train, folder: folder, limit: sizes.max() ?? 5_000)
    var results: [BenchmarkResult] = []
    for n in sizes {
      let pixels = train.images.slice(0..<n).reshaped([n, 784])
      let data = PCA(fitting: pixels, components: 50).transform(pixels)
      let labels = Array(train.labels.prefix(n))
      var options = TSNEOptions()
      options.iterations = 1000
      options.method = method
      let start = DispatchTime.now().uptimeNanoseconds
      let result = TSNE.embed(data, options: options)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let accuracy = Neighbors.leaveOneOutAccuracy(result.embedding, labels: labels)
      guard result.klDivergence.isFinite, accuracy > 0.7 else {
        throw BenchmarkError("t-SNE at N = \(n): KL \(result.klDivergence), 10-NN accuracy \(accuracy) (expected finite KL and accuracy > 0.7)")
      }
      log("t-SNE N = \(n): \(String(format: "%.2f s, KL %.4f, 10-NN %.4f", seconds, result.klDivergence, accuracy)) on \(threads) thread(s).")
      results.append(
        BenchmarkResult(
          name: "t-SNE (\(method.resolved(count: n) == .fft ? "FFT interpolation" : "Barnes-Hut")), N = \(n), \(threads) threads", seconds: seconds, throughput: Double(n) / seconds, unit: "points/s",
          validation: String(format: "KL %.4f, 10-NN %.3f", result.klDivergence, accuracy)))
    }
    return results
  }
}
