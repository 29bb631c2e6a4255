// R-CNN (Girshick, Donahue, Darrell and Malik, "Rich feature hierarchies for
// accurate object detection and semantic segmentation", CVPR 2014) at our
// scale: the lecture's five steps on the DetectionSuite scenes. Chapter:
// chapters/08-rcnn.md. The trained pieces: Models/RCNN (RCNNModel, cached).
//
// Inputs: DetectionSuite's training scenes (fine-tuning, features, SVMs,
// regressors) and test scenes with their Selective Search "fast" proposals.
// Numbers:
//   - training: regions per class of fine-tuning, the SVM caches after each
//     round of hard-negative mining, regression samples and their IoU before
//     and after regression (all from the model's saved history);
//   - the feature cache: fc7 (128) and pool5 (1024) float32 of every
//     proposal of the first `cacheScenes` training scenes written to
//     results/rcnn/feature-cache.f32, its size per image, and the same
//     arithmetic for PASCAL VOC 2007 trainval (5,011 images x ~2,000
//     proposals x 4,096 float32);
//   - test: VOC 2007 11-point mAP for SVM / softmax scores, with and without
//     box regression, per-class NMS at 0.3; per-class AP; precision-recall
//     curves (RCNN+PRCurves.swift);
//   - time per image: proposals, warping, the net, classification (measured).
import Datasets
import Detection
import ExperimentKit
import Foundation
import Models
import Plot
import Tensor

public enum RCNNPipeline: Experiment {
  public static let id = "rcnn"
  public static let title = "R-CNN: regions with CNN features"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/RCNN"
  public static let uses = ["Datasets", "Detection", "Plot", RCNNModel.folder, DetectionSuite.folder, SceneClassifier.folder, "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Training scenes whose proposals' features are written to the results folder.
    public var cacheScenes: Int
    /// Test scenes timed for the per-image costs (the first ones).
    public var timedScenes: Int
    /// Detections drawn per test scene in the figure, as a multiple of its objects.
    public var drawPerObject = 1
  }

  public static let quick = Config(cacheScenes: 4, timedScenes: 10)
  public static let full = Config(cacheScenes: 8, timedScenes: 20)

  /// PASCAL VOC 2007 trainval images, proposals per image and fc7 width of AlexNet (R-CNN's numbers).
  static let voc = (images: 5_011.0, proposals: 2_000.0, features: 4_096.0)

  static func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. The trained pieces (steps 1-5, cached) and their training record.
    let model = RCNNModel(profile: context.profile)
    let trained = try context.timed("load model") { try context.model(model) }
    let history = trained.history
    if let s = trained.trainingSeconds { context.measure("train.seconds", s, unit: "s", format: ".0f") }
    for (step, s) in history.seconds.sorted(by: { $0.key < $1.key }) { context.measure("train.seconds.\(step)", s, unit: "s", format: ".1f") }
    let rc = model.config
    context.record("warp.size", rc.warpSize, unit: "px")
    context.record("warp.padding", rc.padding, unit: "px", format: ".0f")
    context.record("train.scenes", rc.suite.trainScenes)
    context.record("train.proposalsPerScene", rc.suite.proposalsPerScene)
    context.record("train.fineTuneSteps", rc.fineTuneSteps)
    context.record("train.batchSize", rc.batchSize)
    context.record("train.foregroundRegions", history.foregroundRegions)
    context.record("train.backgroundRegions", history.backgroundRegions)
    let tail = history.fineTuneLoss.suffix(50), accuracyTail = history.fineTuneAccuracy.suffix(50)
    context.record("train.finalLoss", Double(tail.reduce(0, +)) / Double(max(tail.count, 1)))
    context.record("train.finalAccuracy", Double(accuracyTail.reduce(0, +)) / Double(max(accuracyTail.count, 1)))
    context.record("train.featureScenes", rc.featureScenes)
    context.record("train.featureRegions", history.featureRegions)
    context.record("svm.c", rc.svmC, format: ".3f")
    context.record("svm.positives", history.svmPositives.reduce(0, +))
    context.record("svm.miningRounds", rc.miningRounds)
    for r in 0...rc.miningRounds {
      context.record("svm.cache.round\(r)", history.svmCache.map { $0.count > r ? $0[r] : 0 }.reduce(0, +))
      if r < rc.miningRounds { context.record("svm.hard.round\(r + 1)", history.svmHardFound.map { $0.count > r ? $0[r] : 0 }.reduce(0, +)) }
    }
    context.record("bbox.lambda", rc.ridgeLambda, format: ".0f")
    context.record("bbox.samples", history.regressionSamples.reduce(0, +))
    context.record("bbox.trainIoUBefore", history.regressionIoUBefore)
    context.record("bbox.trainIoUAfter", history.regressionIoUAfter)

    // 2. Step 3 on disk: the features of the first training scenes' proposals.
    try featureCache(trained.network, rc: rc, config: config, context: context)

    // 3. Test: proposals, scores, the four variants.
    let sizes = DetectionSuite.sizes(context.profile)
    let test = try DetectionSuite.testScenes(count: sizes.testScenes, context: context)
    context.record("test.scenes", test.count)
    context.record("test.objects", test.objects.joined().count)
    var proposals: [[Box]] = []
    let proposalMs = milliseconds { proposals = DetectionSuite.proposals(test, split: .test, keep: sizes.proposalsPerScene, context: context) }
    context.record("test.proposalsPerScene", Double(proposals.map(\.count).reduce(0, +)) / Double(test.count), format: ".0f")
    let detector = RCNNDetector(network: trained.network, config: rc)
    var timing = RCNNDetector.Timing()
    let scored = context.timed("score proposals") { (0..<test.count).map { detector.score(test.images, $0, proposals: proposals[$0], timing: &timing) } }
    let side = Double(test.spec.size)
    let variants: [(key: String, label: String, classifier: RCNNDetector.Classifier, bbox: Bool)] = [
      ("svm", "SVM", .svm, false), ("svmBBox", "SVM + bbox reg", .svm, true),
      ("softmax", "softmax", .softmax, false), ("softmaxBBox", "softmax + bbox reg", .softmax, true),
    ]
    var perClass: [String: [Double]] = [:]
    var evaluations: [(key: String, label: String, voc: VOCEvaluation)] = []
    var detections: [String: [[ScoredDetection]]] = [:]
    var rows: [[JSONValue]] = []
    for v in variants {
      let found = scored.map { detector.detections($0, side: side, classifier: v.classifier, boxRegression: v.bbox) }
      let s = test.score(found)
      detections[v.key] = found
      evaluations.append((v.key, v.label, s.voc))
      context.record("map.\(v.key)", s.map07)
      context.record("map10.\(v.key)", s.map10)
      context.record("ap50.\(v.key)", s.coco.ap50)
      context.record("cocoAP.\(v.key)", s.coco.ap)
      perClass[v.key] = (0..<RCNNNetwork.classes).map { c in s.voc.classes.first { $0.categoryId == c + 1 }?.ap07 ?? 0 }
      rows.append([.string(v.label), .number(s.map07), .number(s.map10), .number(s.coco.ap50), .number(s.coco.ap)])
    }
    context.record("bboxGain.svm", context.values["map.svmBBox"]!.value - context.values["map.svm"]!.value, format: "+.3f")
    context.record("bboxGain.softmax", context.values["map.softmaxBBox"]!.value - context.values["map.softmax"]!.value, format: "+.3f")
    context.record("svmOverSoftmax", context.values["map.svmBBox"]!.value - context.values["map.softmaxBBox"]!.value, format: "+.3f")
    context.table(
      "variants", caption: "R-CNN on the \(test.count) test scenes: the classifier read (SVMs or the fine-tuned softmax), with and without box regression; per-class NMS at IoU 0.3.",
      columns: ["scores", "VOC07 mAP", "VOC10 mAP", "COCO AP50", "COCO AP@[.5:.95]"], formats: ["", ".3f", ".3f", ".3f", ".3f"], rows: rows)
    context.table(
      "perClass", caption: "VOC 2007 AP per class on the test scenes.",
      columns: ["class"] + variants.map(\.label), formats: [""] + variants.map { _ in ".3f" },
      rows: (0..<RCNNNetwork.classes).map { (c: Int) -> [JSONValue] in
        let values: [JSONValue] = variants.map { v in JSONValue.number(perClass[v.key]![c]) }
        return [JSONValue.string(FashionMNIST.shortClassNames[c])] + values
      })

    // 4. Time per image (the first `timedScenes` test scenes, from scratch).
    let timed = min(config.timedScenes, test.count)
    let subsetScenes = try DetectionSuite.testScenes(count: timed, context: context)
    let subset = subsetScenes.images
    var subsetProposals: [[Box]] = []
    var clock = RCNNDetector.Timing()
    let proposalTime = milliseconds { subsetProposals = DetectionSuite.proposals(subsetScenes, split: .test, keep: sizes.proposalsPerScene, context: context) }
    _ = detector.detect(subset, proposals: subsetProposals, timing: &clock)
    let perImage = { (s: Double) in s * 1000 / Double(timed) }
    context.measure("ms.proposals", proposalTime / Double(timed), unit: "ms", format: ".0f")
    context.measure("ms.warp", perImage(clock.warp), unit: "ms", format: ".1f")
    context.measure("ms.features", perImage(clock.features), unit: "ms", format: ".0f")
    context.measure("ms.classify", perImage(clock.classify), unit: "ms", format: ".1f")
    context.measure("ms.total", proposalTime / Double(timed) + perImage(clock.warp + clock.features + clock.classify), unit: "ms", format: ".0f")
    context.measure("ms.featuresOverClassify", clock.features / max(clock.classify, 1e-9), format: ".0f")
    context.measure("ms.proposalsAllScenes", proposalMs / Double(test.count), unit: "ms", format: ".0f")

    // 5. Figures.
    try figures(context, trained.network, rc: rc, test: test, detections: detections, perClass: perClass, labels: variants.map { ($0.key, $0.label) }, drawPerObject: config.drawPerObject)
    try precisionRecall(context, evaluations: evaluations, shown: "softmaxBBox", testScenes: test.count)
  }

  /// Writes fc7 + pool5 of every proposal of the first `cacheScenes` training scenes, and records its size.
  static func featureCache(_ net: RCNNNetwork, rc: RCNNConfig, config: Config, context: RunContext) throws {
    let scenes = try DetectionSuite.trainScenes(count: config.cacheScenes, context: context)
    let proposals = DetectionSuite.proposals(scenes, split: .train, keep: rc.suite.proposalsPerScene, context: context)
    var bytes = Data()
    var regions = 0
    for i in 0..<scenes.count {
      let warps = ProposalWarp.warp(scenes.images, regions: proposals[i].map { (i, $0) }, size: rc.warpSize, padding: rc.padding)
      let f = net.features(warps)
      for n in 0..<proposals[i].count {
        let row = Array(f.fc7.scalars[(n * 128)..<((n + 1) * 128)]) + Array(f.pool5.scalars[(n * 1024)..<((n + 1) * 1024)])
        row.withUnsafeBufferPointer { bytes.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
      }
      regions += proposals[i].count
    }
    let name = "feature-cache.f32"
    try context.write(name, bytes)
    let onDisk = (try FileManager.default.attributesOfItem(atPath: context.folder.appendingPathComponent(name).path)[.size] as? NSNumber)?.doubleValue ?? 0
    let perImage = onDisk / Double(scenes.count)
    // Selective Search may return fewer than `proposalsPerScene` boxes for a scene: the arithmetic uses the boxes written.
    let proposalsPerImage = Double(regions) / Double(max(scenes.count, 1))
    let perProposal = proposalsPerImage * Double(128 + 1024) * 4
    context.record("cache.scenes", scenes.count)
    context.record("cache.regions", regions)
    context.record("cache.proposalsPerImage", proposalsPerImage, format: ".0f")
    context.record("cache.bytes", onDisk, unit: "B", format: ".0f")
    context.record("cache.kbPerImage", perImage / 1024, unit: "KiB", format: ".0f")
    context.record("cache.expectedKBPerImage", perProposal / 1024, unit: "KiB", format: ".0f")
    context.record("cache.fc7KBPerImage", proposalsPerImage * 128 * 4 / 1024, unit: "KiB", format: ".0f")
    context.record("cache.trainSetMB", perImage * Double(rc.suite.trainScenes) / 1e6, unit: "MB", format: ".0f")
    let vocBytes = voc.images * voc.proposals * voc.features * 4
    context.record("cache.vocGB", vocBytes / 1e9, unit: "GB", format: ".0f")
    context.record("cache.vocMBPerImage", voc.proposals * voc.features * 4 / 1e6, unit: "MB", format: ".1f")
  }
}
