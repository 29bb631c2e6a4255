// libFuzzer target: ImageFile.read on a file holding the input (PNG through
// Cairo/libpng, or binary PGM/PPM through our own reader).
import Foundation
import Plot

// (in memory when /dev/shm exists: a shared disk made each execution wait on I/O)
let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
let url = scratch.appendingPathComponent("convnotes-fuzz-image-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FileManager.default.createFile(atPath: url.path, contents: Data(bytes: start, count: count))
  if let image = try? ImageFile.read(url) { _ = image.grey; _ = image.rgb }
  return 0
}
