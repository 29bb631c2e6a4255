// R-CNN's training recipe (Girshick, Donahue, Darrell and Malik, CVPR 2014;
// CS231n lecture 8, steps 1-5) as one TrainedModel, so speed-tables and the
// chapter load it from the model cache:
//   step 1  the scene classifier (Models/SceneNetwork: 48 px single-object
//           scenes) stands for the ImageNet-trained net: `startsFrom`;
//   step 2  fine-tune for 10 classes + background on warped proposals of the
//           DetectionSuite training scenes (IoU >= 0.5: the class, else
//           background; minibatches 25% foreground; Adam, cosine decay);
//   step 3  run the fine-tuned net on every region of the first
//           `featureScenes` scenes and keep the fc7 analogue (128-d) and, for
//           the regression samples, the pool5 analogue (1024-d), both scaled
//           to mean L2 norm 20 (R-CNN's feature normalization);
//   step 4  one binary linear SVM per class (Detection/HOG/LinearSVM, dual
//           coordinate descent): positives = ground truths, negatives =
//           proposals with IoU < 0.3 with every instance of the class; a first
//           cache of random negatives, then `miningRounds` rounds adding every
//           negative scoring above -1 and evicting those below -1.2;
//   step 5  per-class ridge regression (RidgeRegression, λ = 1000 as the
//           paper) from pool5 to (tx, ty, tw, th) (BoxCoder) for proposals
//           with IoU >= 0.6 to a ground truth of the class.
// The SVMs and regressors are stored as the Linear layers rcnn.svm and
// rcnn.bbox (their weights multiplied by the feature scales), so they read
// unscaled features. Every random draw comes from a generator derived from
// the run's seed by name.
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Tensor

/// What training produced besides the weights.
public struct RCNNHistory: Codable, Sendable {
  public var fineTuneLoss: [Float] = []
  public var fineTuneAccuracy: [Float] = []
  public var foregroundRegions = 0
  public var backgroundRegions = 0
  public var featureRegions = 0
  public var fc7Scale = 1.0
  public var pool5Scale = 1.0
  /// Per class: positives, and per round the negatives in the cache and the new hard ones found after it.
  public var svmPositives: [Int] = []
  public var svmCache: [[Int]] = []
  public var svmHardFound: [[Int]] = []
  /// Per class: regression samples.
  public var regressionSamples: [Int] = []
  /// Training-set mean IoU of the regression samples with their ground truth, before and after regression.
  public var regressionIoUBefore = 0.0
  public var regressionIoUAfter = 0.0
  /// Wall seconds of steps 2-5 when they ran.
  public var seconds: [String: Double] = [:]
}

public struct RCNNModel: TrainedModel {
  public let config: RCNNConfig
  public init(config: RCNNConfig) { self.config = config }
  public init(profile: Profile) { self.init(config: .of(profile)) }

  public var name: String { "rcnn" }
  public static let folder = "Models/RCNN"
  public static let uses = ["Layers", "Datasets", "Detection", "Models/SceneNetwork", "Models/DetectionSuite", "Models/SceneProposals"]
  public static let dataFiles = FashionMNIST.files
  public var settings: String { settingsJSON(config) }
  public var startsFrom: [any TrainedModel] { [SceneClassifier(config: config.sceneNetwork)] }
  public func makeNetwork() -> RCNNNetwork { RCNNNetwork(seed: config.netSeed) }
  public func weights(of network: RCNNNetwork) -> Sequential { network.all }

  public func train(_ net: RCNNNetwork, in context: RunContext) throws -> RCNNHistory {
    var history = RCNNHistory()
    func clock<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
      let start = DispatchTime.now().uptimeNanoseconds
      defer { history.seconds[step] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
      return try body()
    }
    // Step 1: the classification net.
    let backbone = try context.model(SceneClassifier(config: config.sceneNetwork)).network
    net.loadBackbone(from: backbone)
    let scenes = try DetectionSuite.trainScenes(count: config.suite.trainScenes, context: context)
    let proposals = clock("proposals") { DetectionSuite.proposals(scenes, split: .train, keep: config.suite.proposalsPerScene, context: context) }
    let regions = RCNNRegions.make(scenes, proposals: proposals)

    // Step 2: fine-tuning on warped regions.
    clock("fineTune") { fineTune(net, scenes, regions, history: &history, context: context) }

    // Step 3: features of the first `featureScenes` scenes' regions.
    let featureRegions = regions.filter { $0.scene < config.featureScenes }
    history.featureRegions = featureRegions.count
    let regressionRows = featureRegions.indices.filter { !featureRegions[$0].isGroundTruth && featureRegions[$0].bestIoU >= config.regressionIoU }
    let (fc7, pool5) = clock("features") { Self.extract(net, scenes.images, featureRegions, pool5Rows: regressionRows, config: config) }
    history.fc7Scale = Self.normScale(fc7, dimension: 128, target: config.featureNorm)
    history.pool5Scale = Self.normScale(pool5, dimension: 1024, target: config.featureNorm)
    let scaledFC7 = fc7.map { $0 * Float(history.fc7Scale) }

    // Step 4: SVMs with hard-negative mining.
    clock("svm") { trainSVMs(net, scaledFC7, featureRegions, scenes: scenes, history: &history, context: context) }

    // Step 5: box regression.
    clock("regression") {
      trainRegressors(net, pool5.map { $0 * Float(history.pool5Scale) }, rows: regressionRows, featureRegions, scenes: scenes, history: &history)
    }
    return history
  }

  /// fc7 of every region (rows of 128) and pool5 of the regions in `pool5Rows` (rows of 1024, in that order).
  static func extract(_ net: RCNNNetwork, _ images: Tensor, _ regions: [RCNNRegion], pool5Rows: [Int], config: RCNNConfig) -> ([Float], [Float]) {
    var fc7: [Float] = [], pool5: [Float] = []
    fc7.reserveCapacity(regions.count * 128)
    let wanted = Set(pool5Rows)
    let chunk = 512
    for start in Swift.stride(from: 0, to: regions.count, by: chunk) {
      let part = Array(regions[start..<min(start + chunk, regions.count)])
      let warps = ProposalWarp.warp(images, regions: part.map { ($0.scene, $0.box) }, size: config.warpSize, padding: config.padding)
      let f = net.features(warps)
      fc7 += f.fc7.scalars
      for k in part.indices where wanted.contains(start + k) { pool5 += f.pool5.scalars[(k * 1024)..<((k + 1) * 1024)] }
    }
    return (fc7, pool5)
  }

  /// The factor that brings the rows' mean L2 norm to `target`.
  static func normScale(_ rows: [Float], dimension d: Int, target: Double) -> Double {
    let n = rows.count / d
    guard n > 0 else { return 1 }
    var total = 0.0
    for i in 0..<n { total += Double((0..<d).reduce(Float(0)) { $0 + rows[i * d + $1] * rows[i * d + $1] }).squareRoot() }
    return total > 0 ? target * Double(n) / total : 1
  }

  func fineTune(_ net: RCNNNetwork, _ scenes: FashionScenes, _ regions: [RCNNRegion], history: inout RCNNHistory, context: RunContext) {
    let labels = regions.map { $0.label(objects: scenes.objects, threshold: config.foregroundIoU) }
    let foreground = labels.indices.filter { labels[$0] != RCNNNetwork.background }
    let background = labels.indices.filter { labels[$0] == RCNNNetwork.background }
    (history.foregroundRegions, history.backgroundRegions) = (foreground.count, background.count)
    var rng = SplitMix64(seed: context.seed).derived("rcnn.finetune")
    var adam = Adam(learningRate: config.learningRate)
    let fgCount = Int((Double(config.batchSize) * config.foregroundFraction).rounded())
    for step in 0..<config.fineTuneSteps {
      adam.learningRate = LearningRateSchedule.cosine(config.learningRate, step: step, total: config.fineTuneSteps)
      let batch = (0..<fgCount).map { _ in foreground[rng.nextInt(below: foreground.count)] }
        + (fgCount..<config.batchSize).map { _ in background[rng.nextInt(below: background.count)] }
      let warps = ProposalWarp.warp(scenes.images, regions: batch.map { (regions[$0].scene, regions[$0].box) }, size: config.warpSize, padding: config.padding)
      let r = net.fineTuneStep(warps, labels: batch.map { labels[$0] }, optimizer: &adam)
      history.fineTuneLoss.append(r.loss)
      history.fineTuneAccuracy.append(Float(r.correct) / Float(batch.count))
      if (step + 1) % 200 == 0 { context.log("rcnn fine-tune step \(step + 1)/\(config.fineTuneSteps): loss \(String(format: "%.3f", r.loss))") }
    }
  }

  func trainSVMs(_ net: RCNNNetwork, _ fc7: [Float], _ regions: [RCNNRegion], scenes: FashionScenes, history: inout RCNNHistory, context: RunContext) {
    let d = 128
    let scale = Float(history.fc7Scale)
    func row(_ i: Int) -> ArraySlice<Float> { fc7[(i * d)..<((i + 1) * d)] }
    for c in 0..<RCNNNetwork.classes {
      let positives = regions.indices.filter { regions[$0].isGroundTruth && scenes.objects[regions[$0].scene][regions[$0].bestObject!].label == c }
      let pool = regions.indices.filter { !regions[$0].isGroundTruth && regions[$0].classIoU[c] < config.negativeIoU }
      history.svmPositives.append(positives.count)
      // The first cache: `randomNegativesPerScene` random negatives of each scene.
      var rng = SplitMix64(seed: context.seed).derived("rcnn.svm.negatives.\(c)")
      var byScene: [Int: [Int]] = [:]
      for i in pool { byScene[regions[i].scene, default: []].append(i) }
      var cache: [Int] = []
      for s in byScene.keys.sorted() {
        var members = byScene[s]!
        for k in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(k, rng.nextInt(below: k + 1)) }
        cache += members.prefix(config.randomNegativesPerScene)
      }
      var model = LinearSVM(weights: [Float](repeating: 0, count: d), bias: 0)
      var cacheSizes: [Int] = [], hardFound: [Int] = []
      for round in 0...config.miningRounds {
        guard !positives.isEmpty else { break }
        var x: [Float] = []
        x.reserveCapacity((positives.count + cache.count) * d)
        for i in positives { x += row(i) }
        for i in cache { x += row(i) }
        let labels = [Float](repeating: 1, count: positives.count) + [Float](repeating: -1, count: cache.count)
        var seeds = SplitMix64(seed: context.seed).derived("rcnn.svm.\(c).\(round)")
        let options = LinearSVM.Options(c: config.svmC, positiveWeight: config.svmPositiveWeight, seed: seeds.next())
        model = LinearSVM.train(x, labels: labels, dimension: d, options: options).model
        cacheSizes.append(cache.count)
        guard round < config.miningRounds else { break }
        // Mining: every negative of the pool scoring above -1 joins; cached ones below -1.2 leave.
        let inCache = Set(cache)
        let scores = Dictionary(uniqueKeysWithValues: pool.map { i in (i, fc7.withUnsafeBufferPointer { model.score($0.baseAddress! + i * d) }) })
        let hard = pool.filter { !inCache.contains($0) && scores[$0]! > config.hardThreshold }
        hardFound.append(hard.count)
        cache = cache.filter { scores[$0]! >= config.evictThreshold } + hard
      }
      history.svmCache.append(cacheSizes)
      history.svmHardFound.append(hardFound)
      for k in 0..<d { net.svm.weight.value.scalars[c * d + k] = model.weights[k] * scale }
      net.svm.bias.value.scalars[c] = model.bias
    }
  }

  func trainRegressors(_ net: RCNNNetwork, _ pool5: [Float], rows: [Int], _ regions: [RCNNRegion], scenes: FashionScenes, history: inout RCNNHistory) {
    let d = 1024
    let coder = BoxCoder()
    let scale = Float(history.pool5Scale)
    net.bbox.weight.value = Tensor(zeros: [RCNNNetwork.classes * 4, d])
    net.bbox.bias.value = Tensor(zeros: [RCNNNetwork.classes * 4])
    var before = 0.0, after = 0.0
    for c in 0..<RCNNNetwork.classes {
      let members = rows.indices.filter { let r = regions[rows[$0]]; return scenes.objects[r.scene][r.bestObject!].label == c }
      history.regressionSamples.append(members.count)
      guard members.count >= 8 else { continue }
      var x: [Float] = [], t: [Float] = []
      for m in members {
        let r = regions[rows[m]]
        x += pool5[(m * d)..<((m + 1) * d)]
        t += coder.encode(scenes.objects[r.scene][r.bestObject!].box, relativeTo: r.box).map(Float.init)
      }
      let fit = RidgeRegression.fit(Tensor(shape: [members.count, d], scalars: x), Tensor(shape: [members.count, 4], scalars: t), lambda: config.ridgeLambda)
      for j in 0..<4 {
        for k in 0..<d { net.bbox.weight.value.scalars[(c * 4 + j) * d + k] = Float(fit.weights[k][j]) * scale }
        net.bbox.bias.value.scalars[c * 4 + j] = Float(fit.bias[j])
      }
      for (n, m) in members.enumerated() {
        let r = regions[rows[m]]
        let truth = scenes.objects[r.scene][r.bestObject!].box
        let deltas = (0..<4).map { j in fit.bias[j] + (0..<d).reduce(0.0) { $0 + Double(x[n * d + $1]) * fit.weights[$1][j] } }
        before += r.bestIoU
        after += coder.decode(deltas, relativeTo: r.box).intersectionOverUnion(with: truth)
      }
    }
    let total = Double(max(history.regressionSamples.reduce(0, +), 1))
    (history.regressionIoUBefore, history.regressionIoUAfter) = (before / total, after / total)
  }
}
