// libFuzzer target: COCO JSON, as ground truth and as detections (against a
// fixed two-image ground truth, and against the input's own if it parses),
// then the COCO and VOC scores and the warnings of whatever parsed.
import Detection
import Foundation

let fixed = try! COCOFormat.parseGroundTruth(
  Data(#"{"images":[{"id":1},{"id":2}],"categories":[{"id":1,"name":"a"},{"id":2}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,10,10]},{"id":2,"image_id":2,"category_id":2,"bbox":[5,5,4,8],"iscrowd":1}]}"#.utf8),
  file: "fixed-gt.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  let own = try? COCOFormat.parseGroundTruth(data, file: "fuzz-gt.json")
  for dataset in [fixed] + (own.map { [$0] } ?? []) {
    // (scored only when small: a debug build with ASan scores the full fixtures in seconds)
    if let detections = try? COCOFormat.parseDetections(data, file: "fuzz-dt.json", for: dataset),
      detections.count <= 64, dataset.objects.count <= 256
    {
      _ = DetectionScores.compute(dataset: dataset, detections: detections, metric: "all")
      _ = COCOFormat.warnings(dataset: dataset, detections: detections, detectionsFile: "fuzz-dt.json")
    }
  }
  return 0
}
