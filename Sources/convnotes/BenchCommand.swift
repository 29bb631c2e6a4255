// `convnotes bench`: speed of the hot paths, validated before timed, printed
// beside the machine's sgemm peak. Never part of `swift test`.
import ArgumentParser
import ExperimentKit
import Embedding
import SpeedBenchmarks
import Tensor
import Foundation

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Time NMS, detection evaluation, sgemm, t-SNE and region proposals (validated first).")

  @Flag(help: "Print JSON.")
  var json = false

  @Option(help: "Repetitions per benchmark (the best is reported).")
  var repeats: Int = 7

  @Flag(help: "Run only the t-SNE benchmark (N = 5,000 and 20,000 Fashion-MNIST images; about a minute).")
  var tsne = false

  @Option(name: .customLong("tsne-method"), help: "With --tsne: auto | bh | fft (the repulsion method).")
  var tsneMethod: String = "auto"

  @Option(name: .customLong("tsne-sizes"), help: "With --tsne: comma-separated numbers of points.")
  var tsneSizes: String = "5000,20000"

  @Flag(help: "Run only sgemm and the ConvNet benchmarks (1 and 2 threads).")
  var convnet = false

  @Flag(help: "Run only the matrix products of one ConvNet training step, the packed kernel beside OpenBLAS (one thread).")
  var gemm = false

  @Flag(help: "Run only Selective Search (fast) on a 512 x 512 photo, beside OpenCV's when importable.")
  var proposals = false

  @Flag(help: "Run only the HOG benchmark (512 x 512 grey; beside skimage and OpenCV when python3 has them).")
  var hog = false

  @Flag(help: "Run only RoI Align forward + backward (1x256x50x50, 512 RoIs, 7x7, 2 threads), beside torchvision's CPU kernel when python3 imports it.")
  var roi = false

  func validate() throws {
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    guard [tsne, convnet, gemm, proposals, hog, roi].filter({ $0 }).count <= 1 else {
      throw ValidationError("--tsne, --convnet, --gemm, --proposals, --hog and --roi each select one benchmark; pass one of them")
    }
    guard RepulsionMethod(rawValue: tsneMethod) != nil else {
      throw ValidationError("--tsne-method must be one of \(RepulsionMethod.allCases.map(\.rawValue).joined(separator: ", ")), got \(tsneMethod)")
    }
    guard let sizes = parsedSizes, !sizes.isEmpty, sizes.allSatisfy({ $0 >= 100 && $0 <= 60_000 }) else {
      throw ValidationError("--tsne-sizes must be comma-separated counts between 100 and 60000, got \(tsneSizes)")
    }
  }

  var parsedSizes: [Int]? {
    let parts = tsneSizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    return parts.contains(nil) ? nil : parts.compactMap { $0 }
  }

  func run() throws {
    let log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    let results =
      proposals
      ? try ProposalsBenchmark.run(photo: SampleImages.url("astronaut.png"), repeats: min(repeats, 3), log: log)
      : hog
      ? try HOGBenchmark.run(repeats: repeats, log: log)
      : roi
      ? try BenchmarkSuite.roiAlign(repeats: repeats, log: log)
      : tsne
      ? try TSNEBenchmark.run(sizes: parsedSizes ?? [], method: RepulsionMethod(rawValue: tsneMethod) ?? .auto, threads: BLAS.threads, log: log)
      : gemm
      ? try BenchmarkSuite.gemmShapes(repeats: repeats, log: log)
      : convnet ? try BenchmarkSuite.convNet(repeats: repeats, log: log) : try BenchmarkSuite.runAll(repeats: repeats, log: log)
    print(json ? BenchmarkSuite.json(results) : BenchmarkSuite.table(results), terminator: "")
  }
}
