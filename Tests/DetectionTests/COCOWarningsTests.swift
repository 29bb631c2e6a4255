// Valid-but-probably-wrong COCO input (COCOWarnings), the stricter JSON
// (JSONSyntax: trailing commas, with their position) and swapped files.
import Foundation
import Testing

@testable import Detection

struct COCOWarningsTests {
  let gt = """
    {"images": [{"id": 1, "width": 100, "height": 80}, {"id": 2}],
     "categories": [{"id": 3, "name": "shirt"}],
     "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [10, 10, 20, 20]}]}
    """

  func dataset() throws -> DetectionDataset { try COCOFormat.parseGroundTruth(Data(gt.utf8), file: "gt.json") }

  func error(_ body: () throws -> Void) -> DetectionFormatError? {
    do { try body() } catch let e as DetectionFormatError { return e } catch { return nil }
    return nil
  }

  @Test func imageSizesAreReadWhenGiven() throws {
    #expect(try dataset().imageSizes == [1: ImageSize(width: 100, height: 80)])
    // A size that is not a number is ignored, not an error.
    let odd = #"{"images": [{"id": 1, "width": "wide"}], "categories": [], "annotations": []}"#
    #expect(try COCOFormat.parseGroundTruth(Data(odd.utf8), file: "g").imageSizes.isEmpty)
  }

  @Test func unknownCategoriesAreCountedAndNamed() throws {
    let d = try dataset()
    let box = COCOBox(x: 1, y: 1, width: 5, height: 5)
    let detections = [3, 7, 7, 1].map { DetectedObject(imageId: 1, categoryId: $0, bbox: box, score: 0.5) }
    #expect(COCOFormat.warnings(dataset: d, detections: detections, detectionsFile: "dt.json") == [
      "dt.json: 3 of 4 detections have a category_id that is not in the ground truth's categories (1, 7); they are not scored (as in pycocotools)"
    ])
    #expect(COCOFormat.warnings(dataset: d, detections: Array(detections.prefix(1)), detectionsFile: "dt.json").isEmpty)
  }

  @Test func cornerBoxesRunningPastTheImageGetTheHint() throws {
    let d = try dataset()
    // [x1, y1, x2, y2] = [60, 40, 90, 70] read as x, y, w, h runs to 150 x 110 on a 100 x 80 image.
    let corners = DetectedObject(imageId: 1, categoryId: 3, bbox: COCOBox(x: 60, y: 40, width: 90, height: 70), score: 0.9)
    let inside = DetectedObject(imageId: 1, categoryId: 3, bbox: COCOBox(x: 10, y: 10, width: 20, height: 20), score: 0.8)
    let noSize = DetectedObject(imageId: 2, categoryId: 3, bbox: COCOBox(x: 500, y: 500, width: 900, height: 900), score: 0.7)
    let w = COCOFormat.warnings(dataset: d, detections: [inside, corners, noSize], detectionsFile: "dt.json")
    #expect(w == [
      "dt.json: 1 of 3 boxes run past their image (e.g. [1].bbox = [60.0, 40.0, 90.0, 70.0] on a 100x80 image); they fit if read as [x1, y1, x2, y2]: COCO boxes are [x, y, width, height]"
    ])
    // Past the image but not corner-shaped (w < x): the warning without the hint.
    let wide = DetectedObject(imageId: 1, categoryId: 3, bbox: COCOBox(x: 50, y: 0, width: 49, height: 10), score: 0.9)
    let past = DetectedObject(imageId: 1, categoryId: 3, bbox: COCOBox(x: 95, y: 0, width: 20, height: 10), score: 0.9)
    let v = COCOFormat.warnings(dataset: d, detections: [wide, past], detectionsFile: "dt.json")
    #expect(v.count == 1 && v[0].hasPrefix("dt.json: 1 of 2 boxes run past their image (e.g. [1].bbox") && !v[0].contains("x1, y1"))
    // Nine corner boxes past the image and one that is not corner-shaped: the hint, with the count.
    let many = Array(repeating: corners, count: 9) + [past]
    let m = COCOFormat.warnings(dataset: d, detections: many, detectionsFile: "dt.json")
    #expect(m.count == 1 && m[0].hasPrefix("dt.json: 10 of 10 boxes run past their image (e.g. [0].bbox") && m[0].hasSuffix("; 9 of them fit if read as [x1, y1, x2, y2]: COCO boxes are [x, y, width, height]"), "\(m)")
    // Eight of ten: no hint.
    let fewer = Array(repeating: corners, count: 8) + [past, past]
    #expect(!COCOFormat.warnings(dataset: d, detections: fewer, detectionsFile: "dt.json")[0].contains("x1, y1"))
  }

  @Test func trailingCommasAreRejectedWithTheirPosition() throws {
    let e = error { _ = try COCOFormat.parseGroundTruth(Data("{\"images\": [{\"id\": 1},\n  {\"id\": 2},  ], \"categories\": [], \"annotations\": []}".utf8), file: "gt.json") }
    #expect(e?.description == "gt.json: not valid JSON: trailing comma at line 2, column 12 (before `]`)")
    let d = try dataset()
    let f = error { _ = try COCOFormat.parseDetections(Data(#"[{"image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "score": 1,}]"#.utf8), file: "dt.json", for: d) }
    #expect(f?.description == "dt.json: not valid JSON: trailing comma at line 1, column 68 (before `}`)")
    // A comma inside a string, even before a bracket, is text.
    let names = #"{"images": [], "categories": [{"id": 1, "name": "a,]\",}"}], "annotations": []}"#
    #expect(try COCOFormat.parseGroundTruth(Data(names.utf8), file: "g").categories.first?.name == "a,]\",}")
    #expect(JSONSyntax.trailingComma(in: Data("[1, 2]".utf8)) == nil)
  }

  @Test func swappedFilesAreNamedAsSuch() throws {
    let e = error { _ = try COCOFormat.parseGroundTruth(Data(#"  [{"image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "score": 1}]"#.utf8), file: "dt.json") }
    #expect(e?.description == "dt.json: expected a COCO annotation file (an object with images, categories, annotations), got a JSON array: this looks like a detections file; are --gt and --dt swapped?")
    let d = try dataset()
    let f = error { _ = try COCOFormat.parseDetections(Data(gt.utf8), file: "gt.json", for: d) }
    #expect(f?.description == "gt.json: expected a JSON array of detections, got an object with `annotations`: this looks like a ground-truth file; are --gt and --dt swapped?")
    // Any other object is still the plain message.
    let g = error { _ = try COCOFormat.parseDetections(Data(#"{"a": 1}"#.utf8), file: "x.json", for: d) }
    #expect(g?.description == "x.json: expected a JSON array of detections")
  }
}
