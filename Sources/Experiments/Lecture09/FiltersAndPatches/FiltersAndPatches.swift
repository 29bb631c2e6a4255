// What the units of a ConvNet respond to: first-layer filters as images,
// the dataset patches that activate chosen neurons most (cropped to their
// receptive fields), and nearest neighbours in pixel space vs in the space
// of the last hidden layer (Krizhevsky et al. 2012, figure 4; Zeiler & Fergus
// 2014; Girshick et al. 2014). Chapter: chapters/16-filters-and-patches.md.
//
// Inputs: the `classifier` net (from the model cache) and Fashion-MNIST.
// Algorithm: one forward pass over the test images with a Trace; for 8
// units of the second conv layer (after ReLU), the 9 largest activations
// over all images and positions, at most one per image; each position's
// receptive field (ReceptiveField arithmetic) cut out of its image. Nearest
// neighbours: Euclidean distance, exact, through one matrix product
// (|a - b|² = |a|² + |b|² - 2 a·b), in raw pixels and in the 128 ReLU
// outputs of fc1 (Embedding's Neighbors); agreement = share of the k neighbours with the query's class.
// Numbers: receptive field of each layer, k-NN class agreement in both spaces.
// Figures: conv1 filters, top patches per unit, neighbour grids.
import Datasets
import Embedding
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum FiltersAndPatches: Experiment {
  public static let id = "filters-and-patches"
  public static let title = "Filters, maximally activating patches, nearest neighbours"
  public static let lecture = Lecture.visualizingAndUnderstanding
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture09/FiltersAndPatches"
  public static let uses = ["Layers", "Datasets", "Embedding", "Plot", FashionClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Test images searched for top patches (and used as neighbour queries).
    public var patchImages: Int
    public var queries: Int
    /// Training images the neighbours are drawn from.
    public var database: Int
    public var neighbours = 5
    public var units = 8
    public var patchesPerUnit = 9
  }

  public static let full = Config(patchImages: 10_000, queries: 2_000, database: 20_000)
  public static let quick = Config(patchImages: 2_000, queries: 500, database: 4_000)

  static let unitLayer = "relu2"
  static let featureLayer = "relu3"

  /// The (image, y, x, value) of the `count` largest activations of channel `c`, at most one per image.
  static func topPositions(_ activations: Tensor, channel c: Int, count: Int) -> [(image: Int, y: Int, x: Int, value: Float)] {
    let (n, channels, h, w) = (activations.shape[0], activations.shape[1], activations.shape[2], activations.shape[3])
    var best: [(image: Int, y: Int, x: Int, value: Float)] = []
    for i in 0..<n {
      var top = (y: 0, x: 0, value: -Float.infinity)
      let base = (i * channels + c) * h * w
      for p in 0..<(h * w) where activations.scalars[base + p] > top.value { top = (p / w, p % w, activations.scalars[base + p]) }
      best.append((i, top.y, top.x, top.value))
    }
    return Array(best.sorted { ($0.value, -$0.image) > ($1.value, -$1.image) }.prefix(count))
  }

  /// The receptive field of output position (y, x) cut out of a 28x28 image, zeros outside it.
  static func patch(_ images: Tensor, image: Int, y: Int, x: Int, field: ReceptiveField) -> [Float] {
    let rows = field.pixels(of: y), columns = field.pixels(of: x)
    var out: [Float] = []
    for r in rows {
      for c in columns { out.append((0..<28).contains(r) && (0..<28).contains(c) ? images.scalars[image * 784 + r * 28 + c] : 0) }
    }
    return out
  }

  /// Indices of the k nearest rows of `database` (Euclidean) for every row of `queries`.
  static func nearest(_ queries: Tensor, _ database: Tensor, k: Int) -> [[Int]] {
    let nn = Neighbors.exact(queries: queries, database: database, k: k)
    return (0..<queries.shape[0]).map { i in (0..<k).map { Int(nn.indices[i * k + $0]) } }
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the classifier net and the images.
    let model = FashionClassifier(profile: context.profile)
    let (train, test) = try model.data(context)
    precondition(config.database <= train.count && config.patchImages <= test.count && config.queries <= test.count,
      "filters-and-patches: asks for more images than the classifier's profile loads")
    let net = try context.model(model).network

    // 2. Receptive fields.
    for name in ["conv1", "pool1", "conv2", "pool2"] {
      let f = ReceptiveField.of(name, in: net)
      context.record("field.\(name).size", f.size, unit: "px")
      context.record("field.\(name).jump", f.jump, unit: "px")
    }
    let field = ReceptiveField.of(unitLayer, in: net)

    // 3. Top patches of chosen conv2 units: the units whose strongest response is largest.
    let images = test.images.slice(0..<config.patchImages)
    let activations = context.timed("activations") { FashionClassifier.features(net, images, layer: unitLayer) }
    let channels = activations.shape[1]
    let peaks = (0..<channels).map { c in topPositions(activations, channel: c, count: 1)[0].value }
    let units = Array((0..<channels).sorted { (peaks[$0], -$0) > (peaks[$1], -$1) }.prefix(config.units)).sorted()
    var unitPatches: [(unit: Int, patches: [[Float]], classes: [Int])] = []
    var purity: [Double] = []
    for u in units {
      let top = topPositions(activations, channel: u, count: config.patchesPerUnit)
      let classes = top.map { test.labels[$0.image] }
      let counts = Dictionary(grouping: classes, by: { $0 }).mapValues(\.count)
      purity.append(Double(counts.values.max() ?? 0) / Double(max(classes.count, 1)))
      unitPatches.append((u, top.map { patch(images, image: $0.image, y: $0.y, x: $0.x, field: field) }, classes))
    }
    context.record("units", units.count)
    context.record("patchesPerUnit", config.patchesPerUnit)
    context.record("patchImages", config.patchImages)
    context.record("unitClassPurity", purity.reduce(0, +) / Double(max(purity.count, 1)), format: ".1%")

    // 4. Nearest neighbours in pixel space and in fc1 space.
    let database = train.images.slice(0..<config.database)
    let databaseLabels = Array(train.labels.prefix(config.database))
    let queries = test.images.slice(0..<config.queries)
    let queryLabels = Array(test.labels.prefix(config.queries))
    let (pixelNN, featureNN) = context.timed("neighbours") { () -> ([[Int]], [[Int]]) in
      let pixel = nearest(queries.reshaped([config.queries, 784]), database.reshaped([config.database, 784]), k: config.neighbours)
      let feature = nearest(FashionClassifier.features(net, queries, layer: featureLayer), FashionClassifier.features(net, database, layer: featureLayer), k: config.neighbours)
      return (pixel, feature)
    }
    func agreement(_ nn: [[Int]]) -> Double {
      zip(nn, queryLabels).map { list, label in Double(list.filter { databaseLabels[$0] == label }.count) / Double(list.count) }.reduce(0, +)
        / Double(max(nn.count, 1))
    }
    context.record("queries", config.queries)
    context.record("database", config.database)
    context.record("neighbours", config.neighbours)
    context.record("agreement.pixels", agreement(pixelNN), format: ".1%")
    context.record("agreement.features", agreement(featureNN), format: ".1%")
    // Queries where the two spaces disagree most: pixel neighbours mostly of another class.
    let shown = (0..<config.queries).filter { i in
      pixelNN[i].filter { databaseLabels[$0] != queryLabels[i] }.count >= 3 && featureNN[i].allSatisfy { databaseLabels[$0] == queryLabels[i] }
    }.prefix(4) + (0..<3)

    // 5. Figures.
    if let conv1 = net.layers.first as? Conv2D {
      try context.figure("filters", caption: "The 32 first-layer 3x3 filters of the classifier (blue negative, red positive).", FilterGrid.firstLayerFilters(conv1.weight.value))
    }
    try context.figure("patches", caption: "For 8 units of conv2 (after ReLU): the 9 test-image patches, each the unit's \(field.size)x\(field.size) receptive field, that excite it most.",
      patchesFigure(unitPatches, side: field.size))
    try context.figure("neighbours", caption: "Queries (left), their 5 nearest training images in pixel space (middle) and in fc1 feature space (right); red titles mark another class.",
      neighboursFigure(Array(shown.prefix(6)), queries: queries, queryLabels: queryLabels, database: database, databaseLabels: databaseLabels, pixel: pixelNN, feature: featureNN))
  }
}
