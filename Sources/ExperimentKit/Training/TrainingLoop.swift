// The one training loop: epochs of seeded shuffled minibatches with progress.
//
// Each epoch draws one permutation of the examples (`seededPermutation`,
// Fisher-Yates) from the generator it is given and visits it in batches of
// `batchSize` (the last one possibly smaller). `step` trains on one batch and
// reports its loss and how many predictions were right; `afterEpoch` runs at
// the end of every epoch (test accuracy, curves). The same generator state
// gives the same batches, so a model trained twice has the same bits.
import Datasets
import Tensor

public struct TrainingLoop {
  /// One batch of one epoch.
  public struct Step {
    /// 1-based.
    public let epoch: Int
    /// 0-based over the whole run (what a schedule reads).
    public let index: Int
    public let totalSteps: Int
    /// Which examples form the batch.
    public let indices: [Int]
  }

  /// What a step reports: its loss, and (for classifiers) right predictions out of `counted`.
  public struct Report {
    public var loss: Float
    public var correct: Int
    public var counted: Int
    public init(loss: Float, correct: Int = 0, counted: Int = 0) { (self.loss, self.correct, self.counted) = (loss, correct, counted) }
  }

  public var label: String
  public var examples: Int
  public var batchSize: Int
  public var epochs: Int
  /// Print the progress line (stderr).
  public var showsProgress: Bool

  public init(label: String, examples: Int, batchSize: Int, epochs: Int, showsProgress: Bool = true) {
    precondition(batchSize > 0, "TrainingLoop \(label): batch size \(batchSize) must be positive")
    (self.label, self.examples, self.batchSize, self.epochs, self.showsProgress) = (label, examples, batchSize, epochs, showsProgress)
  }

  public var stepsPerEpoch: Int { (examples + batchSize - 1) / batchSize }
  public var totalSteps: Int { stepsPerEpoch * max(epochs, 0) }

  /// Runs every epoch; `step` trains on one batch.
  public func run(using rng: inout SplitMix64, step: (Step) -> Report) {
    run(using: &rng, step: step, afterEpoch: { _, _ in })
  }

  /// Runs every epoch from `firstEpoch` (later than 1 when resuming from a
  /// checkpoint, with the generator saved there); `step` trains on one batch,
  /// `afterEpoch` sees each epoch's end with the generator's state then (what
  /// a checkpoint saves to resume from the next epoch).
  public func run(
    using rng: inout SplitMix64, from firstEpoch: Int = 1, step: (Step) throws -> Report,
    afterEpoch: (_ epoch: Int, _ generator: SplitMix64) throws -> Void
  ) rethrows {
    guard epochs > 0, firstEpoch <= epochs else { return }
    let progress = showsProgress ? TrainingProgress(label: label, totalSteps: totalSteps) : nil
    var index = (firstEpoch - 1) * stepsPerEpoch, seen = 0
    for epoch in firstEpoch...epochs {
      let order = seededPermutation(examples, using: &rng)
      var correct = 0, counted = 0
      for start in Swift.stride(from: 0, to: examples, by: batchSize) {
        let indices = Array(order[start..<min(start + batchSize, examples)])
        let report = try step(Step(epoch: epoch, index: index, totalSteps: totalSteps, indices: indices))
        index += 1
        seen += indices.count
        correct += report.correct
        counted += report.counted
        progress?.update(
          epoch: epoch, epochs: epochs, step: index, loss: report.loss, accuracy: counted > 0 ? Double(correct) / Double(counted) : 0,
          images: seen)
      }
      try afterEpoch(epoch, rng)
    }
  }
}
