// A fingerprint of the source files that make a trained model, for its
// cache key: when the training code changes, the model is retrained. Read
// from the checkout (the working directory); outside a checkout the
// fingerprint is "no-source" and only config and data decide.
import Foundation
import Support

enum CodeFingerprint {
  /// The tensor module and the matrix-product modules under it.
  static let numericCore = ["Sources/Tensor", "Sources/Gemm", "Sources/GemmAVX2", "Sources/GemmAVX512"]

  static func of(_ paths: [String], root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String {
    var collected = Data()
    let fm = FileManager.default
    for path in paths.sorted() {
      let url = root.appendingPathComponent(path)
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
      let files = isDirectory.boolValue
        ? ((try? fm.subpathsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".swift") }.sorted().map { url.appendingPathComponent($0) }
        : [url]
      for file in files {
        collected.append(Data(file.path.dropFirst(root.path.count).utf8))
        collected.append((try? Data(contentsOf: file)) ?? Data())
      }
    }
    return collected.isEmpty ? "no-source" : fnv1a64Hex(collected)
  }
}
