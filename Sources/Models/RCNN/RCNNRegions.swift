// R-CNN's training regions (Girshick et al., CVPR 2014, §2.3 and appendix B):
// each scene's ground-truth boxes and its Selective Search proposals, with
// the IoU of each against every ground truth. Fine-tuning labels a region by
// its best ground truth (IoU >= 0.5: that class, else background); the SVM
// of class c takes the ground truths of c as positives and the proposals with
// IoU < 0.3 with every instance of c as negatives; box regression takes the
// proposals with IoU >= 0.6 to a ground truth, to that box.
import Datasets
import Detection
import Tensor

public struct RCNNRegion: Sendable {
  public var scene: Int
  public var box: Box
  public var isGroundTruth: Bool
  /// The best-overlapping ground truth (index into the scene's objects) and that IoU; nil without objects.
  public var bestObject: Int?
  public var bestIoU: Double
  /// Per class, the largest IoU with an instance of it (0 when the scene has none).
  public var classIoU: [Double]

  /// The fine-tuning label: the best object's class when IoU >= `threshold`, else background (10).
  public func label(objects: [[LabeledBox]], threshold: Double) -> Int {
    guard let o = bestObject, bestIoU >= threshold else { return RCNNNetwork.background }
    return objects[scene][o].label
  }
}

public enum RCNNRegions {
  /// Ground truths first, then the proposals, scene by scene.
  public static func make(_ scenes: FashionScenes, proposals: [[Box]], includeGroundTruth: Bool = true) -> [RCNNRegion] {
    var out: [RCNNRegion] = []
    for i in 0..<scenes.count {
      let objects = scenes.objects[i]
      let truth = objects.map(\.box)
      let boxes = (includeGroundTruth ? truth : []) + proposals[i]
      let ious = truth.isEmpty ? [] : iouMatrix(boxes, truth)
      for (k, box) in boxes.enumerated() {
        var classIoU = [Double](repeating: 0, count: RCNNNetwork.classes)
        var best: Int? = nil
        var bestIoU = 0.0
        for (j, o) in objects.enumerated() {
          let v = ious[k][j]
          classIoU[o.label] = max(classIoU[o.label], v)
          if best == nil || v > bestIoU { (best, bestIoU) = (j, v) }
        }
        out.append(RCNNRegion(scene: i, box: box, isGroundTruth: includeGroundTruth && k < truth.count, bestObject: best, bestIoU: bestIoU, classIoU: classIoU))
      }
    }
    return out
  }
}
