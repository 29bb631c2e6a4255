// Seeded shuffling and batching: one permutation per epoch from the
// generator passed in (Fisher-Yates), batches in that order, the last one
// possibly smaller. Same seed, same batches.
import Tensor

public struct Batch: Sendable {
  public var images: Tensor  // (B, ...)
  public var labels: [Int]
}

/// A uniformly random permutation of 0..<n (Fisher-Yates, from the last
/// position down, drawing `nextInt(below: i + 1)`): the one shuffle of the project.
public func seededPermutation(_ n: Int, using rng: inout SplitMix64) -> [Int] {
  var order = Array(0..<n)
  for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
  return order
}

public func shuffledBatches(images: Tensor, labels: [Int], batchSize: Int, using rng: inout SplitMix64) -> [Batch] {
  precondition(images.shape[0] == labels.count, "shuffledBatches: \(images.shape[0]) images, \(labels.count) labels")
  precondition(batchSize > 0, "shuffledBatches: batch size \(batchSize) must be positive")
  let order = seededPermutation(labels.count, using: &rng)
  return stride(from: 0, to: order.count, by: batchSize).map { start in
    let indices = Array(order[start..<min(start + batchSize, order.count)])
    return Batch(images: images.gather(indices), labels: indices.map { labels[$0] })
  }
}
