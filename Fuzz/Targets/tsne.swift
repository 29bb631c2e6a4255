// libFuzzer target: the float32 matrix input of `convnotes tsne`
// (Float32Matrix.decode). The first two bytes choose rows and cols, so sizes
// that fit, that are twice too large and that do not fit are all tried.
import Embedding
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard count >= 2 else { return 0 }
  let rows = Int(start[0]), cols = Int(start[1] & 0x3F)
  let data = Data(bytes: start + 2, count: count - 2)
  _ = try? Float32Matrix.decode(data, rows: rows, cols: cols, file: "fuzz.bin")
  _ = Float32Matrix.byteCount(rows: Int(bitPattern: UInt(start[0]) << 56), cols: rows)
  return 0
}
