// Model files in the safetensors format (Hugging Face): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range, then the raw little-endian data. Readable by
// PyTorch (`safetensors.torch.load_file`) and others.
//
//   {"conv1.weight": {"dtype": "F32", "shape": [32, 1, 3, 3], "data_offsets": [0, 1152]},
//    "__metadata__": {"fnv1a64": "...", ...}}
//
// We add an FNV-1a 64 hash of the data section to the metadata, so a file
// that was cut short or altered is detected on load rather than trusted.
import Foundation
import Support
import Tensor

public struct SafeTensorsError: Error, CustomStringConvertible {
  public var path: String
  public var message: String
  public var description: String { "\(path): \(message)" }
}

public enum SafeTensors {
  /// Serializes named F32 tensors (in the given order) with string metadata.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> Data {
    var body = Data()
    var header: [String: Any] = [:]
    for (name, tensor) in tensors {
      let begin = body.count
      tensor.scalars.withUnsafeBufferPointer { body.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
      header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [begin, body.count]]
    }
    var meta = metadata
    meta["fnv1a64"] = fnv1a64(body)
    header["__metadata__"] = meta
    var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
    while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces, as the reference writer does
    var out = Data()
    var length = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
    out.append(json)
    out.append(body)
    return out
  }

  /// Parses a file; throws on any inconsistency (bad header, out-of-range
  /// offsets, wrong dtype, a hash that does not match the data).
  public static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    func fail(_ message: String) -> SafeTensorsError { SafeTensorsError(path: path, message: message) }
    guard data.count >= 8 else { throw fail("shorter than the 8-byte header length") }
    let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard length <= UInt64(data.count - 8) else { throw fail("header length \(length) exceeds the file") }
    let headerEnd = 8 + Int(length)
    guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any] else {
      throw fail("header is not a JSON object")
    }
    let body = data.subdata(in: headerEnd..<data.count)
    let metadata = header["__metadata__"] as? [String: String] ?? [:]
    if let expected = metadata["fnv1a64"], expected != fnv1a64(body) {
      throw fail("data hash \(fnv1a64(body)) differs from the recorded \(expected): the file is corrupt")
    }
    var tensors: [String: Tensor] = [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
        offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body.count,
        let count = elementCount(shape), offsets[1] - offsets[0] == 4 * count
      else { throw fail("entry `\(name)` is not a consistent F32 tensor") }
      var scalars = [Float](repeating: 0, count: count)
      scalars.withUnsafeMutableBytes { dst in
        body.withUnsafeBytes { src in
          dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offsets[0]..<offsets[1]]))
        }
      }
      tensors[name] = Tensor(shape: shape, scalars: scalars)
    }
    return (tensors, metadata)
  }

  /// The number of elements of `shape`, or nil if a size is negative or the
  /// byte count (4 per element) overflows: such a header describes no file.
  static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, p <= Int.max / 4 else { return nil }
      count = p
    }
    return count
  }

  /// FNV-1a 64 of a file's data section, as 16 hex digits.
  public static func fnv1a64(_ data: Data) -> String {
    data.withUnsafeBytes { fnv1a64Hex($0) }
  }
}

extension Sequential {
  /// The parameters as named tensors, in layer order.
  public var namedTensors: [(name: String, tensor: Tensor)] {
    namedParameters.map { ($0.name, $0.parameter.value) }
  }

  /// Copies tensors into the parameters; throws if a name or shape is missing or differs.
  public func load(_ tensors: [String: Tensor], path: String) throws {
    for (name, parameter) in namedParameters {
      guard let t = tensors[name] else { throw SafeTensorsError(path: path, message: "no tensor `\(name)`") }
      guard t.shape == parameter.value.shape else {
        throw SafeTensorsError(path: path, message: "`\(name)` has shape \(t.shape), the network expects \(parameter.value.shape)")
      }
    }
    for (name, parameter) in namedParameters { if let t = tensors[name] { parameter.value = t } }
  }
}
