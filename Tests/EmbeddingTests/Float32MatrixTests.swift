// The float32 matrix input of `convnotes tsne` (Float32Matrix): sizes by
// hand, the float64 hint, sizes whose byte count overflows, non-finite values.
import Foundation
import Testing

@testable import Embedding

struct Float32MatrixTests {
  func bytes(_ values: [Float]) -> Data {
    var d = Data()
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
    return d
  }

  @Test func readsLittleEndianRowMajor() throws {
    // 1.0f is 00 00 80 3F little-endian; -2.0f is 00 00 00 C0.
    let data = Data([0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
    #expect(try Float32Matrix.decode(data, rows: 1, cols: 2, file: "x") == [1, -2])
    #expect(try Float32Matrix.decode(bytes([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2, file: "x") == [1, 2, 3, 4, 5, 6])
  }

  @Test func aFloat64FileGetsTheHint() throws {
    var float64 = Data()
    for v in [1.0, 2, 3, 4, 5, 6, 7, 8] { withUnsafeBytes(of: v.bitPattern.littleEndian) { float64.append(contentsOf: $0) } }
    #expect(throws: MatrixFileError(file: "x.bin", message: "64 bytes, but --rows 4 x --cols 2 float32 needs 32; the file is exactly twice that size: is it float64? (numpy: x.astype(\"<f4\").tofile(...))")) {
      try Float32Matrix.decode(float64, rows: 4, cols: 2, file: "x.bin")
    }
    // Any other wrong size: no hint.
    #expect(throws: MatrixFileError(file: "x.bin", message: "28 bytes, but --rows 4 x --cols 2 float32 needs 32")) {
      try Float32Matrix.decode(Data(count: 28), rows: 4, cols: 2, file: "x.bin")
    }
  }

  @Test func sizesThatOverflowAreAnErrorNotATrap() throws {
    // 2^62 x 4 floats: rows * cols * 4 overflowed Int in the old `tsne` (a trap).
    #expect(Float32Matrix.byteCount(rows: 1 << 62, cols: 4) == nil)
    #expect(Float32Matrix.byteCount(rows: 1 << 30, cols: 1 << 31) == nil)  // 2^61 floats fit, 2^63 bytes do not
    #expect(Float32Matrix.byteCount(rows: 1000, cols: 50) == 200_000)
    #expect(throws: MatrixFileError(file: "x", message: "--rows 4611686018427387904 x --cols 4 float32 is too large a matrix")) {
      try Float32Matrix.decode(Data(count: 16), rows: 1 << 62, cols: 4, file: "x")
    }
  }

  @Test func theFirstNonFiniteValueIsNamedByRowAndColumn() throws {
    #expect(throws: MatrixFileError(file: "x", message: "value at row 1, column 0 is inf, not a finite number")) {
      try Float32Matrix.decode(bytes([1, 2, .infinity, .nan]), rows: 2, cols: 2, file: "x")
    }
  }
}
