// Reading a whole gzip file through zlib (gzopen/gzread). zlib checks the
// gzip trailer (CRC-32 and length of the uncompressed data), so a truncated
// or corrupted file is an error here, not garbage later.
import CZlib
import Foundation

public struct DatasetError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var message: String
  public init(file: String, message: String) { (self.file, self.message) = (file, message) }
  public var description: String { "\(file): \(message)" }
}

enum GzipFile {
  /// The uncompressed bytes of `path`.
  static func read(_ path: String, hint: String) throws -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw DatasetError(file: path, message: "missing (\(hint))")
    }
    guard let file = gzopen(path, "rb") else {
      throw DatasetError(file: path, message: "cannot open (\(hint))")
    }
    defer { gzclose(file) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
      if n < 0 {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
        throw DatasetError(file: path, message: "corrupt or truncated gzip data (\(message)); \(hint)")
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<Int(n)])
    }
    return out
  }

  /// CRC-32 (zlib's) of `bytes`, as 8 hex digits.
  static func crc32Hex(_ bytes: [UInt8]) -> String {
    let value = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }
}
