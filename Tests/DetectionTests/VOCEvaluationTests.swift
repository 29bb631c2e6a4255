import Testing

@testable import Detection

struct VOCEvaluationTests {
  func object(_ id: Int, _ x: Double, difficult: Bool = false) -> GroundTruthObject {
    GroundTruthObject(id: id, imageId: 1, categoryId: 1, bbox: COCOBox(x: x, y: 0, width: 10, height: 10), isDifficult: difficult)
  }

  func detection(_ x: Double, _ score: Double) -> DetectedObject {
    DetectedObject(imageId: 1, categoryId: 1, bbox: COCOBox(x: x, y: 0, width: 10, height: 10), score: score)
  }

  @Test func tpFpTpGivesFiveSixthsAndElevenPoint() {
    let data = DetectionDataset(imageIds: [1], categories: [Category(id: 1, name: "a")], objects: [object(1, 0), object(2, 100)])
    // hit, a duplicate of the first hit (FP), hit
    let result = VOCEvaluation.evaluate(data, detections: [detection(0, 0.9), detection(0, 0.8), detection(100, 0.7)])
    #expect(abs(result.map10 - 0.8333333333333333) < 1e-12)
    #expect(abs(result.map07 - (6 + 5 * 2.0 / 3) / 11) < 1e-12)
  }

  @Test func difficultObjectsAreNeitherMatchedNorMissed() {
    let data = DetectionDataset(
      imageIds: [1], categories: [Category(id: 1, name: "a")], objects: [object(1, 0), object(2, 100, difficult: true)])
    let result = VOCEvaluation.evaluate(data, detections: [detection(100, 0.9), detection(0, 0.8)])
    #expect(result.classes[0].positives == 1)
    #expect(result.map10 == 1)  // the detection on the difficult object is ignored, not an FP
  }

  @Test func overlapMustExceedTheThresholdStrictly() {
    // inclusive boxes: [0, 9] and [5, 14] in x, same rows: overlap 5x10 = 50, union 150: IoU 1/3
    let data = DetectionDataset(imageIds: [1], categories: [Category(id: 1, name: "a")], objects: [object(1, 0)])
    #expect(VOCEvaluation.evaluate(data, detections: [detection(5, 1)], iouThreshold: 1.0 / 3.0).map10 == 0)
    #expect(VOCEvaluation.evaluate(data, detections: [detection(5, 1)], iouThreshold: 0.33).map10 == 1)
  }
}
