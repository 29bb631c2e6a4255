// The error analysis of YOLO's Figure 4 (Redmon et al., CVPR 2016, §4.2),
// after Hoiem, Chodpathumwan and Dai, "Diagnosing Error in Object
// Detectors", ECCV 2012: for each class, the top N detections of that class
// over the test set (N = the class's number of objects), each one:
//   correct      right class, IoU > 0.5 with an object not yet matched;
//   localization right class, 0.1 < IoU < 0.5, or IoU > 0.5 with an object
//                already matched by a higher-scored detection (a duplicate);
//   similar      a similar class (see `groups`), IoU > 0.1;
//   other        another class, IoU > 0.1;
//   background   IoU < 0.1 with every object.
// Similar classes (ours; Hoiem's are animals, vehicles, furniture): the
// tops (T-shirt, pullover, dress, coat, shirt) and the footwear (sandal,
// sneaker, ankle boot); trouser and bag are alone.
import Detection

enum ErrorAnalysis {
  enum Kind: String, CaseIterable {
    case correct, localization, similar, other, background
    var label: String {
      switch self {
      case .correct: "correct"
      case .localization: "localization"
      case .similar: "similar class"
      case .other: "other class"
      case .background: "background"
      }
    }
  }

  /// The similar-class groups (Fashion-MNIST labels).
  static let groups: [Set<Int>] = [[0, 2, 3, 4, 6], [5, 7, 9], [1], [8]]

  static func similar(_ a: Int, _ b: Int) -> Bool { groups.contains { $0.contains(a) && $0.contains(b) } }

  struct Breakdown {
    var counts: [Kind: Int] = [:]
    var total: Int { counts.values.reduce(0, +) }
    func fraction(_ kind: Kind) -> Double { total == 0 ? 0 : Double(counts[kind] ?? 0) / Double(total) }
  }

  static func classify(_ d: ScoredDetection, objects: [LabeledBox], matched: inout Set<Int>) -> Kind {
    var bestSame = (iou: 0.0, index: -1)
    var bestSimilar = 0.0, bestOther = 0.0
    for (j, o) in objects.enumerated() {
      let iou = d.box.intersectionOverUnion(with: o.box)
      if o.label == d.label {
        if iou > bestSame.iou { bestSame = (iou, j) }
      } else if similar(o.label, d.label) {
        bestSimilar = max(bestSimilar, iou)
      } else {
        bestOther = max(bestOther, iou)
      }
    }
    if bestSame.iou > 0.5 && !matched.contains(bestSame.index) {
      matched.insert(bestSame.index)
      return .correct
    }
    if bestSame.iou > 0.1 { return .localization }
    if bestSimilar > 0.1 { return .similar }
    if bestOther > 0.1 { return .other }
    return .background
  }

  static func of(_ detections: [[ScoredDetection]], _ objects: [[LabeledBox]], classes: Int) -> Breakdown {
    var result = Breakdown()
    for c in 0..<classes {
      let n = objects.flatMap { $0 }.filter { $0.label == c }.count
      var found: [(image: Int, detection: ScoredDetection)] = []
      for (i, list) in detections.enumerated() { for d in list where d.label == c { found.append((i, d)) } }
      found.sort { $0.detection.score != $1.detection.score ? $0.detection.score > $1.detection.score : $0.image < $1.image }
      var matched = [Set<Int>](repeating: [], count: objects.count)
      for (image, d) in found.prefix(n) {
        result.counts[classify(d, objects: objects[image], matched: &matched[image]), default: 0] += 1
      }
    }
    return result
  }
}
