// Reading COCO-format ground truth and detection files, with errors that name
// the file and the field (`dt.json: [12].bbox[2]: width must be >= 0, got -3`).
//
// Validation beyond JSON syntax: every bbox has four finite numbers with
// width and height >= 0; scores are finite; ids are integers; image and
// annotation ids are unique; every detection names an image of the ground
// truth (pycocotools asserts the same). Detections of a category the ground
// truth does not list are kept here and skipped by the evaluators, as
// pycocotools skips them.
import Foundation

/// A problem with an input file, naming the file and the field.
public struct DetectionFormatError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var field: String
  public var message: String
  public init(file: String, field: String, message: String) {
    (self.file, self.field, self.message) = (file, field, message)
  }
  public var description: String {
    field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
  }
}

public enum COCOFormat {
  /// Reads a COCO annotation file.
  public static func readGroundTruth(_ url: URL) throws -> DetectionDataset {
    try parseGroundTruth(data(url), file: url.path)
  }

  /// Reads a COCO results file (a JSON array of detections).
  public static func readDetections(_ url: URL, for dataset: DetectionDataset) throws -> [DetectedObject] {
    try parseDetections(data(url), file: url.path, for: dataset)
  }

  static func data(_ url: URL) throws -> Data {
    do { return try Data(contentsOf: url) } catch {
      throw DetectionFormatError(file: url.path, field: "", message: "cannot read the file (\(error.localizedDescription))")
    }
  }

  public static func parseGroundTruth(_ data: Data, file: String) throws -> DetectionDataset {
    let root = try object(json(data, file: file), file: file, field: "")
    let images = try array(root["images"], file: file, field: "images")
    var imageIds: [Int] = []
    var seenImages = Set<Int>()
    for (i, item) in images.enumerated() {
      let field = "images[\(i)]"
      let id = try integer(object(item, file: file, field: field)["id"], file: file, field: field + ".id")
      guard seenImages.insert(id).inserted else {
        throw DetectionFormatError(file: file, field: field + ".id", message: "duplicate image id \(id)")
      }
      imageIds.append(id)
    }
    var categories: [Category] = []
    var seenCategories = Set<Int>()
    for (i, item) in try array(root["categories"], file: file, field: "categories").enumerated() {
      let field = "categories[\(i)]"
      let dict = try object(item, file: file, field: field)
      let id = try integer(dict["id"], file: file, field: field + ".id")
      guard seenCategories.insert(id).inserted else {
        throw DetectionFormatError(file: file, field: field + ".id", message: "duplicate category id \(id)")
      }
      let name = dict["name"] as? String ?? "\(id)"
      categories.append(Category(id: id, name: name))
    }
    var objects: [GroundTruthObject] = []
    var seenAnnotations = Set<Int>()
    for (i, item) in try array(root["annotations"], file: file, field: "annotations").enumerated() {
      let field = "annotations[\(i)]"
      let dict = try object(item, file: file, field: field)
      let id = try integer(dict["id"], file: file, field: field + ".id")
      guard seenAnnotations.insert(id).inserted else {
        throw DetectionFormatError(file: file, field: field + ".id", message: "duplicate annotation id \(id)")
      }
      let imageId = try integer(dict["image_id"], file: file, field: field + ".image_id")
      guard seenImages.contains(imageId) else {
        throw DetectionFormatError(
          file: file, field: field + ".image_id", message: "image id \(imageId) is not in `images`")
      }
      let categoryId = try integer(dict["category_id"], file: file, field: field + ".category_id")
      guard seenCategories.contains(categoryId) else {
        throw DetectionFormatError(
          file: file, field: field + ".category_id", message: "category id \(categoryId) is not in `categories`")
      }
      let bbox = try box(dict["bbox"], file: file, field: field + ".bbox")
      var area: Double? = nil
      if let raw = dict["area"] {
        let value = try number(raw, file: file, field: field + ".area")
        guard value >= 0 else {
          throw DetectionFormatError(file: file, field: field + ".area", message: "must be >= 0, got \(value)")
        }
        area = value
      }
      let crowd = try flag(dict["iscrowd"], file: file, field: field + ".iscrowd")
      let difficult = try flag(dict["difficult"], file: file, field: field + ".difficult")
      objects.append(
        GroundTruthObject(
          id: id, imageId: imageId, categoryId: categoryId, bbox: bbox, area: area,
          isCrowd: crowd, isDifficult: difficult))
    }
    return DetectionDataset(imageIds: imageIds, categories: categories, objects: objects)
  }

  public static func parseDetections(
    _ data: Data, file: String, for dataset: DetectionDataset
  ) throws -> [DetectedObject] {
    let images = Set(dataset.imageIds)
    guard let list = try json(data, file: file) as? [Any] else {
      throw DetectionFormatError(file: file, field: "", message: "expected a JSON array of detections")
    }
    var detections: [DetectedObject] = []
    detections.reserveCapacity(list.count)
    for (i, item) in list.enumerated() {
      let field = "[\(i)]"
      let dict = try object(item, file: file, field: field)
      let imageId = try integer(dict["image_id"], file: file, field: field + ".image_id")
      guard images.contains(imageId) else {
        throw DetectionFormatError(
          file: file, field: field + ".image_id",
          message: "image id \(imageId) is not an image of the ground truth")
      }
      let categoryId = try integer(dict["category_id"], file: file, field: field + ".category_id")
      let bbox = try box(dict["bbox"], file: file, field: field + ".bbox")
      let score = try number(dict["score"], file: file, field: field + ".score")
      detections.append(DetectedObject(imageId: imageId, categoryId: categoryId, bbox: bbox, score: score))
    }
    return detections
  }

  // MARK: - Field readers

  static func json(_ data: Data, file: String) throws -> Any {
    do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
      let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
      throw DetectionFormatError(file: file, field: "", message: "not valid JSON (\(detail))")
    }
  }

  static func object(_ value: Any?, file: String, field: String) throws -> [String: Any] {
    guard let dict = value as? [String: Any] else {
      throw DetectionFormatError(file: file, field: field, message: value == nil ? "missing" : "expected an object")
    }
    return dict
  }

  static func array(_ value: Any?, file: String, field: String) throws -> [Any] {
    guard let list = value as? [Any] else {
      throw DetectionFormatError(file: file, field: field, message: value == nil ? "missing" : "expected an array")
    }
    return list
  }

  static func number(_ value: Any?, file: String, field: String) throws -> Double {
    guard let value else { throw DetectionFormatError(file: file, field: field, message: "missing") }
    guard let n = value as? NSNumber, !isJSONBoolean(value) else {
      throw DetectionFormatError(file: file, field: field, message: "expected a number, got \(describe(value))")
    }
    let d = n.doubleValue
    guard d.isFinite else {
      throw DetectionFormatError(file: file, field: field, message: "expected a finite number, got \(d)")
    }
    return d
  }

  static func integer(_ value: Any?, file: String, field: String) throws -> Int {
    let d = try number(value, file: file, field: field)
    guard d == d.rounded(), abs(d) < 9e15 else {
      throw DetectionFormatError(file: file, field: field, message: "expected an integer id, got \(d)")
    }
    return Int(d)
  }

  static func flag(_ value: Any?, file: String, field: String) throws -> Bool {
    guard let value else { return false }
    if isJSONBoolean(value), let b = value as? Bool { return b }
    let d = try number(value, file: file, field: field)
    guard d == 0 || d == 1 else {
      throw DetectionFormatError(file: file, field: field, message: "expected 0 or 1, got \(d)")
    }
    return d == 1
  }

  static func box(_ value: Any?, file: String, field: String) throws -> COCOBox {
    let list = try array(value, file: file, field: field)
    guard list.count == 4 else {
      throw DetectionFormatError(
        file: file, field: field, message: "expected [x, y, width, height], got \(list.count) numbers")
    }
    var v = [Double]()
    for (k, item) in list.enumerated() { v.append(try number(item, file: file, field: "\(field)[\(k)]")) }
    guard v[2] >= 0 else {
      throw DetectionFormatError(file: file, field: field + "[2]", message: "width must be >= 0, got \(v[2])")
    }
    guard v[3] >= 0 else {
      throw DetectionFormatError(file: file, field: field + "[3]", message: "height must be >= 0, got \(v[3])")
    }
    return COCOBox(x: v[0], y: v[1], width: v[2], height: v[3])
  }

  static func describe(_ value: Any) -> String {
    switch value {
    case is String: "a string"
    case is Bool: "a boolean"
    case is [Any]: "an array"
    case is [String: Any]: "an object"
    case is NSNull: "null"
    default: "\(value)"
    }
  }

  /// JSON `true`/`false` arrive as NSNumber on Linux; they are not numbers here.
  static func isJSONBoolean(_ value: Any) -> Bool {
    guard let n = value as? NSNumber else { return false }
    return String(cString: n.objCType) == "c"  // numbers parse as "i", "q" or "d"
  }
}
