// libFuzzer target: the IDX header of Fashion-MNIST (FashionMNIST.idxHeader),
// as an image file (magic 0x0803, 3 dimensions) and a label file (0x0801, 1).
// Any input must give dimensions or a DatasetError, never a trap.
import Foundation
@testable import Datasets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  _ = try? FashionMNIST.idxHeader(bytes, magic: 0x0803, dimensions: 3, file: "fuzz-images")
  _ = try? FashionMNIST.idxHeader(bytes, magic: 0x0801, dimensions: 1, file: "fuzz-labels")
  return 0
}
