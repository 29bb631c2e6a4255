// How well a localization net does on scenes with known boxes: class
// accuracy, mean IoU with the true box, and localization accuracy (right
// class and IoU >= 0.5, the lecture's criterion), over every object slot.
import Datasets
import Detection

public struct LocalizationScores: Codable, Sendable, Equatable {
  public var classAccuracy: Double
  public var meanIoU: Double
  public var localizationAccuracy: Double

  /// Scores of `predicted` against `truth` (slot by slot), and each slot's IoU.
  public static func of(_ predicted: [[LabeledBox]], _ truth: [[LabeledBox]]) -> (scores: LocalizationScores, ious: [Double]) {
    var right = 0, localized = 0, total = 0
    var ious: [Double] = []
    for (p, t) in zip(predicted, truth) {
      for (a, b) in zip(p, t) {
        let iou = a.box.intersectionOverUnion(with: b.box)
        ious.append(iou)
        total += 1
        if a.label == b.label { right += 1 }
        if a.label == b.label && iou >= 0.5 { localized += 1 }
      }
    }
    let n = Double(max(total, 1))
    return (LocalizationScores(classAccuracy: Double(right) / n, meanIoU: ious.reduce(0, +) / n, localizationAccuracy: Double(localized) / n), ious)
  }
}

extension LocalizationNetwork {
  /// The net's answers on `scenes` and their scores against `objects`.
  public func evaluate(_ scenes: FashionScenes, objects: [[LabeledBox]]) -> (scores: LocalizationScores, predicted: [[LabeledBox]], ious: [Double]) {
    let (logits, boxes) = predict(scenes.images)
    let predicted = decode(logits: logits, boxes: boxes)
    let (scores, ious) = LocalizationScores.of(predicted, objects)
    return (scores, predicted, ious)
  }
}
