// The Fashion-MNIST ConvNet that the visualization chapters study.
// Chapter: chapters/01-classifier.md.
//
// Inputs: Fashion-MNIST from Debian's dataset-fashion-mnist (checksummed).
// Algorithm: ModelZoo.fashionConvNet trained with SGD + momentum + weight
// decay, cosine learning-rate decay, batch 64, seeded shuffling; cached as a
// .safetensors file keyed by config, data checksums and training code, so a
// second run (and every chapter that needs the net) loads it in seconds.
// Numbers: test accuracy overall and per class, the confusion matrix, the
// README's reported accuracies beside ours.
// Figures: training curves, confusion matrix, first-layer filters, mistakes.
import Datasets
import Foundation
import Layers
import Plot
import Tensor

public enum Classifier: Experiment {
  public static let id = "classifier"
  public static let title = "A ConvNet for Fashion-MNIST"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let dataFiles = Array(FashionMNIST.expected.keys).sorted()

  public struct Config: Codable, Sendable {
    public var trainImages: Int
    public var testImages: Int
    public var epochs: Int
    public var batchSize = 64
    public var learningRate: Float = 0.03
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    public var netSeed: UInt64 = 1
    /// The test accuracy this profile must reach (the 91% for full).
    public var accuracyBar: Double
  }

  public static let full = Config(trainImages: 60_000, testImages: 10_000, epochs: 6, accuracyBar: 0.91)
  public static let quick = Config(trainImages: 8_000, testImages: 2_000, epochs: 2, accuracyBar: 0.78)

  /// What training produced, saved beside the weights so a cached load reports the same numbers.
  struct History: Codable {
    var lossSteps: [Int] = []
    var losses: [Float] = []
    var epochTrainAccuracy: [Double] = []
    var epochTestAccuracy: [Double] = []
  }

  /// The trained network (from the cache when possible) and its history.
  static func trainedNetwork(_ config: Config, context: RunContext, train: FashionMNIST, test: FashionMNIST) throws -> (Sequential, History) {
    let net = ModelZoo.fashionConvNet(seed: config.netSeed)
    let configJSON = String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self)
    let key = ModelCache.key([
      "classifier", configJSON, "seed \(context.seed)", "threads \(context.threads)",
      train.checksums.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
      CodeFingerprint.of(["Sources/Layers", "Sources/Experiments/Classifier.swift"] + CodeFingerprint.numericCore),
    ])
    if let metadata = context.modelCache.load(key, into: net, log: context.log),
      let history = metadata["history"].flatMap({ try? JSONDecoder().decode(History.self, from: Data($0.utf8)) })
    {
      context.note("model", "loaded from \(context.modelCache.url(for: key).path)")
      return (net, history)
    }
    context.note("model", "trained, saved to \(context.modelCache.url(for: key).path)")
    var history = History()
    var rng = SplitMix64(seed: context.seed).derived("classifier.shuffle")
    let stepsPerEpoch = (train.count + config.batchSize - 1) / config.batchSize
    let totalSteps = stepsPerEpoch * config.epochs
    let progress = TrainingProgress(label: "classifier", totalSteps: totalSteps)
    var sgd = SGD(learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay)
    var step = 0
    var seen = 0
    for epoch in 1...config.epochs {
      var correct = 0, count = 0
      var windowLoss: Float = 0, windowCount = 0
      for batch in shuffledBatches(images: train.images, labels: train.labels, batchSize: config.batchSize, using: &rng) {
        // Cosine decay from the initial rate to zero over the run.
        sgd.learningRate = config.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(totalSteps))))
        let (loss, right) = trainStep(net, images: batch.images, labels: batch.labels, optimizer: &sgd)
        step += 1
        seen += batch.labels.count
        correct += right
        count += batch.labels.count
        windowLoss += loss
        windowCount += 1
        if windowCount == 25 || step == totalSteps {
          history.lossSteps.append(step)
          history.losses.append(windowLoss / Float(windowCount))
          windowLoss = 0
          windowCount = 0
        }
        progress.update(epoch: epoch, epochs: config.epochs, step: step, loss: loss, accuracy: Double(correct) / Double(count), images: seen)
      }
      history.epochTrainAccuracy.append(Double(correct) / Double(count))
      let predictions = predict(net, images: test.images)
      history.epochTestAccuracy.append(Double(zip(predictions, test.labels).filter { $0 == $1 }.count) / Double(test.count))
    }
    let historyJSON = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
    try context.modelCache.save(key, network: net, metadata: ["history": historyJSON, "config": configJSON])
    return (net, history)
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs.
    let train = try FashionMNIST.load(.train, folder: context.dataFolder, limit: config.trainImages)
    let test = try FashionMNIST.load(.test, folder: context.dataFolder, limit: config.testImages)
    for (name, sum) in train.checksums.merging(test.checksums, uniquingKeysWith: { a, _ in a }) { context.usedData(name, checksum: sum) }

    // 2. Train (or load).
    let (net, history) = try context.timed("train") { try trainedNetwork(config, context: context, train: train, test: test) }
    let predictions = context.timed("evaluate") { predict(net, images: test.images) }

    // 3. Numbers.
    let classes = FashionMNIST.classNames.count
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
    for (p, y) in zip(predictions, test.labels) { confusion[y][p] += 1 }
    let accuracy = Double(zip(predictions, test.labels).filter { $0 == $1 }.count) / Double(test.count)
    context.record("testAccuracy", accuracy, format: ".1%")
    context.record("accuracyBar", config.accuracyBar, format: ".0%")
    context.record("trainAccuracy", history.epochTrainAccuracy.last ?? 0, format: ".1%")
    context.record("trainImages", train.count, unit: "")
    context.record("testImages", test.count)
    context.record("epochs", config.epochs)
    context.record("parameters", net.parameterCount)
    context.record("firstLoss", Double(history.losses.first ?? 0), format: ".3f")
    context.record("finalLoss", Double(history.losses.last ?? 0), format: ".3f")
    var perClass: [Double] = []
    for k in 0..<classes {
      let total = confusion[k].reduce(0, +)
      perClass.append(total > 0 ? Double(confusion[k][k]) / Double(total) : 0)
      context.record("class.\(classKey(k)).accuracy", perClass[k], format: ".1%")
    }
    let worst = perClass.indices.min { perClass[$0] < perClass[$1] } ?? 0
    context.record("worstClass", worst)
    context.record("worstClassAccuracy", perClass[worst], format: ".1%")
    var mostConfused = (0, 1, 0)
    for i in 0..<classes { for j in 0..<classes where i != j && confusion[i][j] > mostConfused.2 { mostConfused = (i, j, confusion[i][j]) } }
    context.record("mostConfused.truth", mostConfused.0)
    context.record("mostConfused.predicted", mostConfused.1)
    context.record("mostConfused.count", mostConfused.2)
    if let rows = try? FashionMNISTReadme.benchmarks() {
      if let a = FashionMNISTReadme.best("2 Conv+pooling", in: rows) { context.record("readme.twoConvPooling", a, format: ".1%") }
      if let a = FashionMNISTReadme.best("3 Conv+pooling+BN", in: rows) { context.record("readme.threeConvPoolingBN", a, format: ".1%") }
      if let a = FashionMNISTReadme.best("2 Conv+pooling+ELU activation (PyTorch)", in: rows) { context.record("readme.twoConvPoolingELU", a, format: ".1%") }
    }
    context.table(
      "perClass", caption: "Test accuracy per class, and the class each is most often mistaken for.",
      columns: ["class", "test images", "accuracy", "most often predicted instead"], formats: ["", "d", ".1%", ""],
      rows: (0..<classes).map { k in
        let other = (0..<classes).filter { $0 != k }.max { confusion[k][$0] < confusion[k][$1] } ?? k
        return [.string(FashionMNIST.classNames[k]), .number(Double(confusion[k].reduce(0, +))), .number(perClass[k]),
                .string("\(FashionMNIST.classNames[other]) (\(confusion[k][other]))")]
      })

    // 4. Figures.
    try context.figure("training-curves", caption: "Training loss (mean of every 25 steps) and accuracy per epoch.", curvesFigure(history, config: config))
    try context.figure("confusion", caption: "Confusion matrix on the test images: rows are the true class, columns the prediction.", confusionFigure(confusion))
    if let conv1 = net.layers.first as? Conv2D {
      try context.figure("filters", caption: "The 32 first-layer 3x3 filters (blue negative, red positive).", filtersFigure(conv1.weight.value))
    }
    try context.figure("mistakes", caption: "Test images the net gets wrong: predicted (true).", mistakesFigure(test, predictions))
  }

  /// A lowerCamel key for a class name ("T-shirt/top" -> "tShirtTop").
  static func classKey(_ k: Int) -> String {
    let words = FashionMNIST.classNames[k].split { !$0.isLetter }.map(String.init)
    return words.enumerated().map { i, w in i == 0 ? w.lowercased() : w.prefix(1).uppercased() + w.dropFirst().lowercased() }.joined()
  }
}

extension JSONEncoder {
  static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }
}
