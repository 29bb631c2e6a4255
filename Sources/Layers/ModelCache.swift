// A content-addressed cache of trained networks: a net is trained once and
// every experiment that needs it loads it. The key is a hash of everything
// that made the weights (the caller's config, data checksums and code
// fingerprint); a file that fails to parse or whose hash does not match is
// deleted and reported as missing, so the caller retrains instead of
// trusting it. Writes are atomic (temporary name, then rename).
import Foundation
import Support
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

public struct ModelCache: Sendable {
  public var folder: URL

  public init(folder: URL) { self.folder = folder }

  public func url(for key: String) -> URL { folder.appendingPathComponent("\(key).safetensors") }

  /// Loads `key` into `network`; returns its metadata, or nil when missing or corrupt.
  public func load(_ key: String, into network: Sequential, log: (String) -> Void = { _ in }) -> [String: String]? {
    let url = url(for: key)
    guard let data = try? Data(contentsOf: url) else { return nil }
    do {
      let (tensors, metadata) = try SafeTensors.decode(data, path: url.path)
      try network.load(tensors, path: url.path)
      return metadata
    } catch {
      log("model cache: \(error); retraining")
      try? FileManager.default.removeItem(at: url)
      return nil
    }
  }

  public func save(_ key: String, network: Sequential, metadata: [String: String]) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = url(for: key)
    let temporary = folder.appendingPathComponent(".\(key).\(ProcessInfo.processInfo.processIdentifier).tmp")
    try SafeTensors.encode(network.namedTensors, metadata: metadata).write(to: temporary)
    if rename(temporary.path, url.path) != 0 {
      try? FileManager.default.removeItem(at: temporary)
      throw SafeTensorsError(path: url.path, message: "cannot move the model file in place (\(String(cString: strerror(errno))))")
    }
  }

  /// A stable key from the parts that made a model, and the matrix-product
  /// kernel that trained it (their last bits differ).
  public static func key(_ parts: [String]) -> String {
    fnv1a64Hex((parts + ["gemm \(BLAS.gemmKernel)"]).joined(separator: "\u{1F}").utf8)
  }
}
