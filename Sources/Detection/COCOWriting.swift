// Ground truth and detections written in COCO's format (the inverse of
// COCOFormat's readers), so that what an experiment evaluated can be scored
// again by `convnotes eval-detections` or pycocotools' COCOeval:
//   COCO(gt.json); cocoGt.loadRes(dt.json); COCOeval(gt, dt, "bbox")
// Keys are sorted and numbers printed by JSONEncoder, so the bytes are the
// same run to run. `iscrowd` and `difficult` are written as 0/1 integers.
import Foundation

extension COCOFormat {
  /// A COCO annotation file for `dataset` (images carry only their ids, and
  /// width/height when given).
  public static func groundTruthJSON(_ dataset: DetectionDataset, imageSize: (width: Int, height: Int)? = nil) throws -> Data {
    let file = GroundTruthFile(
      images: dataset.imageIds.map { ImageEntry(id: $0, width: imageSize?.width, height: imageSize?.height) },
      categories: dataset.categories.map { CategoryEntry(id: $0.id, name: $0.name) },
      annotations: dataset.objects.map {
        AnnotationEntry(
          id: $0.id, image_id: $0.imageId, category_id: $0.categoryId, bbox: [$0.bbox.x, $0.bbox.y, $0.bbox.width, $0.bbox.height],
          area: $0.area, iscrowd: $0.isCrowd ? 1 : 0, difficult: $0.isDifficult ? 1 : 0)
      })
    return try encoder.encode(file) + Data("\n".utf8)
  }

  /// A COCO results file: one entry per detection.
  public static func detectionsJSON(_ detections: [DetectedObject]) throws -> Data {
    let entries = detections.map {
      DetectionEntry(image_id: $0.imageId, category_id: $0.categoryId, bbox: [$0.bbox.x, $0.bbox.y, $0.bbox.width, $0.bbox.height], score: $0.score)
    }
    return try encoder.encode(entries) + Data("\n".utf8)
  }

  static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }

  struct GroundTruthFile: Encodable {
    var images: [ImageEntry]
    var categories: [CategoryEntry]
    var annotations: [AnnotationEntry]
  }
  struct ImageEntry: Encodable {
    var id: Int
    var width: Int?
    var height: Int?
  }
  struct CategoryEntry: Encodable {
    var id: Int
    var name: String
  }
  struct AnnotationEntry: Encodable {
    var id: Int
    var image_id: Int
    var category_id: Int
    var bbox: [Double]
    var area: Double
    var iscrowd: Int
    var difficult: Int
  }
  struct DetectionEntry: Encodable {
    var image_id: Int
    var category_id: Int
    var bbox: [Double]
    var score: Double
  }
}
