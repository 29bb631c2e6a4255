// torchvision's CPU roi_align on the benchmark's own tensors, when python3
// can import torch and torchvision (a development peer; never required).
// The tensors go through raw float32 files in a temporary folder; the
// script times forward + backward (best of N, torch.set_num_threads(2)) and
// writes its forward output and input gradient back, which must agree with ours.
import Foundation
import Layers
import Support
import Tensor

enum TorchvisionPeer {
  static let script = """
    import sys, time, numpy as np, torch
    from torchvision.ops import roi_align, roi_pool
    folder, repeats, c, s, k, op = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    torch.set_num_threads(2)
    load = lambda name, shape: torch.from_numpy(np.fromfile(folder + "/" + name, dtype=np.float32).reshape(shape))
    x, rois, g = load("features.f32", (1, c, s, s)), load("rois.f32", (k, 5)), load("dout.f32", (k, c, 7, 7))
    best = float("inf")
    for _ in range(repeats):
        xs = x.clone().requires_grad_(True)
        t0 = time.perf_counter()
        if op == "align":
            out = roi_align(xs, rois, output_size=(7, 7), spatial_scale=1 / 16, sampling_ratio=2, aligned=True)
        else:
            out = roi_pool(xs, rois, output_size=(7, 7), spatial_scale=1 / 16)
        out.backward(g)
        best = min(best, time.perf_counter() - t0)
    out.detach().numpy().astype(np.float32).tofile(folder + "/out.f32")
    xs.grad.numpy().astype(np.float32).tofile(folder + "/grad.f32")
    import torchvision
    print(best, torchvision.__version__)
    """

  /// `op` is "align" (sampling_ratio 2, aligned) or "pool".
  static func run(
    _ op: String, _ w: (features: Tensor, rois: [RegionOfInterest], dout: Tensor), expected: Tensor, expectedGradient: Tensor, repeats: Int,
    log: (String) -> Void
  ) throws -> BenchmarkResult? {
    let name = "roi_\(op)"
    let folder = try PythonPeer.scratchFolder("roi")
    defer { try? FileManager.default.removeItem(at: folder) }
    try PythonPeer.write(w.features.scalars, folder.appendingPathComponent("features.f32"))
    try PythonPeer.write(w.rois.flatMap { [Float($0.batchIndex), $0.x1, $0.y1, $0.x2, $0.y2] }, folder.appendingPathComponent("rois.f32"))
    try PythonPeer.write(w.dout.scalars, folder.appendingPathComponent("dout.f32"))
    guard let parts = PythonPeer.run(
      script, arguments: [folder.path, String(repeats), String(w.features.shape[1]), String(w.features.shape[2]), String(w.rois.count), op],
      what: name, log: log)
    else { return nil }
    guard parts.count == 2, let seconds = Double(parts[0]) else {
      throw BenchmarkError("\(name): the torchvision script printed \(parts), expected seconds and a version")
    }
    func compare(_ file: String, _ ours: Tensor, _ what: String) throws -> Float {
      let theirs = try PythonPeer.read(folder.appendingPathComponent(file))
      guard theirs.count == ours.count else { throw BenchmarkError("\(name): torchvision wrote \(theirs.count) values of its \(what), expected \(ours.count)") }
      let worst = zip(theirs, ours.scalars).map { abs($0 - $1) }.max() ?? 0
      guard worst < 1e-4 else { throw BenchmarkError("\(name): torchvision's \(what) differs from ours by \(worst)") }
      return worst
    }
    let worst = try compare("out.f32", expected, "output")
    let worstGradient = try compare("grad.f32", expectedGradient, "input gradient")
    let version = String(parts[1])
    log(String(format: "\(name) (torchvision %@ CPU, 2 threads): forward + backward %.1f ms; outputs agree within %.1e, input gradients within %.1e",
               version, seconds * 1e3, worst, worstGradient))
    return BenchmarkResult(name: "\(name), same workload, torchvision \(version) CPU, 2 threads", seconds: seconds,
                           throughput: Double(w.rois.count) / seconds, unit: "RoI/s", validation: String(format: "outputs agree with ours within %.1e, input gradients within %.1e", worst, worstGradient))
  }
}
