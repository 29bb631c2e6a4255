// The one training loop: each epoch visits every example once, in the
// order of the seeded permutation that shuffledBatches uses, and the cosine
// schedule matches its formula at hand-computed points.
import Datasets
import ExperimentKit
import Tensor
import Testing

struct TrainingLoopTests {
  @Test func epochsVisitTheSeededPermutationInBatches() {
    var rng = SplitMix64(seed: 7)
    var seen: [[Int]] = []
    var epochsEnded: [Int] = []
    let loop = TrainingLoop(label: "test", examples: 10, batchSize: 4, epochs: 2, showsProgress: false)
    #expect(loop.totalSteps == 6)
    loop.run(using: &rng) { step in
      #expect(step.totalSteps == 6)
      #expect(step.index == seen.count)
      seen.append(step.indices)
      return .init(loss: 0)
    } afterEpoch: { epochsEnded.append($0) }
    #expect(epochsEnded == [1, 2])
    #expect(seen.map(\.count) == [4, 4, 2, 4, 4, 2])
    // The same generator through shuffledBatches gives the same batches.
    var reference = SplitMix64(seed: 7)
    let labels = Array(0..<10)
    let images = Tensor(shape: [10, 1], scalars: labels.map(Float.init))
    let expected = (0..<2).flatMap { _ in shuffledBatches(images: images, labels: labels, batchSize: 4, using: &reference).map(\.labels) }
    #expect(seen == expected)
    for epoch in 0..<2 { #expect(Set(seen[(3 * epoch)..<(3 * epoch + 3)].joined()) == Set(0..<10)) }
  }

  @Test func zeroEpochsTrainNothing() {
    var rng = SplitMix64(seed: 1)
    var steps = 0
    TrainingLoop(label: "none", examples: 5, batchSize: 2, epochs: 0, showsProgress: false).run(using: &rng) { _ in steps += 1; return .init(loss: 0) }
    #expect(steps == 0)
  }

  @Test func cosineScheduleByHand() {
    #expect(LearningRateSchedule.cosine(0.1, step: 0, total: 100) == 0.1)
    #expect(abs(LearningRateSchedule.cosine(0.1, step: 50, total: 100) - 0.05) < 1e-7)  // cos(pi/2) = 0
    #expect(abs(LearningRateSchedule.cosine(0.1, step: 25, total: 100) - 0.1 * Float((1 + 0.5.squareRoot()) / 2)) < 1e-7)
    #expect(LearningRateSchedule.cosine(0.1, step: 100, total: 100) < 1e-9)
  }
}
