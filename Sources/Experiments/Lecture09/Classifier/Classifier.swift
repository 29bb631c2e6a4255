// The Fashion-MNIST ConvNet that the visualization chapters study.
// Chapter: chapters/01-classifier.md.
//
// Inputs: Fashion-MNIST from Debian's dataset-fashion-mnist (checksummed).
// Algorithm: the FashionClassifier model (Sources/Models/FashionClassifier:
// ModelZoo.fashionConvNet trained with SGD + momentum + weight decay, cosine
// decay, batch 64, seeded shuffling), from the model cache or trained now;
// every chapter that needs the net loads the same file in seconds.
// Numbers: test accuracy overall and per class, the confusion matrix, the
// README's reported accuracies beside ours.
// Figures: training curves, confusion matrix, first-layer filters, mistakes.
import Datasets
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum Classifier: Experiment {
  public static let id = "classifier"
  public static let title = "A ConvNet for Fashion-MNIST"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/Classifier"
  public static let uses = ["Layers", "Datasets", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// How the net is trained (the profile's FashionClassifier configuration,
    /// which every chapter that studies the net loads).
    public var model: FashionClassifier.Config
    /// The test accuracy this profile must reach (the 91% for full).
    public var accuracyBar: Double
  }

  public static let full = Config(model: FashionClassifier.full, accuracyBar: 0.91)
  public static let quick = Config(model: FashionClassifier.quick, accuracyBar: 0.78)
  public static let large = Config(model: FashionClassifier.large, accuracyBar: 0.91)

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the net (from the model cache, or trained now) and its data.
    let model = FashionClassifier(config: config.model)
    let (train, test) = try model.data(context)
    let trained = try context.model(model)
    let (net, history) = (trained.network, trained.history)
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
    context.record("epochs", model.config.epochs)
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
    try context.figure("training-curves", caption: "Training loss (mean of every 25 steps) and accuracy per epoch.", curvesFigure(history, config: config, batchSize: model.config.batchSize))
    try context.figure("confusion", caption: "Confusion matrix on the test images: rows are the true class, columns the prediction.", confusionFigure(confusion))
    if let conv1 = net.layers.first as? Conv2D {
      try context.figure("filters", caption: "The 32 first-layer 3x3 filters (blue negative, red positive).", FilterGrid.firstLayerFilters(conv1.weight.value))
    }
    try context.figure("mistakes", caption: "Test images the net gets wrong: predicted (true).", mistakesFigure(test, predictions))
  }

  /// A lowerCamel key for a class name ("T-shirt/top" -> "tShirtTop").
  static func classKey(_ k: Int) -> String {
    let words = FashionMNIST.classNames[k].split { !$0.isLetter }.map(String.init)
    return words.enumerated().map { i, w in i == 0 ? w.lowercased() : w.prefix(1).uppercased() + w.dropFirst().lowercased() }.joined()
  }
}
