// The fast-rcnn chapter's "Step 1: train or download a classification
// model" (CS231n lecture 8; Models/Pretraining): three trunk depths
// pretrained on our ImageNet with the same budget; the scene classifier of
// the localization chapter (trained from scratch on its 48 px scenes) and
// the pretrained trunks scored on the same localization test scenes; Fast
// R-CNN trained from the pretrained standard trunk and from random weights
// with the same steps, and from the pretrained shallow and deep trunks; VOC
// 2007 mAP of each on the DetectionSuite test scenes, after every epoch and
// at the end; training seconds (timings.json).
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

extension FastRCNNExperiment {
  static let depthColors: [TrunkDepth: Color] = [.shallow: Color(hex: 0xCC79A7), .standard: Color(hex: 0x0072B2), .deep: Color(hex: 0x009E73)]
  static let scratchColor = Color(hex: 0xD55E00)

  /// First epoch (1-based) after which `curve` reaches `level`; nil if it never does.
  static func firstEpoch(_ curve: [Double], reaching level: Double) -> Int? {
    curve.firstIndex { $0 >= level }.map { $0 + 1 }
  }

  static func pretraining(_ context: RunContext, test: FashionScenes, proposals: [[Box]]) throws {
    let profile = context.profile
    let config = PretrainingConfig.of(profile)
    let detector = config.detector(profile)
    TestSceneProposals.shared.remember(proposals, for: test, keep: detector.suite.proposalsPerScene, context: context)

    // 1. Our ImageNet and the three pretrained trunks.
    context.record("pretrain.trainImages", config.trainImages)
    context.record("pretrain.testImages", config.testImages)
    context.record("pretrain.epochs", config.epochs)
    context.record("pretrain.steps", config.epochs * ((config.trainImages + config.batchSize - 1) / config.batchSize))
    context.record("pretrain.perDetectionScene", Double(config.trainImages) / Double(detector.suite.trainScenes), unit: "x", format: ".0f")
    var trunks: [TrunkDepth: Trained<PretrainedTrunk>] = [:]
    for depth in TrunkDepth.allCases {
      let t = try context.timed("load or pretrain \(depth.rawValue)") { try context.model(PretrainedTrunk(depth, config: config)) }
      trunks[depth] = t
      context.record("pretrain.accuracy.\(depth.rawValue)", t.history.testAccuracy.last ?? 0)
      context.record("pretrain.convLayers.\(depth.rawValue)", depth.convolutions)
      context.record("pretrain.trunkParams.\(depth.rawValue)", t.network.trunk.parameterCount)
      context.measure("time.pretrain.\(depth.rawValue)", t.history.loopSeconds, unit: "s", format: ".1f")
    }

    // 2. Scene classification on the localization chapter's test scenes: its classifier
    //    (from scratch, on its own scenes) against the pretrained trunks, unchanged.
    let scenes = try SceneClassifier.withTestScenes(count: SceneNetworkConfig.of(profile).testScenes, context: context)
    let sceneLabels = scenes.scenes.objects.map { $0[0].label }
    let fromScratch = try context.model(SceneClassifier(profile: profile)).network
    let predicted = fromScratch.predict(scenes.scenes.images).logits.argmaxRows()
    let scratchAccuracy = Double(zip(predicted, sceneLabels).filter { $0 == $1 }.count) / Double(max(sceneLabels.count, 1))
    let sceneConfig = SceneNetworkConfig.of(profile)
    context.record("scene.classifierSteps", sceneConfig.classEpochs * ((sceneConfig.trainScenes + sceneConfig.batchSize - 1) / sceneConfig.batchSize))
    context.record("scene.testScenes", sceneLabels.count)
    context.record("scene.accuracy.sceneClassifier", scratchAccuracy)
    for (depth, t) in trunks { context.record("scene.accuracy.\(depth.rawValue)", t.network.accuracy(scenes.scenes.images, labels: sceneLabels)) }
    context.record("scene.accuracy.gain", context.values["scene.accuracy.standard"]!.value - scratchAccuracy, format: "+.3f")

    // 3. Fast R-CNN from each start, same recipe and steps.
    context.record("det.epochs", detector.epochs)
    var curves: [String: [Double]] = [:]
    var rows: [[JSONValue]] = []
    for (depth, start) in TrunkDetector.comparisons {
      let model = TrunkDetector(depth, start, pretraining: config, detector: detector)
      let t = try context.timed("load or train \(model.name)") { try context.model(model) }
      let key = "\(depth.rawValue).\(start.rawValue)"
      let scores = test.score(t.network.detect(test.images, proposals: proposals))
      curves[key] = t.history.testMAP.map { 100 * $0 }
      context.record("det.map07.\(key)", 100 * scores.map07, unit: "%", format: ".1f")
      if depth == .standard && start == .pretrained { context.record("det.steps", t.history.training.classLoss.count) }
      context.measure("time.det.\(key)", t.history.training.loopSeconds, unit: "s", format: ".1f")
      let accuracy = start == .pretrained ? context.values["pretrain.accuracy.\(depth.rawValue)"]!.value : Double.nan
      rows.append([
        .string(depth.rawValue), .number(Double(depth.convolutions)), .number(Double(t.network.trunk.parameterCount)), .string(start.label),
        start == .pretrained ? .number(100 * accuracy) : .string("—"), .number(100 * scores.map07),
      ])
    }
    let map = { (key: String) in context.values["det.map07.\(key)"]!.value }
    context.record("det.pretrainingGain", map("standard.pretrained") - map("standard.scratch"), unit: "points", format: ".1f")
    context.record("det.deepOverStandard", map("deep.pretrained") - map("standard.pretrained"), unit: "points", format: "+.1f")
    context.record("det.standardOverShallow", map("standard.pretrained") - map("shallow.pretrained"), unit: "points", format: "+.1f")
    context.record("pretrain.deepOverShallow", context.values["pretrain.accuracy.deep"]!.value - context.values["pretrain.accuracy.shallow"]!.value, format: "+.3f")
    let scratchFinal = curves["standard.scratch"]?.last ?? 0
    context.record("det.epochsToScratchFinal", firstEpoch(curves["standard.pretrained"] ?? [], reaching: scratchFinal) ?? detector.epochs + 1)
    context.record("det.firstEpochMAP.pretrained", curves["standard.pretrained"]?.first ?? 0, unit: "%", format: ".1f")
    context.record("det.firstEpochMAP.scratch", curves["standard.scratch"]?.first ?? 0, unit: "%", format: ".1f")
    if let p = context.measured["time.pretrain.standard"]?.value, let d = context.measured["time.det.standard.pretrained"]?.value {
      context.measure("time.det.standard.withPretraining", p + d, unit: "s", format: ".1f")
    }
    context.table(
      "pretraining",
      caption: "Each trunk's depth and parameters, its top-1 accuracy on our ImageNet's \(config.testImages) test images, and the VOC 2007 mAP of Fast R-CNN trained from it for \(detector.epochs) epochs on the \(test.count) test scenes.",
      columns: ["trunk", "conv layers", "trunk parameters", "start", "accuracy, our ImageNet (%)", "detection mAP (%)"],
      formats: ["", ".0f", ".0f", "", ".1f", ".1f"], rows: rows)

    try pretrainingFigure(context, curves: curves, epochs: detector.epochs, testScenes: test.count)
  }

  static func pretrainingFigure(_ context: RunContext, curves: [String: [Double]], epochs: Int, testScenes: Int) throws {
    var figure = Figure(width: 1000, height: 420, rows: 1, columns: 2)
    var c = Axes()
    c.title = "test mAP during detection training"
    c.xLabel = "epochs over the training scenes"
    c.yLabel = "VOC 2007 mAP (%)"
    c.legend = .upperLeft
    let xs = (1...max(epochs, 1)).map(Double.init)
    for (depth, start) in TrunkDetector.comparisons {
      guard let ys = curves["\(depth.rawValue).\(start.rawValue)"] else { continue }
      let color = start == .scratch ? scratchColor : depthColors[depth]!
      c.line(x: Array(xs.prefix(ys.count)), y: ys, label: "\(depth.label), \(start.label)", color: color, width: depth == .standard ? 2.2 : 1.5,
             style: depth == .standard ? .solid : .dashed, marker: .circle)
    }
    c.yLimits = 0...(max(curves.values.flatMap { $0 }.max() ?? 1, 1) * 1.45)  // room for the legend above the curves
    c.xTicks = xs.map { ($0, String(Int($0))) }
    c.xLimits = 0.8...(Double(max(epochs, 1)) + 0.2)
    figure.axes[0] = c
    var b = Axes()
    b.title = "pretrained trunks: deeper or shallower"
    b.yLabel = "%"
    b.yLimits = 0...105
    b.legend = .upperLeft
    let depths = TrunkDepth.allCases
    b.groupedBars([
      ("top-1 accuracy, our ImageNet", depths.map { 100 * (context.values["pretrain.accuracy.\($0.rawValue)"]?.value ?? 0) }),
      ("detection mAP", depths.map { context.values["det.map07.\($0.rawValue).pretrained"]?.value ?? 0 }),
    ])
    b.xTicks = depths.enumerated().map { (Double($0.offset), $0.element.label) }
    figure.axes[1] = b
    try context.figure(
      "pretraining",
      caption: "Left: VOC 2007 mAP on the \(testScenes) test scenes after each epoch of Fast R-CNN training, from the pretrained trunks and from random weights (same steps, same recipe). Right: the three pretrained trunks (same pretraining budget): top-1 accuracy on our ImageNet's test images and the final detection mAP.",
      figure)
  }
}
