// Detections that are valid COCO but probably not what the user meant, said
// before the scores so a low AP is not a mystery:
//
// - a detection whose category_id is not a category of the ground truth is
//   skipped by COCOeval (and by us); the warning says how many and which ids;
// - a box that runs past its image (by more than one pixel; needs the
//   images' width and height in the ground truth) is scored as given; when
//   every such box would fit read as [x1, y1, x2, y2], the warning says that
//   COCO boxes are [x, y, width, height].
import Foundation

/// An image's size, from the `width` and `height` of a COCO `images` entry.
public struct ImageSize: Sendable, Equatable {
  public var width: Double
  public var height: Double
  public init(width: Double, height: Double) { (self.width, self.height) = (width, height) }
}

extension COCOFormat {
  /// Human-readable warnings (one line each) about `detections` read from `detectionsFile`.
  public static func warnings(dataset: DetectionDataset, detections: [DetectedObject], detectionsFile: String) -> [String] {
    var out: [String] = []
    let categories = Set(dataset.categories.map { $0.id })
    let unknown = detections.filter { !categories.contains($0.categoryId) }
    if !unknown.isEmpty {
      let ids = Set(unknown.map { $0.categoryId }).sorted()
      let shown = ids.prefix(5).map(String.init).joined(separator: ", ") + (ids.count > 5 ? ", ..." : "")
      out.append(
        "\(detectionsFile): \(unknown.count) of \(detections.count) detections have a category_id that is not in the ground truth's categories (\(shown)); they are not scored (as in pycocotools)")
    }
    var past: [(index: Int, detection: DetectedObject, size: ImageSize)] = []
    for (i, d) in detections.enumerated() {
      guard let size = dataset.imageSizes[d.imageId], size.width > 0, size.height > 0 else { continue }
      if d.bbox.x + d.bbox.width > size.width + 1 || d.bbox.y + d.bbox.height > size.height + 1 { past.append((i, d, size)) }
    }
    if let first = past.first {
      let b = first.detection.bbox
      var line =
        "\(detectionsFile): \(past.count) of \(detections.count) boxes run past their image (e.g. [\(first.index)].bbox = [\(b.x), \(b.y), \(b.width), \(b.height)] on a \(Int(first.size.width))x\(Int(first.size.height)) image)"
      let corners = past.filter { p in
        let b = p.detection.bbox
        return b.width > b.x && b.height > b.y && b.width <= p.size.width + 1 && b.height <= p.size.height + 1
      }.count
      if corners * 10 >= past.count * 9 {
        line += "; \(corners == past.count ? "they" : "\(corners) of them") fit if read as [x1, y1, x2, y2]: COCO boxes are [x, y, width, height]"
      }
      out.append(line)
    }
    return out
  }
}
