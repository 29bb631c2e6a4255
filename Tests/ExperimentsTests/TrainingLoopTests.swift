// The one training loop: each epoch visits every example once, in the
// order of the seeded permutation that shuffledBatches uses, and the cosine
// schedule matches its formula at hand-computed points.
import Datasets
import Foundation
import Layers
import TestSupport
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
    } afterEpoch: { epoch, _ in epochsEnded.append(epoch) }
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

  /// A run stopped after epoch 1 and resumed from its checkpoint ends with the
  /// same bits as a run that was never stopped (weights, momentum, batches).
  @Test func aResumedRunEqualsAnUninterruptedOne() throws {
    struct Stop: Error {}
    struct Curve: Codable { var losses: [Float] = [] }
    var data = SplitMix64(seed: 3)
    let x = Tensor.randomUniform(shape: [24, 5], low: -1, high: 1, using: &data)
    let labels = (0..<24).map { $0 % 3 }
    func train(_ net: Sequential, checkpoint: TrainingCheckpoint<Curve>?, stopAfter: Int? = nil) throws -> Curve {
      var rng = SplitMix64(seed: 9)
      var sgd = SGD(learningRate: 0.1, momentum: 0.9)
      var curve = Curve(), first = 1
      if let saved = checkpoint?.restore(into: &sgd) { (rng, curve, first) = (saved.rng, saved.state, saved.epoch + 1) }
      let loop = TrainingLoop(label: "resume", examples: 24, batchSize: 5, epochs: 3, showsProgress: false)
      try loop.run(using: &rng, from: first) { step in
        sgd.learningRate = LearningRateSchedule.cosine(0.1, step: step.index, total: step.totalSteps)
        let (loss, _) = trainStep(net, images: x.gather(step.indices), labels: step.indices.map { labels[$0] }, optimizer: &sgd)
        curve.losses.append(loss)
        return .init(loss: loss)
      } afterEpoch: { epoch, generator in
        try checkpoint?.save(epoch: epoch, rng: generator, optimizer: sgd, state: curve)
        if epoch == stopAfter { throw Stop() }
      }
      return curve
    }
    func makeNet() -> Sequential {
      var rng = SplitMix64(seed: 1)
      return Sequential([Linear(name: "fc1", inputs: 5, outputs: 8, using: &rng), ReLU(name: "relu"), Linear(name: "fc2", inputs: 8, outputs: 3, using: &rng)])
    }
    let straight = makeNet()
    let straightCurve = try train(straight, checkpoint: nil)

    let url = TestSupport.temporaryURL("checkpoint", extension: ".safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let stopped = makeNet()
    #expect(throws: Stop.self) { try train(stopped, checkpoint: TrainingCheckpoint(url: url, network: stopped), stopAfter: 1) }
    let resumed = makeNet()  // a new process: fresh weights, optimizer and generator
    let resumedCurve = try train(resumed, checkpoint: TrainingCheckpoint(url: url, network: resumed))
    #expect(resumedCurve.losses == straightCurve.losses)
    #expect(resumed.namedTensors.map(\.tensor) == straight.namedTensors.map(\.tensor))
    // A corrupt checkpoint is ignored: training starts over.
    try Data("not a checkpoint".utf8).write(to: url)
    var sgd = SGD(learningRate: 0.1)
    #expect(TrainingCheckpoint<Curve>(url: url, network: makeNet()).restore(into: &sgd) == nil)
  }
}
