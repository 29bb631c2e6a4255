// `convnotes tsne`: embed a user's data. Input and output are raw
// little-endian float32, row-major (N x D in, N x 2 out), so numpy's
// `x.astype("<f4").tofile(...)` and `np.fromfile(..., "<f4")` read and write them.
import ArgumentParser
import Embedding
import Foundation
import Support
import Tensor

struct TSNECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tsne",
    abstract: "Embed rows of a float32 matrix in 2-D with t-SNE (Barnes-Hut or FFT interpolation).",
    discussion: """
      Input: --rows x --cols little-endian float32 values, row-major. Output: rows x 2 float32.

      Learning rates are in scikit-learn's convention by default (openTSNE's rate is 4x larger for \
      the same step); --convention opentsne reads --learning-rate the other way.

      --method auto uses Barnes-Hut below \(RepulsionMethod.interpolationThreshold) points and FFT \
      interpolation (FIt-SNE) from there on; --interpolation-nodes 4 or 5 makes the FFT method \
      more accurate (and slower).
      """)

  @Option(help: "Input file: rows x cols little-endian float32, row-major.") var input: String
  @Option(help: "Number of rows (points).") var rows: Int
  @Option(help: "Number of columns (dimensions).") var cols: Int
  @Option(help: "Output file: rows x 2 float32.") var output: String
  @Option(help: "Perplexity (effective number of neighbours).") var perplexity: Double = 30
  @Option(help: "Gradient-descent iterations in all.") var iterations: Int = 1000
  @Option(name: .customLong("exaggeration-iterations"), help: "Of which early-exaggeration iterations.") var exaggerationIterations: Int = 250
  @Option(help: "Early exaggeration factor.") var exaggeration: Double = 12
  @Option(name: .customLong("learning-rate"), help: "Learning rate.") var learningRate: Double = 200
  @Option(help: "sklearn | opentsne: the convention of --learning-rate.") var convention: String = "sklearn"
  @Option(help: "auto | bh | fft: how the repulsive forces are computed.") var method: String = "auto"
  @Option(help: "Barnes-Hut accuracy (0: exact, quadratic).") var theta: Double = 0.5
  @Option(name: .customLong("interpolation-nodes"), help: "FFT method: interpolation nodes per box and axis (openTSNE: 3).")
  var interpolationNodes: Int = 3
  @Option(help: "Seed (of the PCA initialization's start block).") var seed: UInt64 = 0
  @Option(help: "Threads.") var threads: Int = 2
  @Flag(help: "Print a JSON summary (time, KL) instead of text.") var json = false

  func validate() throws {
    guard rows >= 4 else { throw ValidationError("--rows must be at least 4, got \(rows)") }
    guard cols >= 1 else { throw ValidationError("--cols must be at least 1, got \(cols)") }
    guard perplexity > 0, Double(rows - 1) >= perplexity else {
      throw ValidationError("--perplexity must be in (0, rows - 1 = \(rows - 1)], got \(perplexity)")
    }
    guard iterations >= 1, exaggerationIterations >= 0, exaggerationIterations <= iterations else {
      throw ValidationError("--iterations (\(iterations)) must be >= 1 and >= --exaggeration-iterations (\(exaggerationIterations))")
    }
    guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
    guard RepulsionMethod(rawValue: method) != nil else {
      throw ValidationError("--method must be one of \(RepulsionMethod.allCases.map(\.rawValue).joined(separator: ", ")), got \(method)")
    }
    guard (2...8).contains(interpolationNodes) else { throw ValidationError("--interpolation-nodes must be between 2 and 8, got \(interpolationNodes)") }
    guard theta >= 0 && theta < 2 else { throw ValidationError("--theta must be in [0, 2), got \(theta)") }
    guard ["sklearn", "opentsne"].contains(convention) else { throw ValidationError("--convention must be sklearn or opentsne, got \(convention)") }
    guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
  }

  func run() throws {
    guard let data = FileManager.default.contents(atPath: input) else { throw ValidationError("cannot read --input \(input)") }
    // Size (with the float64 hint) and finiteness: Float32Matrix names the file.
    let values: [Float]
    do { values = try Float32Matrix.decode(data, rows: rows, cols: cols, file: input) } catch let error as MatrixFileError {
      throw ValidationError(error.description)
    }
    BLAS.setThreads(threads)
    var options = TSNEOptions()
    options.perplexity = perplexity
    options.iterations = iterations
    options.exaggerationIterations = exaggerationIterations
    options.exaggeration = exaggeration
    options.learningRate = learningRate
    options.convention = convention == "sklearn" ? .sklearn : .openTSNE
    options.theta = theta
    options.method = RepulsionMethod(rawValue: method) ?? .auto
    options.interpolationNodes = interpolationNodes
    options.seed = seed
    let start = DispatchTime.now().uptimeNanoseconds
    let result = TSNE.embed(Tensor(shape: [rows, cols], scalars: values), options: options) { line in
      if !json { FileHandle.standardError.write(Data("  \(line)\n".utf8)) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    var bytes = Data(capacity: rows * 8)
    for v in result.embedding.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    try AtomicFile.write(bytes, to: URL(fileURLWithPath: output))
    if json {
      print(String(format: "{\"rows\": %d, \"cols\": %d, \"seconds\": %.3f, \"kl\": %.6f, \"threads\": %d, \"method\": \"%@\"}", rows, cols, seconds, result.klDivergence, threads, options.method.resolved(count: rows).rawValue))
    } else {
      print(String(format: "t-SNE: %d x %d -> %d x 2 in %.2f s, KL %.4f (%@)", rows, cols, rows, seconds, result.klDivergence, output))
    }
  }
}
