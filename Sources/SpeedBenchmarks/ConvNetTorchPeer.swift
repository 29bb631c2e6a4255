// PyTorch's CPU training and inference of the same reference ConvNet, in
// the same bench run, when python3 can import torch (a development peer;
// never required). The images, labels and our initial weights go through
// raw float32 files in a temporary folder; the script loads the weights,
// writes its logits on the first batch (which must equal ours: same network,
// same numbers), then times 7 rounds of 20 training steps (SGD with momentum
// 0.9, batch 64, softmax cross-entropy, as ours) and 3 rounds of inference,
// and prints the best round of each as images/s.
import Foundation
import Layers
import Tensor

struct TorchConvNetSpeed {
  var trainImagesPerSecond: Double
  var inferImagesPerSecond: Double
  var version: String
  var logitsDifference: Float
}

enum ConvNetTorchPeer {
  static let script = """
    import sys, time, numpy as np, torch, torch.nn as nn
    folder, threads, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    load = lambda name, shape: torch.from_numpy(np.fromfile(folder + "/" + name, dtype=np.float32).reshape(shape).copy())
    X = load("images.f32", (count, 1, 28, 28))
    Y = torch.from_numpy(np.fromfile(folder + "/labels.i64", dtype=np.int64).copy())
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    with torch.no_grad():
        for index, name in [(0, "conv1"), (3, "conv2"), (7, "fc1"), (9, "fc2")]:
            layer = net[index]
            layer.weight.copy_(load(name + ".weight.f32", tuple(layer.weight.shape)))
            layer.bias.copy_(load(name + ".bias.f32", tuple(layer.bias.shape)))
        net(X[:64]).numpy().astype(np.float32).tofile(folder + "/logits.f32")
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss = nn.CrossEntropyLoss()
    batches = count // 64
    def train():
        for b in range(batches):
            opt.zero_grad(); loss(net(X[b * 64:(b + 1) * 64]), Y[b * 64:(b + 1) * 64]).backward(); opt.step()
    def infer():
        with torch.no_grad():
            for b in range(batches): net(X[b * 64:(b + 1) * 64]).argmax(1)
    train(); infer()
    best_train, best_infer = float("inf"), float("inf")
    for _ in range(7):
        t = time.perf_counter(); train(); best_train = min(best_train, time.perf_counter() - t)
    for _ in range(3):
        t = time.perf_counter(); infer(); best_infer = min(best_infer, time.perf_counter() - t)
    print(batches * 64 / best_train, batches * 64 / best_infer, torch.__version__)
    """

  /// nil (with a log line) when python3 or torch is missing.
  static func run(net: Sequential, images: Tensor, labels: [Int], threads: Int, log: (String) -> Void) throws -> TorchConvNetSpeed? {
    let folder = try PythonPeer.scratchFolder("convnet")
    defer { try? FileManager.default.removeItem(at: folder) }
    try PythonPeer.write(images.scalars, folder.appendingPathComponent("images.f32"))
    try labels.map(Int64.init).withUnsafeBufferPointer { try Data(buffer: $0).write(to: folder.appendingPathComponent("labels.i64")) }
    for (name, parameter) in net.namedParameters {
      try PythonPeer.write(parameter.value.scalars, folder.appendingPathComponent(name + ".f32"))
    }
    guard let parts = PythonPeer.run(script, arguments: [folder.path, String(threads), String(images.shape[0])], what: "convnet", log: log)
    else { return nil }
    guard parts.count == 3, let train = Double(parts[0]), let infer = Double(parts[1]) else {
      throw BenchmarkError("convnet: the PyTorch script printed \(parts), expected two rates and a version")
    }
    let theirs = try PythonPeer.read(folder.appendingPathComponent("logits.f32"))
    let ours = net.forward(images.slice(0..<64), mode: .test)
    guard theirs.count == ours.count else { throw BenchmarkError("convnet: PyTorch wrote \(theirs.count) logits, expected \(ours.count)") }
    let worst = zip(theirs, ours.scalars).map { abs($0 - $1) }.max() ?? 0
    guard worst < 1e-3 else { throw BenchmarkError("convnet: PyTorch's logits on the same weights differ from ours by \(worst)") }
    return TorchConvNetSpeed(
      trainImagesPerSecond: train, inferImagesPerSecond: infer, version: String(parts[2]),
      logitsDifference: worst)
  }
}
