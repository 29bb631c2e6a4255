// One step of supervised training and batched evaluation, shared by every
// experiment that trains a classifier and by the benchmark.
import Tensor

/// Forward, softmax cross-entropy, backward, optimizer step. Returns the
/// batch loss and the number of correct predictions.
@discardableResult
public func trainStep(
  _ net: Sequential, images: Tensor, labels: [Int], optimizer: inout some Optimizer
) -> (loss: Float, correct: Int) {
  var trace = Trace(fusingReLUPool: true)
  let logits = net.forward(images, mode: .train, trace: &trace)
  let (loss, dlogits) = softmaxCrossEntropy(logits: logits, labels: labels)
  net.zeroGrad()
  trace.backward(seeds: [net.outputName: dlogits], inputGradient: false)
  optimizer.step(net.parameters)
  let correct = zip(logits.argmaxRows(), labels).filter { $0 == $1 }.count
  return (loss, correct)
}

/// Predicted classes of `images` (N, ...) in test mode, `batchSize` at a time.
public func predict(_ net: Sequential, images: Tensor, batchSize: Int = 256) -> [Int] {
  var out: [Int] = []
  let n = images.shape[0]
  for start in stride(from: 0, to: n, by: batchSize) {
    out += net.forward(images.slice(start..<min(start + batchSize, n)), mode: .test).argmaxRows()
  }
  return out
}
