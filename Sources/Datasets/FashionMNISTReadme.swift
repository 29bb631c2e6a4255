// The benchmark table of Fashion-MNIST's own README, which Debian ships
// gzipped in the package's doc folder. Rows look like
//   |2 Conv+pooling | None | 0.916| - |[Tensorflow's doc](...) | [:link:](...)|
// and give a model, its preprocessing and its reported test accuracy.
import Foundation

public struct ReadmeBenchmark: Sendable, Equatable {
  public var model: String
  public var preprocessing: String
  public var accuracy: Double
}

public enum FashionMNISTReadme {
  public static let defaultPath = "/usr/share/doc/dataset-fashion-mnist/README.md.gz"

  /// Every row of the submitted-benchmarks table.
  public static func benchmarks(path: String = defaultPath) throws -> [ReadmeBenchmark] {
    let bytes = try GzipFile.read(path, hint: "install Debian's dataset-fashion-mnist")
    return parse(String(decoding: bytes, as: UTF8.self))
  }

  static func parse(_ text: String) -> [ReadmeBenchmark] {
    var rows: [ReadmeBenchmark] = []
    for line in text.split(separator: "\n") where line.hasPrefix("|") {
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 5, let accuracy = Double(cells[3]), accuracy > 0, accuracy <= 1 else { continue }
      rows.append(ReadmeBenchmark(model: cells[1], preprocessing: cells[2], accuracy: accuracy))
    }
    return rows
  }

  /// The best reported accuracy of rows whose model is exactly `model`.
  public static func best(_ model: String, in rows: [ReadmeBenchmark]) -> Double? {
    rows.filter { $0.model == model }.map(\.accuracy).max()
  }
}
