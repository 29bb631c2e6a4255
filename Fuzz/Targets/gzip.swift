// libFuzzer target: GzipFile.read (zlib's gzopen/gzread) on a file holding
// the input, then its CRC. Corrupt or truncated data must be a DatasetError.
import Foundation
@testable import Datasets

// (in memory when /dev/shm exists: a shared disk made each execution wait on I/O)
let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
let path = scratch.appendingPathComponent("convnotes-fuzz-gzip-\(getpid()).gz").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count))
  if let bytes = try? GzipFile.read(path, hint: "fuzz") { _ = GzipFile.crc32Hex(bytes) }
  return 0
}
