// The FashionScenes ground truth as a detection data set, and every
// detector's answers scored the same way: VOC 2007 (11-point) and VOC 2010
// (area) mean AP at IoU 0.5, and COCO's twelve numbers, by our evaluation
// (Detection/VOCEvaluation, Detection/COCOEvaluation; chapter map-evaluation).
// Conventions: image ids 1...count in scene order; category id = label + 1,
// named by FashionMNIST.shortClassNames; every class is a category, so a
// class absent from the scenes is left out of the VOC mean (AP undefined)
// and scores -1 in COCO's per-class arrays as pycocotools does.
import Detection

/// VOC and COCO scores of one detector on one set of scenes.
public struct SceneDetectionScores: Sendable {
  public var voc: VOCEvaluation
  public var coco: COCOSummary

  /// VOC 2007 11-point mean AP (the number R-CNN and Fast R-CNN report).
  public var map07: Double { voc.map07 }
  /// VOC 2010+ area mean AP.
  public var map10: Double { voc.map10 }
}

extension FashionScenes {
  /// The objects of every scene as COCO-style ground truth (ids 1...).
  public var detectionDataset: DetectionDataset {
    var objects: [GroundTruthObject] = []
    for (i, scene) in self.objects.enumerated() {
      for o in scene {
        objects.append(
          GroundTruthObject(
            id: objects.count + 1, imageId: i + 1, categoryId: o.label + 1,
            bbox: COCOBox(x: o.box.x1, y: o.box.y1, width: o.box.width(), height: o.box.height())))
      }
    }
    let categories = FashionMNIST.shortClassNames.enumerated().map { Category(id: $0 + 1, name: $1) }
    return DetectionDataset(imageIds: (0..<count).map { $0 + 1 }, categories: categories, objects: objects)
  }

  /// Scores per-scene detections (`detections[i]` for scene i) against these scenes.
  public func score(_ detections: [[ScoredDetection]]) -> SceneDetectionScores {
    precondition(detections.count == count, "FashionScenes.score: \(detections.count) detection lists for \(count) scenes")
    let data = detectionDataset
    let found = detections.detectedObjects()
    return SceneDetectionScores(
      voc: VOCEvaluation.evaluate(data, detections: found),
      coco: COCOEvaluation.evaluate(data, detections: found).summary)
  }
}
