// A model file cut short anywhere (a killed writer, a full disk, a copy
// interrupted) is never loaded: ModelCache reports it missing, deletes it and
// leaves the network as it was; the temporary file of a killed save is not at
// the model's name, so it is never read. And SafeTensors headers that the
// fuzz target (Fuzz/Targets/safetensors.swift) and a reading of the decoder
// found: sizes whose product overflows, negative sizes.
import TestSupport
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct ModelFileFaultTests {
  func smallNet(_ seed: UInt64) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([Linear(name: "fc", inputs: 3, outputs: 2, using: &rng)])
  }

  @Test func aModelFileCutAtAnyLengthIsNeverLoaded() throws {
    let folder = try TestSupport.temporaryFolder("model-faults")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = ModelCache(folder: folder)
    try cache.save("k", network: smallNet(1), metadata: [:])
    let whole = try Data(contentsOf: cache.url(for: "k"))
    let headerEnd = 8 + Int(whole[0]) + Int(whole[1]) << 8
    let before = smallNet(2).parameters.map { $0.value }
    // Every cut: in the length, in the header, at its end, in the data, one byte short.
    for cut in [0, 4, 8, 20, headerEnd - 1, headerEnd, headerEnd + 4, whole.count - 1] {
      try whole.prefix(cut).write(to: cache.url(for: "k"))
      let net = smallNet(2)
      #expect(cache.load("k", into: net) == nil, "a file cut at \(cut) of \(whole.count) bytes was loaded")
      #expect(net.parameters.map { $0.value } == before)
      #expect(!FileManager.default.fileExists(atPath: cache.url(for: "k").path))
    }
    // A killed save leaves only `.k.<pid>.tmp`: the key is still missing.
    try whole.prefix(headerEnd + 4).write(to: folder.appendingPathComponent(".k.12345.tmp"))
    #expect(cache.load("k", into: smallNet(2)) == nil)
  }

  func header(_ json: String) -> Data {
    var text = Data(json.utf8)
    while text.count % 8 != 0 { text.append(0x20) }
    var out = Data()
    var length = UInt64(text.count).littleEndian
    withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
    return out + text + Data(count: 16)
  }

  @Test func shapesThatOverflowOrAreNegativeAreErrorsNotTraps() throws {
    // 2^32 x 2^32 elements: the product overflowed Int (a trap) before the comparison.
    let overflow = header(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#)
    #expect(throws: SafeTensorsError.self) { try SafeTensors.decode(overflow, path: "m") }
    // 2^61 elements fit in Int, their 2^63 bytes do not.
    let bytes = header(#"{"w":{"dtype":"F32","shape":[2305843009213693952],"data_offsets":[0,16]}}"#)
    #expect(throws: SafeTensorsError.self) { try SafeTensors.decode(bytes, path: "m") }
    // -2 x -2 = 4 elements = the 16 bytes given: accepted before, a tensor of negative shape.
    let negative = header(#"{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}"#)
    do {
      _ = try SafeTensors.decode(negative, path: "m")
      Issue.record("a negative shape was accepted")
    } catch let error as SafeTensorsError {
      #expect(error.description == "m: entry `w` is not a consistent F32 tensor")
    }
    // The same entry with shape [2, 2] is fine.
    let good = header(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#)
    #expect(try SafeTensors.decode(good, path: "m").tensors["w"]?.shape == [2, 2])
  }
}
