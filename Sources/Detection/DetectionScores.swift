// One scoring of a detection file, every requested way, as text and JSON.
// Used by `convnotes eval-detections`; the text follows pycocotools'
// summarize() lines so the two can be compared side by side.
import Foundation

public struct DetectionScores: Sendable, Codable {
  public struct PerClass: Sendable, Codable {
    public var categoryId: Int
    public var name: String
    public var groundTruths: Int
    public var detections: Int
    /// COCO AP@[.5:.95] (-1 without ground truth); nil when COCO was not asked.
    public var cocoAP: Double?
    public var voc07AP: Double?
    public var voc10AP: Double?
  }

  public var images: Int
  public var groundTruths: Int
  public var detections: Int
  /// The twelve COCOeval.summarize numbers, when COCO was asked.
  public var coco: [String: Double]?
  public var voc07mAP: Double?
  public var voc10mAP: Double?
  public var perClass: [PerClass]

  static let cocoKeys = [
    "AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge",
    "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge",
  ]

  /// Scores `detections`; `metric` is "coco", "voc07", "voc10" or "all".
  public static func compute(dataset: DetectionDataset, detections: [DetectedObject], metric: String) -> DetectionScores {
    let wantCOCO = metric == "coco" || metric == "all"
    let wantVOC = metric == "voc07" || metric == "voc10" || metric == "all"
    let coco = wantCOCO ? COCOEvaluation.evaluate(dataset, detections: detections) : nil
    let voc = wantVOC ? VOCEvaluation.evaluate(dataset, detections: detections) : nil
    var perClass: [PerClass] = []
    for category in dataset.categories.sorted(by: { $0.id < $1.id }) {
      let vocClass = voc?.classes.first { $0.categoryId == category.id }
      perClass.append(
        PerClass(
          categoryId: category.id, name: category.name,
          groundTruths: dataset.objects.filter { $0.categoryId == category.id }.count,
          detections: detections.filter { $0.categoryId == category.id }.count,
          cocoAP: coco?.averagePrecision(category: category.id),
          voc07AP: metric == "voc10" ? nil : vocClass.map { $0.ap07 ?? -1 },
          voc10AP: metric == "voc07" ? nil : vocClass.map { $0.ap10 ?? -1 }))
    }
    return DetectionScores(
      images: dataset.imageIds.count, groundTruths: dataset.objects.count, detections: detections.count,
      coco: coco.map { Dictionary(uniqueKeysWithValues: zip(cocoKeys, $0.summary.all)) },
      voc07mAP: metric == "voc10" ? nil : voc?.map07, voc10mAP: metric == "voc07" ? nil : voc?.map10,
      perClass: perClass)
  }

  /// Pretty, key-sorted JSON (full precision).
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else {
      return "{}"
    }
    return text + "\n"
  }

  /// pycocotools-style summary lines, then a per-class table.
  public var table: String {
    var lines = ["\(images) images, \(groundTruths) ground-truth boxes, \(detections) detections"]
    if let coco {
      let rows: [(String, String, String, String)] = [
        ("Average Precision", "0.50:0.95", "all", "100"), ("Average Precision", "0.50", "all", "100"),
        ("Average Precision", "0.75", "all", "100"), ("Average Precision", "0.50:0.95", "small", "100"),
        ("Average Precision", "0.50:0.95", "medium", "100"), ("Average Precision", "0.50:0.95", "large", "100"),
        ("Average Recall", "0.50:0.95", "all", "1"), ("Average Recall", "0.50:0.95", "all", "10"),
        ("Average Recall", "0.50:0.95", "all", "100"), ("Average Recall", "0.50:0.95", "small", "100"),
        ("Average Recall", "0.50:0.95", "medium", "100"), ("Average Recall", "0.50:0.95", "large", "100"),
      ]
      for (key, row) in zip(Self.cocoKeys, rows) {
        let short = row.0 == "Average Precision" ? "(AP)" : "(AR)"
        lines.append(
          " \(row.0.padding(18)) \(short) @[ IoU=\(row.1.padding(9)) | area=\(row.2.leftPadding(6)) | maxDets=\(row.3.leftPadding(3)) ] = \(fixed(coco[key] ?? -1, 3))"
        )
      }
    }
    if let voc07mAP { lines.append(" VOC 2007 mAP (11-point, IoU > 0.5) = \(fixed(voc07mAP, 4))") }
    if let voc10mAP { lines.append(" VOC 2010 mAP (area, IoU > 0.5)     = \(fixed(voc10mAP, 4))") }
    lines.append("")
    var header = "category".padding(20) + "  gt    det "
    if coco != nil { header += "  COCO AP" }
    if voc07mAP != nil { header += "  VOC07 AP" }
    if voc10mAP != nil { header += "  VOC10 AP" }
    lines.append(header)
    for c in perClass {
      var line = String(c.name.prefix(20)).padding(20) + String(c.groundTruths).leftPadding(5)
        + String(c.detections).leftPadding(7)
      if let ap = c.cocoAP { line += fixed(ap, 4).leftPadding(9) }
      if let ap = c.voc07AP { line += fixed(ap, 4).leftPadding(10) }
      if let ap = c.voc10AP { line += fixed(ap, 4).leftPadding(10) }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// `value` with `digits` decimals (printf's %.Nf).
public func fixed(_ value: Double, _ digits: Int) -> String {
  String(format: "%.\(digits)f", value)
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
  fileprivate func leftPadding(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
