// Identities that hold by construction, moved out of the chapters' claim
// blocks (issue 21, item 10): a claim must be able to come out false at our
// scale, so what the code guarantees is tested here, against values worked
// out by hand, on the code that computes the recorded number. No training.
import Detection
import ExperimentKit
import Foundation
import Layers
import Tensor
import TestSupport
import Testing

@testable import Datasets
@testable import Experiments
@testable import Models

struct ConstructionIdentityTests {
  /// 01-classifier: `parameters` is the declared net's count.
  @Test func theClassifierDeclarationHas421642Parameters() {
    // conv1 1->32 3x3: 32*1*9 + 32; conv2 32->64 3x3: 64*32*9 + 64;
    // fc 64*7*7 -> 128: 3136*128 + 128; fc 128 -> 10: 128*10 + 10.
    let byHand = (32 * 9 + 32) + (64 * 32 * 9 + 64) + (64 * 7 * 7 * 128 + 128) + (128 * 10 + 10)
    #expect(byHand == 421_642)
    for profile in [Profile.quick, .full] {
      #expect(FashionClassifier(profile: profile).makeNetwork().parameterCount == byHand)
    }
  }

  /// 02-fashion-scenes: object counts per scene, boxes inside the canvas, tight boxes, 14 joints inside.
  @Test func everySceneSetRespectsItsSpecWithTightBoxes() throws {
    let items = try FashionMNIST.load(.test, limit: 500)
    let counts: [String: ClosedRange<Int>] = ["localization": 1...1, "pairs": 2...2, "detection": 1...5, "large": 1...1]
    for (name, spec) in SceneSets.named {
      let scenes = SceneSets.scenes(name, .test, count: 24, source: items, runSeed: 0)
      #expect(scenes.objects.allSatisfy { counts[name]!.contains($0.count) }, "\(name): objects per scene")
      for b in scenes.objects.joined().map(\.box) {
        #expect(b.x1 >= 0 && b.y1 >= 0 && b.x2 <= Double(spec.size) && b.y2 <= Double(spec.size), "\(name): box outside")
      }
      for objects in scenes.objects {
        for (i, a) in objects.enumerated() {
          for o in objects[(i + 1)...] { #expect(a.box.intersectionOverUnion(with: o.box) <= spec.maxOverlap + 1e-12, "\(name): overlap") }
        }
      }
      #expect(FashionScenesData.boxTightness(scenes) == 1, "\(name): object pixel outside every box")
    }
    // A scene whose box misses part of its mask is not tight: the measure can fail.
    var loose = SceneSets.scenes("localization", .test, count: 2, source: items, runSeed: 0)
    let b = loose.objects[0][0].box
    loose.objects[0][0].box = Box(x1: b.x1 + 2, y1: b.y1, x2: b.x2, y2: b.y2)
    #expect(FashionScenesData.boxTightness(loose) < 1)
    // Ankle, knee, hip (x2 sides), wrist, elbow, shoulder (x2), neck, head top.
    #expect(StickFigures.jointNames.count == 2 * 3 + 2 * 3 + 2)
    let figures = SceneSets.figures(.test, count: 50, runSeed: 0)
    let side = Double(SceneSets.poseSize)
    #expect(figures.joints.allSatisfy { $0.count == 14 && $0.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x <= side && $0.y <= side } })
  }

  /// 03-localization-regression: localization accuracy counts a subset of the right classes.
  @Test func localizationAccuracyCountsRightClassesWithIoUAtLeastAHalf() {
    let truth = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let predicted: [[LabeledBox]] = [
      [LabeledBox(label: 1, box: truth)],  // right class, IoU 1
      [LabeledBox(label: 1, box: Box(x1: 0, y1: 0, x2: 10, y2: 4))],  // right class, IoU 0.4
      [LabeledBox(label: 2, box: truth)],  // wrong class, IoU 1
      [LabeledBox(label: 1, box: Box(x1: 0, y1: 0, x2: 10, y2: 5))],  // right class, IoU 0.5 (counts)
    ]
    let (s, ious) = LocalizationScores.of(predicted, Array(repeating: [LabeledBox(label: 1, box: truth)], count: 4))
    #expect(ious == [1, 0.4, 1, 0.5])
    #expect(s.classAccuracy == 0.75 && s.localizationAccuracy == 0.5)
    #expect(abs(s.meanIoU - 0.725) < 1e-12)
  }

  /// 03-localization-regression: step 2 trains the head alone, so the frozen net's class scores are the backbone's.
  @Test func trainingTheHeadLeavesTheClassScoresUnchanged() throws {
    var rng = SplitMix64(seed: 9)
    let n = 16, side = LocalizationNetwork.inputSize
    let images = Tensor(shape: [n, 3, side, side], scalars: (0..<(n * 3 * side * side)).map { _ in Float(rng.nextUniform()) })
    let objects = (0..<n).map { i in [LabeledBox(label: i % 10, box: Box(x1: 4, y1: 6, x2: 30, y2: 40))] }
    let scenes = FashionScenes(spec: SceneSets.localization, images: images, objects: objects, masks: Array(repeating: [], count: n))
    var config = SceneNetworkConfig.of(.quick)
    config.headEpochs = 2
    config.batchSize = 8
    let root = try TestSupport.temporaryFolder("head-only")
    defer { try? FileManager.default.removeItem(at: root) }
    let context = RunContext(
      id: "head-only", profile: .quick, seed: 0, threads: 1, folder: root, resultsRoot: root, modelCache: ModelCache(folder: root))
    for attachment in [LocalizationNetwork.Attachment.fc, .conv] {
      let net = LocalizationNetwork(attachment: attachment, seed: 3)
      let before = net.predict(images)
      let losses = SceneTraining.trainHead(net, scenes, config, context: context)
      let after = net.predict(images)
      #expect(losses.count == 4)
      #expect(after.logits == before.logits, "\(attachment): class scores moved")
      #expect(after.boxes != before.boxes, "\(attachment): the head did not train")
    }
  }

  /// 05-sliding-window: the dense net's grid at 96 px is (96 - 48) / 8 + 1 = 7 per side, 49 windows.
  @Test func theDenseNetSeesFortyNineWindowsAt96Pixels() {
    let fcn = FullyConvolutionalLocalizer(LocalizationNetwork(attachment: .fc, seed: 1))
    let image = Tensor(shape: [1, 3, 96, 96], repeating: 0.5)
    let dense = fcn.forward(image)
    let n = (96 - SlidingWindow.window) / SlidingWindow.stride + 1
    #expect(n == 7)
    #expect(dense.logits.shape == [1, 10, n, n] && dense.boxes.shape == [1, 4, n, n])
  }

  /// 18-occlusion: a 12 px square at stride 4 on a 48 px scene stops at (48 - 12) / 4 + 1 = 10 per side.
  @Test func theOcclusionGridOfTheChapterIsTenByTen() {
    let config = Occlusion.full
    let image = Tensor(shape: [1, 3, 48, 48], repeating: 1)
    var batches = 0
    let (map, n) = Occlusion.sweep(image, square: config.square, stride: config.stride, fill: config.fill) { batch in
      batches = batch.shape[0]
      return (0..<batch.shape[0]).map { Float($0) }
    }
    #expect((config.square, config.stride) == (12, 4))
    #expect(n == 10 && batches == 100 && map == (0..<100).map(Float.init))
  }

  /// 14-map-evaluation: AP at a stricter IoU threshold is never higher, recall with more detections
  /// per image never lower (jittered detections, two per object, fixed seed).
  @Test func cocoAPNeverRisesWithTheIoUThreshold() {
    var rng = SplitMix64(seed: 21)
    var objects: [GroundTruthObject] = [], detections: [DetectedObject] = []
    for image in 1...30 {
      for k in 0..<3 {
        let (x, y, w) = (Double(k) * 60 + 5, 10 + 20 * rng.nextUniform(), 30 + 20 * rng.nextUniform())
        objects.append(GroundTruthObject(id: objects.count + 1, imageId: image, categoryId: 1, bbox: COCOBox(x: x, y: y, width: w, height: w), isCrowd: false))
        for _ in 0..<2 {
          let jitter = { (s: Double) in s * (rng.nextUniform() - 0.5) * 0.6 }
          let box = COCOBox(x: x + jitter(w), y: y + jitter(w), width: w + jitter(w), height: w + jitter(w))
          detections.append(DetectedObject(imageId: image, categoryId: 1, bbox: box, score: rng.nextUniform()))
        }
      }
    }
    let data = DetectionDataset(imageIds: Array(1...30), categories: [Category(id: 1, name: "thing")], objects: objects)
    let evaluation = COCOEvaluation.evaluate(data, detections: detections)
    let perIoU = evaluation.averagePrecisionPerIoU
    let s = evaluation.summary
    #expect(s.ar1 < s.ar10 && s.ar10 <= s.ar100)
    #expect(perIoU.count == 10)
    #expect(perIoU.first! > 0.3 && perIoU.last! < perIoU.first!)
    for (a, b) in zip(perIoU, perIoU.dropFirst()) { #expect(b <= a) }
  }
}
