// Inputs the fuzz targets found (Fuzz/Targets/idx.swift, gzip.swift), kept
// as regression tests: each must be a DatasetError naming the file, not a trap.
import Foundation
import Testing

@testable import Datasets

struct IDXFuzzRegressionTests {
  /// fuzz-idx, first minute: an image header whose three sizes are 0xFFFFFFFF;
  /// their product overflowed Int (a trap) before it was compared with the size.
  @Test func aHeaderWhoseSizesOverflowIsAnError() throws {
    var bytes: [UInt8] = [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12)
    bytes += [0, 0, 1, 0, 0, 0, 0x1C, 0, 0, 0, 0x1C]
    #expect(throws: DatasetError(file: "x.gz", message: "has 27 bytes, its header promises 4294967295 x 4294967295 x 4294967295 values")) {
      try FashionMNIST.idxHeader(bytes, magic: 0x0803, dimensions: 3, file: "x.gz")
    }
    // Sizes whose product fits but not with the header added: 2^31 x 2^31 x 2 = 2^63 > Int.max.
    let edge: [UInt8] = [0, 0, 8, 3, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 2]
    #expect(throws: DatasetError.self) { try FashionMNIST.idxHeader(edge, magic: 0x0803, dimensions: 3, file: "x.gz") }
  }

  /// The sizes a real header promises still work: 2 labels, 10 bytes.
  @Test func aCompleteSmallFileStillParses() throws {
    let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 1, 9]
    #expect(try FashionMNIST.idxHeader(labels, magic: 0x0801, dimensions: 1, file: "l.gz") == [2])
    #expect(throws: DatasetError(file: "l.gz", message: "has 9 bytes, its header promises 10")) {
      try FashionMNIST.idxHeader(Array(labels.dropLast()), magic: 0x0801, dimensions: 1, file: "l.gz")
    }
  }
}
