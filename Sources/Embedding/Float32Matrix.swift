// The input of `convnotes tsne`: a raw matrix of little-endian float32,
// row-major, rows x cols, no header (numpy's `x.astype("<f4").tofile(...)`).
// A raw file carries no shape or type, so the checks are on its size and its
// values: the size must be exactly rows * cols * 4 bytes (computed without
// overflow); a file of exactly twice that size is almost surely float64
// (numpy's default dtype) and the error says so; every value must be finite.
import Foundation

public struct MatrixFileError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var message: String
  public init(file: String, message: String) { (self.file, self.message) = (file, message) }
  public var description: String { "\(file): \(message)" }
}

public enum Float32Matrix {
  /// The byte count of a rows x cols float32 matrix, or nil if it overflows.
  public static func byteCount(rows: Int, cols: Int) -> Int? {
    guard rows >= 0, cols >= 0 else { return nil }
    let (n, o1) = rows.multipliedReportingOverflow(by: cols)
    let (bytes, o2) = n.multipliedReportingOverflow(by: 4)
    return o1 || o2 ? nil : bytes
  }

  /// The values of `data` read as rows x cols float32; throws naming `file`.
  public static func decode(_ data: Data, rows: Int, cols: Int, file: String) throws -> [Float] {
    guard let expected = byteCount(rows: rows, cols: cols) else {
      throw MatrixFileError(file: file, message: "--rows \(rows) x --cols \(cols) float32 is too large a matrix")
    }
    guard data.count == expected else {
      var message = "\(data.count) bytes, but --rows \(rows) x --cols \(cols) float32 needs \(expected)"
      if expected > 0 && data.count == 2 * expected {
        message += "; the file is exactly twice that size: is it float64? (numpy: x.astype(\"<f4\").tofile(...))"
      }
      throw MatrixFileError(file: file, message: message)
    }
    let count = expected / 4
    var values = [Float](repeating: 0, count: count)
    data.withUnsafeBytes { raw in
      values.withUnsafeMutableBufferPointer { out in
        for i in 0..<count {
          out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
      }
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw MatrixFileError(file: file, message: "value at row \(bad / cols), column \(bad % cols) is \(values[bad]), not a finite number")
    }
    return values
  }
}
