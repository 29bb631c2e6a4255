// Ground truth and detections in COCO's object-detection format.
//
// Ground truth (a COCO annotation file):
//   { "images": [{"id": 1, ...}], "categories": [{"id": 3, "name": "cat"}],
//     "annotations": [{"id": 7, "image_id": 1, "category_id": 3,
//                      "bbox": [x, y, w, h], "area": 1234.0,
//                      "iscrowd": 0, "difficult": 0}] }
// Detections (a COCO results file):
//   [{"image_id": 1, "category_id": 3, "bbox": [x, y, w, h], "score": 0.9}]
//
// As in pycocotools, a ground truth's `area` field (not its box) decides its
// size class; when the field is absent we use w * h. A detection's area is
// always w * h. `difficult` is not COCO's: VOC evaluation reads it.

/// A box in COCO's `[x, y, width, height]` form, continuous coordinates.
public struct COCOBox: Sendable, Equatable, Codable {
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double

  public init(x: Double, y: Double, width: Double, height: Double) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }

  public var box: Box { Box(x: x, y: y, width: width, height: height) }
  public var area: Double { width * height }
}

/// One annotated object.
public struct GroundTruthObject: Sendable, Equatable {
  public var id: Int
  public var imageId: Int
  public var categoryId: Int
  public var bbox: COCOBox
  public var area: Double
  /// COCO's `iscrowd`: a region of many objects; matching it is never a miss nor a hit.
  public var isCrowd: Bool
  /// VOC's `difficult`: ignored by VOC evaluation (neither matched nor missed).
  public var isDifficult: Bool

  public init(
    id: Int, imageId: Int, categoryId: Int, bbox: COCOBox, area: Double? = nil,
    isCrowd: Bool = false, isDifficult: Bool = false
  ) {
    self.id = id
    self.imageId = imageId
    self.categoryId = categoryId
    self.bbox = bbox
    self.area = area ?? bbox.area
    self.isCrowd = isCrowd
    self.isDifficult = isDifficult
  }
}

/// One scored detection.
public struct DetectedObject: Sendable, Equatable {
  public var imageId: Int
  public var categoryId: Int
  public var bbox: COCOBox
  public var score: Double

  public init(imageId: Int, categoryId: Int, bbox: COCOBox, score: Double) {
    (self.imageId, self.categoryId, self.bbox, self.score) = (imageId, categoryId, bbox, score)
  }
}

/// A category id and its name.
public struct Category: Sendable, Equatable {
  public var id: Int
  public var name: String
  public init(id: Int, name: String) { (self.id, self.name) = (id, name) }
}

/// The ground truth of an evaluation: images, categories, objects.
public struct DetectionDataset: Sendable {
  public var imageIds: [Int]
  public var categories: [Category]
  public var objects: [GroundTruthObject]
  /// Width and height of the images that give them (COCO files usually do); for warnings only.
  public var imageSizes: [Int: ImageSize] = [:]

  public init(imageIds: [Int], categories: [Category], objects: [GroundTruthObject]) {
    (self.imageIds, self.categories, self.objects) = (imageIds, categories, objects)
  }
}
