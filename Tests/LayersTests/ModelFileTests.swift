import TestSupport
import Foundation
import Testing

@testable import Layers
@testable import Tensor

struct ModelFileTests {
  func folder() throws -> URL {
    let url = TestSupport.temporaryURL("models")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func safetensorsLayoutByHand() throws {
    let data = SafeTensors.encode([("a", Tensor(shape: [2], scalars: [1, -2]))], metadata: ["k": "v"])
    let headerLength = Int(data[0]) | Int(data[1]) << 8
    #expect(headerLength % 8 == 0)
    let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
    #expect(header.hasPrefix("{\"__metadata__\":{\"fnv1a64\":\"") && header.contains("\"a\":{\"data_offsets\":[0,8],\"dtype\":\"F32\",\"shape\":[2]}"))
    // The body is the little-endian Float32 bytes of 1 and -2.
    #expect(Array(data.suffix(8)) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    let (tensors, metadata) = try SafeTensors.decode(data, path: "x")
    #expect(tensors["a"] == Tensor(shape: [2], scalars: [1, -2]) && metadata["k"] == "v")
  }

  @Test func networkRoundTripAndCorruptionDetection() throws {
    let cache = ModelCache(folder: try folder())
    let net = ModelZoo.fashionConvNet(seed: 3)
    try cache.save("k1", network: net, metadata: ["history": "[]"])
    let other = ModelZoo.fashionConvNet(seed: 4)
    #expect(cache.load("k1", into: other)?["history"] == "[]")
    for (a, b) in zip(net.parameters, other.parameters) { #expect(a.value == b.value) }
    #expect(cache.load("missing", into: other) == nil)
    // Flip one byte of the weights: detected, deleted, reported as missing.
    let url = cache.url(for: "k1")
    var bytes = try Data(contentsOf: url)
    bytes[bytes.count - 100] ^= 0x40
    try bytes.write(to: url)
    var messages: [String] = []
    #expect(cache.load("k1", into: other, log: { messages.append($0) }) == nil)
    #expect(!FileManager.default.fileExists(atPath: url.path))
    #expect(messages.first?.contains("corrupt") == true)
    // A truncated file too.
    try cache.save("k2", network: net, metadata: [:])
    let truncated = try Data(contentsOf: cache.url(for: "k2")).prefix(1000)
    try truncated.write(to: cache.url(for: "k2"))
    #expect(cache.load("k2", into: other) == nil)
  }

  @Test func referenceNetHasTheDocumentedParameterCount() {
    #expect(ModelZoo.fashionConvNet(seed: 0).parameterCount == 320 + 18_496 + 401_536 + 1_290)
  }

  @Test func trainingStepsReduceTheLossDeterministically() {
    func run() -> [Float] {
      let net = ModelZoo.fashionConvNet(seed: 5)
      var rng = SplitMix64(seed: 6)
      let x = Tensor.randomUniform(shape: [8, 1, 28, 28], low: 0, high: 1, using: &rng)
      let y = (0..<8).map { $0 % 10 }
      var sgd = SGD(learningRate: 0.02, momentum: 0.9)
      return (0..<6).map { _ in trainStep(net, images: x, labels: y, optimizer: &sgd).loss }
    }
    let losses = run()
    #expect(losses.last! < losses.first!)
    #expect(run() == losses)  // bit-identical with the same seed
  }
}
