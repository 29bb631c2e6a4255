// Generated ground truth and the detections of a simulated detector, for
// evaluation chapters. Deterministic from the generator passed in.
//
// Ground truth: objects with log-uniform sizes (so COCO's small / medium /
// large ranges are all populated), a few crowd regions and VOC "difficult"
// objects. Detector: for each object of class c it fires with probability
// recall[c] (less for small objects), with corners jittered by
// noise[c] x the box side (more for small objects), a score that grows with
// the detection's true IoU, duplicate firings (what NMS is for), and
// background false positives with low scores.
import Detection
import ExperimentKit
import Tensor

struct SimulatedDetectorConfig: Codable, Sendable, Equatable {
  var images: Int
  var imageWidth = 640.0
  var imageHeight = 480.0
  var classes = ["shirt", "sneaker", "bag"]
  var minObjects = 1
  var maxObjects = 6
  var minSide = 10.0
  var maxSide = 260.0
  /// Probability the detector fires on an object, per class.
  var recall = [0.95, 0.85, 0.75]
  /// Corner jitter as a fraction of the box side, per class.
  var localizationNoise = [0.025, 0.06, 0.11]
  var duplicateRate = 0.35
  var falsePositivesPerImage = 1.5
  var crowdRate = 0.03
  var difficultRate = 0.05
}

struct SimulatedScene {
  var dataset: DetectionDataset
  var detections: [DetectedObject]
}

enum SimulatedDetector {
  static func generate(_ config: SimulatedDetectorConfig, using rng: inout SplitMix64) -> SimulatedScene {
    let categories = config.classes.enumerated().map { Category(id: $0.offset + 1, name: $0.element) }
    var objects: [GroundTruthObject] = []
    var detections: [DetectedObject] = []
    for image in 1...config.images {
      let count = config.minObjects + rng.nextInt(below: config.maxObjects - config.minObjects + 1)
      for _ in 0..<count {
        let c = rng.nextInt(below: config.classes.count)
        let side = exp(rng.uniform(log(config.minSide), log(config.maxSide)))
        let aspect = exp(rng.uniform(-0.4, 0.4))
        let w = min(side * aspect, config.imageWidth - 2)
        let h = min(side / aspect, config.imageHeight - 2)
        let x = rng.uniform(0, config.imageWidth - w)
        let y = rng.uniform(0, config.imageHeight - h)
        let box = COCOBox(x: x, y: y, width: w, height: h)
        let crowd = rng.nextUniform() < config.crowdRate
        let difficult = !crowd && rng.nextUniform() < config.difficultRate
        objects.append(
          GroundTruthObject(
            id: objects.count + 1, imageId: image, categoryId: c + 1, bbox: box, isCrowd: crowd,
            isDifficult: difficult))
        let small = box.area < 32 * 32
        let fireProbability = config.recall[c] * (small ? 0.7 : 1)
        let noise = config.localizationNoise[c] * (small ? 1.4 : 1)
        guard rng.nextUniform() < fireProbability else { continue }
        let first = jittered(box, noise: noise, config: config, using: &rng)
        let score = scoreFor(first, truth: box, using: &rng)
        detections.append(DetectedObject(imageId: image, categoryId: c + 1, bbox: first, score: score))
        if rng.nextUniform() < config.duplicateRate {
          let second = jittered(box, noise: noise * 1.8, config: config, using: &rng)
          detections.append(
            DetectedObject(
              imageId: image, categoryId: c + 1, bbox: second, score: score * rng.uniform(0.55, 0.97)))
        }
      }
      // Background false positives: Poisson count by inversion.
      var k = 0
      var p = exp(-config.falsePositivesPerImage)
      var cumulative = p
      let u = rng.nextUniform()
      while u > cumulative && k < 50 {
        k += 1
        p *= config.falsePositivesPerImage / Double(k)
        cumulative += p
      }
      for _ in 0..<k {
        let side = exp(rng.uniform(log(config.minSide), log(config.maxSide)))
        let x = rng.uniform(0, config.imageWidth - side)
        let y = rng.uniform(0, config.imageHeight - side)
        let score = 1 / (1 + exp(-(rng.nextGaussian() - 1.6)))
        detections.append(
          DetectedObject(
            imageId: image, categoryId: 1 + rng.nextInt(below: config.classes.count),
            bbox: COCOBox(x: x, y: y, width: side, height: side), score: score))
      }
    }
    return SimulatedScene(
      dataset: DetectionDataset(imageIds: Array(1...config.images), categories: categories, objects: objects),
      detections: detections)
  }

  static func jittered(_ b: COCOBox, noise: Double, config: SimulatedDetectorConfig, using rng: inout SplitMix64)
    -> COCOBox
  {
    let x1 = b.x + rng.nextGaussian() * noise * b.width
    let x2 = b.x + b.width + rng.nextGaussian() * noise * b.width
    let y1 = b.y + rng.nextGaussian() * noise * b.height
    let y2 = b.y + b.height + rng.nextGaussian() * noise * b.height
    let left = min(max(min(x1, x2), 0), config.imageWidth - 1)
    let top = min(max(min(y1, y2), 0), config.imageHeight - 1)
    let right = min(max(max(x1, x2), left + 1), config.imageWidth)
    let bottom = min(max(max(y1, y2), top + 1), config.imageHeight)
    return COCOBox(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// A score that rises with the detection's true IoU, plus noise.
  static func scoreFor(_ detection: COCOBox, truth: COCOBox, using rng: inout SplitMix64) -> Double {
    let iou = detection.box.intersectionOverUnion(with: truth.box)
    return 1 / (1 + exp(-(4 * (iou - 0.55) + 0.8 * rng.nextGaussian() + 1)))
  }

  /// Greedy NMS per image and class (what a detector does before evaluation).
  static func suppressDuplicates(_ detections: [DetectedObject], iouThreshold: Double) -> [DetectedObject] {
    var groups = [Int: [Int]]()
    for (i, d) in detections.enumerated() { groups[d.imageId * 1000 + d.categoryId, default: []].append(i) }
    var kept: [Int] = []
    for key in groups.keys.sorted() {
      let members = groups[key] ?? []
      let keep = nonMaxSuppression(
        members.map { detections[$0].bbox.box }, scores: members.map { detections[$0].score },
        iouThreshold: iouThreshold)
      kept += keep.map { members[$0] }
    }
    return kept.sorted().map { detections[$0] }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
