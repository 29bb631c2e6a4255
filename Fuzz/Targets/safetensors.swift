// libFuzzer target: SafeTensors.decode (8-byte length, JSON header, data),
// and loading the result into a small network the way ModelCache does.
import Foundation
import Layers
import Tensor

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  if let (tensors, _) = try? SafeTensors.decode(data, path: "fuzz.safetensors") {
    var rng = SplitMix64(seed: 0)
    let network = Sequential([Linear(name: "fc", inputs: 3, outputs: 2, using: &rng)])
    try? network.load(tensors, path: "fuzz.safetensors")
  }
  return 0
}
