// Where one training step of the reference ConvNet spends its time: each
// step of the forward and backward pass timed on its own (best of N, the
// steps Sequential runs in training, so a ReLU feeding a max-pool is one
// fused step and the first layer computes only its parameter gradients),
// the matrix-product layers' GFLOP/s beside the machine's sgemm peak, the
// element-wise steps' memory traffic in GB/s, and the whole step against
// the sum of its parts: what is left (loss, zeroing gradients, the optimizer,
// allocation, thread hand-offs) is the overhead.
import Foundation
import Layers
import Tensor

struct LayerProfile {
  struct Row {
    var name: String
    var forwardMs: Double
    var backwardMs: Double
    /// Multiply-adds x 2 of the forward and of the backward pass (0 for element-wise steps).
    var forwardFlops: Double
    var backwardFlops: Double
    /// Bytes read and written once by an element-wise step (forward + backward).
    var bytes: Double
  }

  var rows: [Row]
  var stepMs: Double
  var repeats: Int

  var partsMs: Double { rows.map { $0.forwardMs + $0.backwardMs }.reduce(0, +) }

  /// The table the bench prints.
  func text(peak: Double, threads: Int) -> String {
    var out = "convnet, \(threads) thread(s), one training step of batch 64, by step (best of \(repeats)):\n"
    out += "  step            forward ms  backward ms   GFLOP/s  of peak   GB/s\n"
    for r in rows {
      let ms = r.forwardMs + r.backwardMs
      let flops = r.forwardFlops + r.backwardFlops
      let rate = flops > 0 ? flops / (ms / 1e3) / 1e9 : 0
      let share = flops > 0 ? String(format: "%6.0f%%", 100 * rate / peak) : "       "
      let gbs = r.bytes > 0 ? String(format: "%6.1f", r.bytes / (ms / 1e3) / 1e9) : ""
      out += "  " + r.name.padding(toLength: 14, withPad: " ", startingAt: 0)
      out += String(format: " %10.2f  %11.2f  ", r.forwardMs, r.backwardMs)
      out += (flops > 0 ? String(format: "%8.1f", rate) : "        ") + "  " + share + "  " + gbs + "\n"
    }
    let overhead = stepMs - partsMs
    out += String(format: "  sum of steps %.2f ms; whole training step %.2f ms; overhead %.2f ms (%.0f%%: loss, optimizer, zeroing, allocation)\n",
                  partsMs, stepMs, overhead, 100 * overhead / stepMs)
    return out
  }

  /// Times every step of `net`'s training pass on `x` (best of `repeats`).
  static func measure(_ net: Sequential, _ x: Tensor, labels: [Int], stepMs: Double, repeats: Int = 20) -> LayerProfile {
    var rows: [Row] = []
    var units: [(name: String, run: (Tensor) -> (Tensor, (Tensor, Bool) -> Tensor))] = []
    var shape = x.shape
    var i = 0
    while i < net.layers.count {
      let layer = net.layers[i]
      if layer is ReLU, i + 1 < net.layers.count, let pool = net.layers[i + 1] as? MaxPool2D {
        let count = Double(shape.reduce(1, *))
        let pooled = count / Double(pool.size * pool.size)
        // Forward: read x, write y and the arg-max; backward: read dy, the arg-max and x, write dx.
        rows.append(Row(name: "\(layer.name)+\(pool.name)", forwardMs: .infinity, backwardMs: .infinity, forwardFlops: 0, backwardFlops: 0,
                        bytes: 4 * (count + 2 * pooled) + 4 * (2 * pooled + 2 * count)))
        units.append((rows.last!.name, { h in
          let (y, cache) = ReLUMaxPool.forward(h, window: pool.window, layer: pool.name)
          return (y, { g, _ in ReLUMaxPool.backward(g, cache: cache, rule: .gradient) })
        }))
        shape = [shape[0], shape[1], (shape[2] - pool.size) / pool.stride + 1, (shape[3] - pool.size) / pool.stride + 1]
        i += 2
        continue
      }
      let (fwd, bwd, out) = flops(layer, input: shape, first: i == 0)
      let count = Double(shape.reduce(1, *))
      rows.append(Row(name: layer.name, forwardMs: .infinity, backwardMs: .infinity, forwardFlops: fwd, backwardFlops: bwd,
                      bytes: fwd == 0 && !(layer is Flatten) ? 4 * (2 * count + 3 * count) : 0))
      units.append((layer.name, { h in timedUnit(layer, h) }))
      shape = out
      i += 1
    }
    for _ in 0..<repeats {
      var h = x
      var pullbacks: [(Tensor, Bool) -> Tensor] = []
      for (u, unit) in units.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        let (y, pullback) = unit.run(h)
        rows[u].forwardMs = min(rows[u].forwardMs, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        pullbacks.append(pullback)
        h = y
      }
      var g = softmaxCrossEntropy(logits: h, labels: labels).gradient
      net.zeroGrad()
      for u in units.indices.reversed() {
        let start = DispatchTime.now().uptimeNanoseconds
        g = pullbacks[u](g, u == 0)
        rows[u].backwardMs = min(rows[u].backwardMs, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      }
    }
    return LayerProfile(rows: rows, stepMs: stepMs, repeats: repeats)
  }

  /// A layer's forward and pullback; the pullback of the first layer computes only parameter gradients.
  static func timedUnit<L: Layer>(_ layer: L, _ x: Tensor) -> (Tensor, (Tensor, Bool) -> Tensor) {
    let (y, cache) = layer.forward(x, mode: .train)
    return (y, { g, parametersOnly in
      if parametersOnly {
        layer.backwardParameters(g, cache: cache)
        return g
      }
      return layer.backward(g, cache: cache, rule: .gradient)
    })
  }

  /// (forward FLOPs, backward FLOPs, output shape) of a layer on an input shape.
  static func flops(_ layer: any Layer, input: [Int], first: Bool) -> (Double, Double, [Int]) {
    if let conv = layer as? Conv2D {
      let k = conv.kernelSize
      let oh = (input[2] + 2 * conv.padding - k) / conv.stride + 1
      let ow = (input[3] + 2 * conv.padding - k) / conv.stride + 1
      let f = 2 * Double(input[0] * conv.outChannels * conv.inChannels * k * k * oh * ow)
      return (f, first ? f : 2 * f, [input[0], conv.outChannels, oh, ow])
    }
    if let linear = layer as? Linear {
      let (m, d) = (linear.weight.value.shape[0], linear.weight.value.shape[1])
      let f = 2 * Double(input[0] * m * d)
      return (f, first ? f : 2 * f, [input[0], m])
    }
    if layer is Flatten { return (0, 0, [input[0], input.dropFirst().reduce(1, *)]) }
    if let pool = layer as? MaxPool2D {
      return (0, 0, [input[0], input[1], (input[2] - pool.size) / pool.stride + 1, (input[3] - pool.size) / pool.stride + 1])
    }
    return (0, 0, input)
  }
}
