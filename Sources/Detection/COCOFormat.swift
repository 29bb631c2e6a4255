// Reading COCO-format ground truth and detection files, with errors that name
// the file and the field (`dt.json: [12].bbox[2]: width must be >= 0, got -3`).
//
// Validation beyond JSON syntax: every bbox has four finite numbers with
// width and height >= 0; scores are finite; ids are integers; image and
// annotation ids are unique; every detection names an image of the ground
// truth (pycocotools asserts the same). Detections of a category the ground
// truth does not list are kept here and skipped by the evaluators, as
// pycocotools skips them (COCOWarnings says so). Stricter than Foundation's
// parser: a trailing comma is an error with its position (JSONSyntax), and
// a file of the other kind (--gt and --dt swapped) is named as such.
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
    // (read whole: COCO files are at most a few hundred megabytes)
    do { return try Data(contentsOf: url) } catch {
      throw DetectionFormatError(file: url.path, field: "", message: "cannot read the file (\(error.localizedDescription))")
    }
  }

  public static func parseGroundTruth(_ data: Data, file: String) throws -> DetectionDataset {
    try JSONSyntax.checkStrict(data, file: file)
    if JSONSyntax.firstSignificantByte(data) == UInt8(ascii: "[") {
      throw DetectionFormatError(
        file: file, field: "",
        message: "expected a COCO annotation file (an object with images, categories, annotations), got a JSON array: this looks like a detections file; are --gt and --dt swapped?")
    }
    let raw = try decode(RawGroundTruth.self, from: data, file: file)
    var imageIds: [Int] = []
    var imageSizes: [Int: ImageSize] = [:]
    var seenImages = Set<Int>()
    for (i, image) in raw.images.enumerated() {
      guard seenImages.insert(image.id).inserted else {
        throw DetectionFormatError(file: file, field: "images[\(i)].id", message: "duplicate image id \(image.id)")
      }
      imageIds.append(image.id)
      if let w = image.width?.value, let h = image.height?.value, w.isFinite, h.isFinite { imageSizes[image.id] = ImageSize(width: w, height: h) }
    }
    var categories: [Category] = []
    var seenCategories = Set<Int>()
    for (i, category) in raw.categories.enumerated() {
      guard seenCategories.insert(category.id).inserted else {
        throw DetectionFormatError(file: file, field: "categories[\(i)].id", message: "duplicate category id \(category.id)")
      }
      categories.append(Category(id: category.id, name: category.name ?? "\(category.id)"))
    }
    var objects: [GroundTruthObject] = []
    objects.reserveCapacity(raw.annotations.count)
    var seenAnnotations = Set<Int>()
    for (i, a) in raw.annotations.enumerated() {
      let field = "annotations[\(i)]"
      guard seenAnnotations.insert(a.id).inserted else {
        throw DetectionFormatError(file: file, field: field + ".id", message: "duplicate annotation id \(a.id)")
      }
      guard seenImages.contains(a.image_id) else {
        throw DetectionFormatError(
          file: file, field: field + ".image_id", message: "image id \(a.image_id) is not in `images`")
      }
      guard seenCategories.contains(a.category_id) else {
        throw DetectionFormatError(
          file: file, field: field + ".category_id", message: "category id \(a.category_id) is not in `categories`")
      }
      let bbox = try box(a.bbox, file: file, field: field + ".bbox")
      if let area = a.area {
        guard area >= 0 && area.isFinite else {
          throw DetectionFormatError(file: file, field: field + ".area", message: "must be a finite number >= 0, got \(area)")
        }
      }
      objects.append(
        GroundTruthObject(
          id: a.id, imageId: a.image_id, categoryId: a.category_id, bbox: bbox, area: a.area,
          isCrowd: a.iscrowd?.value ?? false, isDifficult: a.difficult?.value ?? false))
    }
    var dataset = DetectionDataset(imageIds: imageIds, categories: categories, objects: objects)
    dataset.imageSizes = imageSizes
    return dataset
  }

  public static func parseDetections(
    _ data: Data, file: String, for dataset: DetectionDataset
  ) throws -> [DetectedObject] {
    let images = Set(dataset.imageIds)
    try JSONSyntax.checkStrict(data, file: file)
    if JSONSyntax.firstSignificantByte(data) == UInt8(ascii: "{"),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["annotations"] != nil
    {
      throw DetectionFormatError(
        file: file, field: "",
        message: "expected a JSON array of detections, got an object with `annotations`: this looks like a ground-truth file; are --gt and --dt swapped?")
    }
    let raw = try decode([RawDetection].self, from: data, file: file)
    var detections: [DetectedObject] = []
    detections.reserveCapacity(raw.count)
    for (i, d) in raw.enumerated() {
      let field = "[\(i)]"
      guard images.contains(d.image_id) else {
        throw DetectionFormatError(
          file: file, field: field + ".image_id",
          message: "image id \(d.image_id) is not an image of the ground truth")
      }
      let bbox = try box(d.bbox, file: file, field: field + ".bbox")
      guard d.score.isFinite else {
        throw DetectionFormatError(file: file, field: field + ".score", message: "expected a finite number, got \(d.score)")
      }
      detections.append(DetectedObject(imageId: d.image_id, categoryId: d.category_id, bbox: bbox, score: d.score))
    }
    return detections
  }

  // MARK: - The JSON shapes

  struct RawGroundTruth: Decodable {
    var images: [RawImage]
    var categories: [RawCategory]
    var annotations: [RawAnnotation]
  }

  struct RawImage: Decodable {
    @Identifier var id: Int
    // Read for warnings only: a size that is not a number is ignored, not an error.
    var width: Lenient?
    var height: Lenient?
  }

  /// A number, or nil for anything else.
  struct Lenient: Decodable {
    var value: Double?
    init(from decoder: Decoder) throws { value = try? decoder.singleValueContainer().decode(Double.self) }
  }

  struct RawCategory: Decodable {
    @Identifier var id: Int
    var name: String?
  }

  struct RawAnnotation: Decodable {
    @Identifier var id: Int
    @Identifier var image_id: Int
    @Identifier var category_id: Int
    var bbox: [Double]
    var area: Double?
    var iscrowd: Flag?
    var difficult: Flag?
  }

  struct RawDetection: Decodable {
    @Identifier var image_id: Int
    @Identifier var category_id: Int
    var bbox: [Double]
    var score: Double
  }

  /// An integer id; 7.0 is accepted, 7.5 is an error naming the field.
  @propertyWrapper
  struct Identifier: Decodable {
    var wrappedValue: Int
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      let d = try c.decode(Double.self)
      guard d == d.rounded(), abs(d) < 9e15 else {
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected an integer id, got \(d)")
      }
      wrappedValue = Int(d)
    }
  }

  /// 0/1 or false/true.
  struct Flag: Decodable {
    var value: Bool
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let b = try? c.decode(Bool.self) {
        value = b
        return
      }
      let n = try c.decode(Int.self)
      guard n == 0 || n == 1 else {
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected 0 or 1, got \(n)")
      }
      value = n == 1
    }
  }

  /// JSONDecoder, with its errors turned into `file: field: message`.
  static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch let error as DecodingError {
      throw formatError(error, file: file)
    } catch {
      throw DetectionFormatError(file: file, field: "", message: "not valid JSON (\(error))")
    }
  }

  static func path(_ codingPath: [CodingKey]) -> String {
    var out = ""
    for key in codingPath {
      if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
    }
    return out
  }

  static func formatError(_ error: DecodingError, file: String) -> DetectionFormatError {
    switch error {
    case .keyNotFound(let key, let context):
      return DetectionFormatError(file: file, field: path(context.codingPath + [key]), message: "missing")
    case .valueNotFound(let type, let context):
      return DetectionFormatError(file: file, field: path(context.codingPath), message: "expected \(describe(type)), got null")
    case .typeMismatch(let type, let context):
      let field = path(context.codingPath)
      if field.isEmpty && type is [Any].Type {
        return DetectionFormatError(file: file, field: "", message: "expected a JSON array of detections")
      }
      return DetectionFormatError(file: file, field: field, message: "expected \(describe(type))")
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return DetectionFormatError(file: file, field: "", message: "not valid JSON (\(detail ?? context.debugDescription))")
      }
      return DetectionFormatError(file: file, field: path(context.codingPath), message: context.debugDescription)
    @unknown default:
      return DetectionFormatError(file: file, field: "", message: "\(error)")
    }
  }

  static func describe(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type, is Int.Type: "a number"
    case is String.Type: "a string"
    case is Bool.Type: "0 or 1"
    default: type is [Any].Type ? "an array" : "an object"
    }
  }

  static func box(_ v: [Double], file: String, field: String) throws -> COCOBox {
    guard v.count == 4 else {
      throw DetectionFormatError(
        file: file, field: field, message: "expected [x, y, width, height], got \(v.count) numbers")
    }
    for (k, x) in v.enumerated() where !x.isFinite {
      throw DetectionFormatError(file: file, field: "\(field)[\(k)]", message: "expected a finite number, got \(x)")
    }
    guard v[2] >= 0 else {
      throw DetectionFormatError(file: file, field: field + "[2]", message: "width must be >= 0, got \(v[2])")
    }
    guard v[3] >= 0 else {
      throw DetectionFormatError(file: file, field: field + "[3]", message: "height must be >= 0, got \(v[3])")
    }
    return COCOBox(x: v[0], y: v[1], width: v[2], height: v[3])
  }
}
