import Foundation
import Testing

@testable import Detection

struct COCOFormatTests {
  let gt = """
    {"images": [{"id": 1}, {"id": 2}], "categories": [{"id": 3, "name": "shirt"}],
     "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "iscrowd": 0}]}
    """

  func expectError(_ text: String, field: String, contains: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      let data = try COCOFormat.parseGroundTruth(Data(gt.utf8), file: "gt.json")
      _ = try COCOFormat.parseDetections(Data(text.utf8), file: "dt.json", for: data)
      Issue.record("expected an error", sourceLocation: sourceLocation)
    } catch let error as DetectionFormatError {
      #expect(error.file == "dt.json", sourceLocation: sourceLocation)
      #expect(error.field == field, sourceLocation: sourceLocation)
      #expect(error.message.contains(contains), "\(error)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func readsGroundTruthWithDefaults() throws {
    let data = try COCOFormat.parseGroundTruth(Data(gt.utf8), file: "gt.json")
    #expect(data.imageIds == [1, 2])
    #expect(data.categories == [Category(id: 3, name: "shirt")])
    #expect(data.objects.first?.area == 100)  // no `area` field: w * h
    #expect(data.objects.first?.isDifficult == false)
  }

  @Test func malformedDetectionsNameTheFieldAtFault() {
    expectError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, -3, 10], \"score\": 1}]",
      field: "[0].bbox[2]", contains: "width must be >= 0")
    expectError("[{\"image_id\": 7, \"category_id\": 3, \"bbox\": [0, 0, 3, 10], \"score\": 1}]",
      field: "[0].image_id", contains: "not an image of the ground truth")
    expectError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, 3, 10]}]", field: "[0].score", contains: "missing")
    expectError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, 3], \"score\": 1}]",
      field: "[0].bbox", contains: "got 3 numbers")
    expectError("[{\"image_id\": \"a\", \"category_id\": 3, \"bbox\": [0, 0, 3, 3], \"score\": 1}]",
      field: "[0].image_id", contains: "expected a number")
    expectError("[{\"image_id\": 1.5, \"category_id\": 3, \"bbox\": [0, 0, 3, 3], \"score\": 1}]",
      field: "[0].image_id", contains: "expected an integer id, got 1.5")
    expectError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, null, 3, 3], \"score\": 1}]",
      field: "[0].bbox[1]", contains: "got null")
    expectError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, 3, 3], \"score\": true}]",
      field: "[0].score", contains: "expected a number")
    expectError("{\"image_id\": 1}", field: "", contains: "expected a JSON array")
    expectError("[{\"image_id\": 1,", field: "", contains: "not valid JSON")
  }

  @Test func malformedGroundTruthNamesTheField() {
    let bad = "{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 2, \"bbox\": [0,0,1,1]}]}"
    #expect(throws: DetectionFormatError(file: "g.json", field: "annotations[0].category_id", message: "category id 2 is not in `categories`")) {
      try COCOFormat.parseGroundTruth(Data(bad.utf8), file: "g.json")
    }
    #expect(throws: DetectionFormatError(file: "g.json", field: "images", message: "missing")) {
      try COCOFormat.parseGroundTruth(Data("{}".utf8), file: "g.json")
    }
  }
}
