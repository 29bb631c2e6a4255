// COCO bounding-box evaluation: AP@[.5:.95], AP50, AP75, AP by object size,
// AR@1/10/100 and AR by size, exactly as pycocotools' COCOeval computes them
// (Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014;
// cocodataset/cocoapi PythonAPI/pycocotools/cocoeval.py).
//
// Conventions, all pycocotools':
// - boxes are [x, y, w, h], continuous; IoU as maskApi's bbIou, in Double;
//   a crowd ground truth's "union" is the detection's own area.
// - per image and category, detections are sorted by score (stable: file
//   order breaks ties) and cut to the largest max-detections (100).
// - a detection matches the unmatched ground truth with the highest IoU
//   >= t; non-ignored ground truths are preferred over ignored ones; a crowd
//   ground truth can absorb any number of detections.
// - ignored ground truths (crowd, or area outside the size range) and the
//   detections matched to them count neither way; an unmatched detection
//   outside the size range is ignored too.
// - precision is made monotone from the right and sampled at 101 recall
//   thresholds; AP averages it over thresholds, categories (with at least
//   one non-ignored ground truth) and, for AP@[.5:.95], IoU thresholds.
// Thresholds are computed as numpy.linspace computes them, so a detection
// whose IoU lands exactly on a threshold is decided the same way.
//
// One deliberate difference: pycocotools records a match by the ground
// truth's id and tests it for non-zero, so a ground truth with id 0 can
// never be matched. Here a match is a match whatever the id.

/// A named object-size range, in pixels of area: [lower, upper].
public struct AreaRange: Sendable, Equatable {
  public var name: String
  public var lower: Double
  public var upper: Double
  public init(_ name: String, _ lower: Double, _ upper: Double) {
    (self.name, self.lower, self.upper) = (name, lower, upper)
  }
  public func contains(_ area: Double) -> Bool { !(area < lower || area > upper) }
}

/// What COCOeval calls `Params` for `iouType="bbox"`.
public struct COCOParameters: Sendable {
  public var iouThresholds: [Double]
  public var recallThresholds: [Double]
  public var maxDetections: [Int]
  public var areaRanges: [AreaRange]

  public init(
    iouThresholds: [Double] = cocoIoUThresholds, recallThresholds: [Double] = cocoRecallThresholds,
    maxDetections: [Int] = [1, 10, 100],
    areaRanges: [AreaRange] = [
      AreaRange("all", 0, 1e10), AreaRange("small", 0, 32 * 32),
      AreaRange("medium", 32 * 32, 96 * 96), AreaRange("large", 96 * 96, 1e10),
    ]
  ) {
    precondition(!maxDetections.isEmpty && !areaRanges.isEmpty && !iouThresholds.isEmpty)
    self.iouThresholds = iouThresholds
    self.recallThresholds = recallThresholds
    self.maxDetections = maxDetections
    self.areaRanges = areaRanges
  }
}

/// numpy.linspace(0.5, 0.95, 10), bit for bit.
public let cocoIoUThresholds: [Double] = {
  let step = (0.95 - 0.5) / 9
  return (0..<10).map { $0 == 9 ? 0.95 : Double($0) * step + 0.5 }
}()

/// The twelve numbers COCOeval.summarize prints, in its order.
public struct COCOSummary: Sendable, Equatable, Codable {
  public var ap, ap50, ap75, apSmall, apMedium, apLarge: Double
  public var ar1, ar10, ar100, arSmall, arMedium, arLarge: Double

  public var all: [Double] {
    [ap, ap50, ap75, apSmall, apMedium, apLarge, ar1, ar10, ar100, arSmall, arMedium, arLarge]
  }
  public static let labels = [
    "AP @[.50:.95]", "AP @.50", "AP @.75", "AP small", "AP medium", "AP large",
    "AR maxDets=1", "AR maxDets=10", "AR maxDets=100", "AR small", "AR medium", "AR large",
  ]
}

/// The accumulated result of a COCO evaluation.
public struct COCOEvaluation: Sendable {
  public let parameters: COCOParameters
  public let categoryIds: [Int]
  /// precision[t][r][k][a][m], flattened; -1 where a category has no ground truth.
  public let precision: [Double]
  /// recall[t][k][a][m], flattened; -1 where undefined.
  public let recall: [Double]
  /// Raw (un-interpolated) PR curves per category and IoU threshold, for area
  /// "all" and the largest max-detections: curves[k][t].
  public let curves: [[(recall: [Double], precision: [Double])]]

  var counts: (t: Int, r: Int, k: Int, a: Int, m: Int) {
    (
      parameters.iouThresholds.count, parameters.recallThresholds.count, categoryIds.count,
      parameters.areaRanges.count, parameters.maxDetections.count
    )
  }

  public func precisionAt(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double {
    let c = counts
    return precision[(((t * c.r + r) * c.k + k) * c.a + a) * c.m + m]
  }

  public func recallAt(t: Int, k: Int, a: Int, m: Int) -> Double {
    let c = counts
    return recall[((t * c.k + k) * c.a + a) * c.m + m]
  }

  /// COCOeval._summarize: mean precision (ap) or recall over the defined
  /// entries; -1 when none is defined.
  public func summarize(
    averagePrecision: Bool, iouThreshold: Double? = nil, area: String = "all", maxDetections: Int = 100,
    categories: [Int]? = nil
  ) -> Double {
    let c = counts
    guard let a = parameters.areaRanges.firstIndex(where: { $0.name == area }),
      let m = parameters.maxDetections.firstIndex(of: maxDetections)
    else { return -1 }
    let ts = iouThreshold.map { t in parameters.iouThresholds.indices.filter { parameters.iouThresholds[$0] == t } }
      ?? Array(0..<c.t)
    let ks = categories.map { ids in ids.compactMap { categoryIds.firstIndex(of: $0) } } ?? Array(0..<c.k)
    var sum = 0.0
    var n = 0
    for t in ts {
      for k in ks {
        if averagePrecision {
          for r in 0..<c.r {
            let v = precisionAt(t: t, r: r, k: k, a: a, m: m)
            if v > -1 { sum += v; n += 1 }
          }
        } else {
          let v = recallAt(t: t, k: k, a: a, m: m)
          if v > -1 { sum += v; n += 1 }
        }
      }
    }
    return n == 0 ? -1 : sum / Double(n)
  }

  /// The twelve standard numbers (COCOeval.summarize's `stats`).
  public var summary: COCOSummary {
    let maxDet = parameters.maxDetections.last ?? 100
    func ap(_ iou: Double? = nil, _ area: String = "all") -> Double {
      summarize(averagePrecision: true, iouThreshold: iou, area: area, maxDetections: maxDet)
    }
    func ar(_ area: String = "all", _ m: Int) -> Double {
      summarize(averagePrecision: false, area: area, maxDetections: m)
    }
    let md = parameters.maxDetections
    return COCOSummary(
      ap: ap(), ap50: ap(cocoIoUThresholds[0]), ap75: ap(cocoIoUThresholds[5]),
      apSmall: ap(nil, "small"), apMedium: ap(nil, "medium"), apLarge: ap(nil, "large"),
      ar1: ar("all", md[0]), ar10: ar("all", md[min(1, md.count - 1)]), ar100: ar("all", maxDet),
      arSmall: ar("small", maxDet), arMedium: ar("medium", maxDet), arLarge: ar("large", maxDet))
  }

  /// AP (area "all", largest max-detections) at each IoU threshold.
  public var averagePrecisionPerIoU: [Double] {
    parameters.iouThresholds.map { summarize(averagePrecision: true, iouThreshold: $0) }
  }

  /// AP@[.5:.95] of one category, or -1 when it has no ground truth.
  public func averagePrecision(category: Int, iouThreshold: Double? = nil) -> Double {
    summarize(averagePrecision: true, iouThreshold: iouThreshold, categories: [category])
  }
}

extension COCOEvaluation {
  /// Evaluates `detections` against `dataset` (COCOeval.evaluate + accumulate).
  public static func evaluate(
    _ dataset: DetectionDataset, detections: [DetectedObject], parameters: COCOParameters = COCOParameters()
  ) -> COCOEvaluation {
    let imageIds = Array(Set(dataset.imageIds)).sorted()
    let categoryIds = Array(Set(dataset.categories.map(\.id))).sorted()
    let imageIndex = Dictionary(uniqueKeysWithValues: imageIds.enumerated().map { ($1, $0) })
    let categoryIndex = Dictionary(uniqueKeysWithValues: categoryIds.enumerated().map { ($1, $0) })
    let (I, K) = (imageIds.count, categoryIds.count)

    // Group by (category, image), keeping file order.
    var gtCells = [Int: [Int]]()
    for (n, g) in dataset.objects.enumerated() {
      guard let k = categoryIndex[g.categoryId], let i = imageIndex[g.imageId] else { continue }
      gtCells[k * I + i, default: []].append(n)
    }
    var dtCells = [Int: [Int]]()
    for (n, d) in detections.enumerated() {
      guard let k = categoryIndex[d.categoryId], let i = imageIndex[d.imageId] else { continue }
      dtCells[k * I + i, default: []].append(n)
    }

    let maxDet = parameters.maxDetections.max() ?? 100
    let T = parameters.iouThresholds.count
    let A = parameters.areaRanges.count
    // evaluated[k][a][i]
    var evaluated = [ImageEvaluation?](repeating: nil, count: K * A * I)
    for key in Set(gtCells.keys).union(dtCells.keys) {
      let (k, i) = (key / I, key % I)
      let gts = (gtCells[key] ?? []).map { dataset.objects[$0] }
      var dtOrder = dtCells[key] ?? []
      dtOrder = stableSortedByScore(dtOrder) { detections[$0].score }
      if dtOrder.count > maxDet { dtOrder.removeLast(dtOrder.count - maxDet) }
      let dts = dtOrder.map { detections[$0] }
      let ious = boxIoU(detections: dts, groundTruths: gts)
      for a in 0..<A {
        evaluated[(k * A + a) * I + i] = evaluateImage(
          gts: gts, dts: dts, ious: ious, area: parameters.areaRanges[a], thresholds: parameters.iouThresholds)
      }
    }

    // Accumulate.
    let R = parameters.recallThresholds.count
    let M = parameters.maxDetections.count
    var precision = [Double](repeating: -1, count: T * R * K * A * M)
    var recall = [Double](repeating: -1, count: T * K * A * M)
    var curves = [[(recall: [Double], precision: [Double])]](
      repeating: [(recall: [Double], precision: [Double])](repeating: ([], []), count: T), count: K)
    for k in 0..<K {
      for a in 0..<A {
        for (m, limit) in parameters.maxDetections.enumerated() {
          var scores: [Double] = []
          var refs: [(e: Int, d: Int)] = []
          var positives = 0
          for i in 0..<I {
            guard let e = evaluated[(k * A + a) * I + i] else { continue }
            positives += e.nonIgnoredGroundTruths
            for d in 0..<min(limit, e.scores.count) {
              scores.append(e.scores[d])
              refs.append(((k * A + a) * I + i, d))
            }
          }
          if positives == 0 { continue }
          let order = stableSortedByScore(Array(scores.indices)) { scores[$0] }
          for t in 0..<T {
            var tp = 0.0
            var fp = 0.0
            var rc = [Double]()
            var pr = [Double]()
            rc.reserveCapacity(order.count)
            pr.reserveCapacity(order.count)
            for o in order {
              let ref = refs[o]
              guard let e = evaluated[ref.e] else { continue }
              let D = e.scores.count
              if !e.ignored[t * D + ref.d] {
                if e.matched[t * D + ref.d] { tp += 1 } else { fp += 1 }
              }
              rc.append(tp / Double(positives))
              pr.append(tp / (fp + tp + Double.ulpOfOne))
            }
            recall[((t * K + k) * A + a) * M + m] = rc.last ?? 0
            let q = interpolatedPrecision(recall: rc, precision: pr, at: parameters.recallThresholds)
            for r in 0..<R { precision[(((t * R + r) * K + k) * A + a) * M + m] = q[r] }
            if a == 0 && m == M - 1 { curves[k][t] = (rc, pr) }
          }
        }
      }
    }
    return COCOEvaluation(
      parameters: parameters, categoryIds: categoryIds, precision: precision, recall: recall, curves: curves)
  }
}

/// The per-image, per-category, per-size result COCOeval.evaluateImg returns.
struct ImageEvaluation: Sendable {
  /// Detection scores, sorted (D).
  var scores: [Double]
  /// matched[t * D + d]: detection d matched a ground truth at threshold t.
  var matched: [Bool]
  /// ignored[t * D + d]: detection d counts neither as TP nor FP at threshold t.
  var ignored: [Bool]
  var nonIgnoredGroundTruths: Int
}

/// Indices sorted by decreasing key; equal keys keep their order (mergesort).
func stableSortedByScore(_ indices: [Int], _ key: (Int) -> Double) -> [Int] {
  let keyed = indices.enumerated().map { (position: $0.offset, index: $0.element, key: key($0.element)) }
  return keyed.sorted { $0.key != $1.key ? $0.key > $1.key : $0.position < $1.position }.map(\.index)
}

/// maskApi.c bbIou: ious[d * G + g], crowd ground truths use the detection area as union.
func boxIoU(detections: [DetectedObject], groundTruths: [GroundTruthObject]) -> [Double] {
  let (D, G) = (detections.count, groundTruths.count)
  var ious = [Double](repeating: 0, count: D * G)
  for g in 0..<G {
    let gb = groundTruths[g].bbox
    let ga = gb.width * gb.height
    let crowd = groundTruths[g].isCrowd
    for d in 0..<D {
      let db = detections[d].bbox
      let da = db.width * db.height
      let w = min(db.width + db.x, gb.width + gb.x) - max(db.x, gb.x)
      if w <= 0 { continue }
      let h = min(db.height + db.y, gb.height + gb.y) - max(db.y, gb.y)
      if h <= 0 { continue }
      let i = w * h
      let u = crowd ? da : da + ga - i
      ious[d * G + g] = i / u
    }
  }
  return ious
}

/// COCOeval.evaluateImg for one image, one category, one size range.
func evaluateImage(
  gts: [GroundTruthObject], dts: [DetectedObject], ious: [Double], area: AreaRange, thresholds: [Double]
) -> ImageEvaluation? {
  if gts.isEmpty && dts.isEmpty { return nil }
  let G = gts.count
  let D = dts.count
  let T = thresholds.count
  let ignoreOf = gts.map { $0.isCrowd || !area.contains($0.area) }
  // Stable sort: non-ignored ground truths first.
  let gOrder = gts.indices.filter { !ignoreOf[$0] } + gts.indices.filter { ignoreOf[$0] }
  let gIgnore = gOrder.map { ignoreOf[$0] }
  let gCrowd = gOrder.map { gts[$0].isCrowd }
  var gtMatched = [Bool](repeating: false, count: T * G)
  var matched = [Bool](repeating: false, count: T * D)
  var ignored = [Bool](repeating: false, count: T * D)
  if G > 0 && D > 0 {
    // snippet.matching
    for (t, threshold) in thresholds.enumerated() {
      for d in 0..<D {  // detections by decreasing score
        var best = min(threshold, 1 - 1e-10)
        var m = -1
        for g in 0..<G {
          if gtMatched[t * G + g] && !gCrowd[g] { continue }
          if m > -1 && !gIgnore[m] && gIgnore[g] { break }
          let iou = ious[d * G + gOrder[g]]
          if iou < best { continue }
          best = iou
          m = g
        }
        if m == -1 { continue }
        ignored[t * D + d] = gIgnore[m]
        matched[t * D + d] = true
        gtMatched[t * G + m] = true
      }
    }
    // snippet.end
  }
  for d in 0..<D where !area.contains(dts[d].bbox.width * dts[d].bbox.height) {
    for t in 0..<T where !matched[t * D + d] { ignored[t * D + d] = true }
  }
  return ImageEvaluation(
    scores: dts.map(\.score), matched: matched, ignored: ignored,
    nonIgnoredGroundTruths: gIgnore.filter { !$0 }.count)
}
