// Seeded shuffling and batching: one permutation per epoch from the
// generator passed in (Fisher-Yates), batches in that order, the last one
// possibly smaller. Same seed, same batches.
import Tensor

public struct Batch: Sendable {
  public var images: Tensor  // (B, ...)
  public var labels: [Int]
}

public func shuffledBatches(images: Tensor, labels: [Int], batchSize: Int, using rng: inout SplitMix64) -> [Batch] {
  precondition(images.shape[0] == labels.count, "shuffledBatches: \(images.shape[0]) images, \(labels.count) labels")
  precondition(batchSize > 0, "shuffledBatches: batch size \(batchSize) must be positive")
  var order = Array(0..<labels.count)
  for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
  return stride(from: 0, to: order.count, by: batchSize).map { start in
    let indices = Array(order[start..<min(start + batchSize, order.count)])
    return Batch(images: images.gather(indices), labels: indices.map { labels[$0] })
  }
}
