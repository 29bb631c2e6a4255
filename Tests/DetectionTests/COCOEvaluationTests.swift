import TestSupport
import Foundation
import Testing

@testable import Detection

struct COCOEvaluationTests {
  let cat = [Category(id: 1, name: "thing")]

  func gt(_ id: Int, _ image: Int, _ x: Double, _ y: Double, _ w: Double, _ h: Double, crowd: Bool = false)
    -> GroundTruthObject
  {
    GroundTruthObject(id: id, imageId: image, categoryId: 1, bbox: COCOBox(x: x, y: y, width: w, height: h), isCrowd: crowd)
  }

  func dt(_ image: Int, _ x: Double, _ y: Double, _ w: Double, _ h: Double, _ score: Double) -> DetectedObject {
    DetectedObject(imageId: image, categoryId: 1, bbox: COCOBox(x: x, y: y, width: w, height: h), score: score)
  }

  @Test func perfectDetectionsScoreOne() {
    let data = DetectionDataset(imageIds: [1, 2], categories: cat, objects: [gt(1, 1, 0, 0, 50, 50), gt(2, 2, 10, 10, 100, 100)])
    let s = COCOEvaluation.evaluate(data, detections: [dt(1, 0, 0, 50, 50, 0.9), dt(2, 10, 10, 100, 100, 0.8)]).summary
    // precision is tp / (tp + fp + eps), so "1" is 1 - 2^-52 at the first detection, as in pycocotools
    for value in [s.ap, s.ap50, s.ap75, s.ar100, s.apMedium, s.apLarge] { #expect(abs(value - 1) < 1e-12) }
    #expect(s.apSmall == -1)  // no small objects: undefined, as pycocotools prints -1
  }

  @Test func halfRecallGivesFiftyOneOverHundredOne() {
    // one of two objects found, precision 1 up to recall 0.5: 51 of 101 recall thresholds see 1
    let data = DetectionDataset(imageIds: [1], categories: cat, objects: [gt(1, 1, 0, 0, 50, 50), gt(2, 1, 100, 100, 50, 50)])
    let s = COCOEvaluation.evaluate(data, detections: [dt(1, 0, 0, 50, 50, 0.9)]).summary
    #expect(abs(s.ap - 51.0 / 101.0) < 1e-12)
    #expect(abs(s.ar100 - 0.5) < 1e-12)
  }

  @Test func detectionsOnACrowdRegionAreNeitherHitsNorMisses() {
    // crowd region 0..100; two detections inside it, one real object found
    let data = DetectionDataset(
      imageIds: [1], categories: cat, objects: [gt(1, 1, 0, 0, 100, 100, crowd: true), gt(2, 1, 200, 200, 40, 40)])
    let dets = [dt(1, 10, 10, 30, 30, 0.95), dt(1, 50, 50, 30, 30, 0.9), dt(1, 200, 200, 40, 40, 0.5)]
    let s = COCOEvaluation.evaluate(data, detections: dets).summary
    #expect(abs(s.ap - 1) < 1e-12)  // the crowd absorbs both high-scoring detections: no false positives
    let withoutCrowd = DetectionDataset(imageIds: [1], categories: cat, objects: [gt(2, 1, 200, 200, 40, 40)])
    // without it, two false positives outrank the hit: precision 1/3 at every recall threshold
    #expect(abs(COCOEvaluation.evaluate(withoutCrowd, detections: dets).summary.ap50 - 1.0 / 3.0) < 1e-12)
  }

  @Test func onlyCrowdGroundTruthLeavesAPUndefined() {
    let data = DetectionDataset(imageIds: [1], categories: cat, objects: [gt(1, 1, 0, 0, 100, 100, crowd: true)])
    #expect(COCOEvaluation.evaluate(data, detections: [dt(1, 0, 0, 100, 100, 0.9)]).summary.ap == -1)
  }

  @Test func emptyImagesContributeFalsePositivesOnly() {
    let data = DetectionDataset(imageIds: [1, 2], categories: cat, objects: [gt(1, 1, 0, 0, 50, 50)])
    // a higher-scoring false positive on the empty image 2, then the hit
    let s = COCOEvaluation.evaluate(data, detections: [dt(2, 0, 0, 50, 50, 0.9), dt(1, 0, 0, 50, 50, 0.8)]).summary
    #expect(abs(s.ap - 0.5) < 1e-12)  // precision 1/2 at every recall threshold
  }

  @Test(arguments: [1, 2, 3])
  func matchesPycocotoolsAndVocEvalOnCrossCheckFiles(seed: Int) throws {
    // Files and expected numbers made by scripts/crosscheck_detections.py with
    // pycocotools 2.0.11 and py-faster-rcnn's voc_eval logic.
    let folder = TestSupport.fixture("DetectionTests", "Fixtures")
    let data = try COCOFormat.readGroundTruth(folder.appendingPathComponent("crosscheck-\(seed)-gt.json"))
    let dets = try COCOFormat.readDetections(folder.appendingPathComponent("crosscheck-\(seed)-dt.json"), for: data)
    let expected = try JSONSerialization.jsonObject(
      with: Data(contentsOf: folder.appendingPathComponent("crosscheck-\(seed)-expected.json"))) as? [String: Any]
    let coco = try #require(expected?["coco"] as? [String: Double])
    let scores = DetectionScores.compute(dataset: data, detections: dets, metric: "all")
    for (key, value) in coco {
      let ours = try #require(scores.coco?[key])
      #expect(abs(ours - value) < 1e-9, "\(key): pycocotools \(value), ours \(ours)")
    }
    let voc07 = try #require(expected?["voc07mAP"] as? Double)
    let voc10 = try #require(expected?["voc10mAP"] as? Double)
    #expect(abs((scores.voc07mAP ?? -9) - voc07) < 1e-9)
    #expect(abs((scores.voc10mAP ?? -9) - voc10) < 1e-9)
  }
}
