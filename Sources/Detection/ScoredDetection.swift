// One detector answer: a box, the class it names and the detector's score.
// Every detector of the suite (HOG, R-CNN, Fast and Faster R-CNN, YOLO)
// returns these per image, so that one evaluation and one timing harness
// serve them all. Conventions: `label` is the data set's class index
// (0-based, background is not a label), `box` in continuous pixels of the
// image the detector saw, higher `score` = more confident.

public struct ScoredDetection: Sendable, Equatable, Codable {
  public var label: Int
  public var box: Box
  public var score: Double

  public init(label: Int, box: Box, score: Double) {
    (self.label, self.box, self.score) = (label, box, score)
  }
}

extension Array where Element == [ScoredDetection] {
  /// COCO-style records: image ids 1...count (one per inner array), category id = label + 1.
  public func detectedObjects() -> [DetectedObject] {
    enumerated().flatMap { image, found in
      found.map {
        DetectedObject(
          imageId: image + 1, categoryId: $0.label + 1,
          bbox: COCOBox(x: $0.box.x1, y: $0.box.y1, width: $0.box.width(), height: $0.box.height()), score: $0.score)
      }
    }
  }
}
