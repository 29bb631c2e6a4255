import Detection
import Testing

@testable import Datasets

/// Scoring detections against FashionScenes ground truth, with APs worked out by hand.
struct SceneDetectionScoresTests {
  static let scenes = FashionScenes.generate(
    SceneSpec(size: 64, objects: 1...3, objectSize: 16...28), count: 6, source: FashionScenesTests.items, seed: 5)
  static var truth: [[ScoredDetection]] { scenes.objects.map { $0.map { ScoredDetection(label: $0.label, box: $0.box, score: 1) } } }
  static var presentClasses: Set<Int> { Set(scenes.objects.flatMap { $0.map(\.label) }) }

  @Test func theGroundTruthItselfScoresOne() {
    let scores = Self.scenes.score(Self.truth)
    #expect(abs(scores.map07 - 1) < 1e-12)  // eleven 1/11 steps need not sum to exactly 1
    #expect(scores.map10 == 1)
    #expect(scores.coco.ap == 1)
    #expect(scores.voc.classes.filter { $0.ap10 != nil }.count == Self.presentClasses.count)
  }

  @Test func aConfidentFalsePositiveCostsItsClassPOverPPlusOne() {
    // One box of scene 0's first class, far from every object and scored above all
    // true ones: precision at the k-th true positive is k / (k + 1), so the area AP's
    // envelope is P / (P + 1) at every recall, with P that class's objects.
    let label = Self.scenes.objects[0][0].label
    let positives = Self.scenes.objects.flatMap { $0 }.filter { $0.label == label }.count
    var found = Self.truth
    found[0].append(ScoredDetection(label: label, box: Box(x1: 0, y1: 0, x2: 2, y2: 2), score: 2))
    let classes = Double(Self.presentClasses.count)
    let expected = (classes - 1 + Double(positives) / Double(positives + 1)) / classes
    #expect(abs(Self.scenes.score(found).map10 - expected) < 1e-12)
  }

  @Test func theRightBoxWithTheWrongClassIsAMissAndAFalsePositive() {
    var found = Self.truth
    let object = Self.scenes.objects[0][0]
    found[0][0].label = (object.label + 1) % 10
    let voc = Self.scenes.score(found).voc
    let own = voc.classes.first { $0.categoryId == object.label + 1 }!
    #expect((own.recall.last ?? 0) < 1)  // no detections at all when it was the class's only object
    #expect(found.detectedObjects()[0].categoryId == (object.label + 1) % 10 + 1)
  }
}
