// The `detection` assignment: the arithmetic under every detector and every
// detection benchmark. IoU in both box conventions (Detection/Box.swift),
// greedy NMS in torchvision's rule, average precision from a PR curve the
// VOC 2010+, VOC 2007 and COCO ways, and R-CNN's box encoding and decoding.
// (RoI pooling/align join once the roi-pooling experiment exists.)
import Detection
import Tensor

enum DetectionAssignment {
  /// Pairs whose IoU is known by hand, in both conventions (continuous / inclusive):
  /// the header example (1/7, 2/7), touching edges (0, 1/5), disjoint (0, 0),
  /// identical (1, 1), contained (1/4, 9/25), a point (0, 1).
  static let handPairs: [(Box, Box)] = [
    (Box(x1: 0, y1: 0, x2: 2, y2: 2), Box(x1: 1, y1: 1, x2: 3, y2: 3)),
    (Box(x1: 0, y1: 0, x2: 2, y2: 2), Box(x1: 2, y1: 0, x2: 4, y2: 2)),
    (Box(x1: 0, y1: 0, x2: 2, y2: 2), Box(x1: 5, y1: 5, x2: 7, y2: 9)),
    (Box(x1: 1, y1: 2, x2: 6, y2: 4), Box(x1: 1, y1: 2, x2: 6, y2: 4)),
    (Box(x1: 0, y1: 0, x2: 4, y2: 4), Box(x1: 1, y1: 1, x2: 3, y2: 3)),
    (Box(x1: 3, y1: 3, x2: 3, y2: 3), Box(x1: 3, y1: 3, x2: 3, y2: 3)),
  ]

  static func iouInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    if i == 0 { return Values(["a": NumericArray(boxes: handPairs.map(\.0)), "b": NumericArray(boxes: handPairs.map(\.1))]) }
    func box() -> Box {  // integer corners, so the inclusive convention means whole pixels
      let x1 = Double(rng.nextInt(below: 16)), y1 = Double(rng.nextInt(below: 16))
      return Box(x1: x1, y1: y1, x2: x1 + Double(rng.nextInt(below: 10)), y2: y1 + Double(rng.nextInt(below: 10)))
    }
    var a: [Box] = [], b: [Box] = []
    for _ in 0..<40 { a.append(box()); b.append(box()) }
    return Values(["a": NumericArray(boxes: a), "b": NumericArray(boxes: b)])
  }

  static func iouTest(_ convention: BoxConvention, points: Int) -> AssignmentTest {
    AssignmentTest(
      "iou-\(convention.rawValue)", "IoU, \(convention == .inclusive ? "inclusive (VOC's +1)" : "continuous") boxes: 6 pairs by hand + 40 random",
      region: "iou", points: points, cases: 2, tolerance: 1e-9, inputs: iouInputs,
      compute: { v, impl in
        Values(["iou": NumericArray(doubles: zip(try v.boxes("a"), try v.boxes("b")).map { impl.intersectionOverUnion($0, $1, convention) })])
      })
  }

  /// Clusters of jittered boxes with distinct scores (Float32 corners).
  static func nmsRandomInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    let (count, clusters, threshold) = [(60, 6, 0.5), (80, 4, 0.3), (40, 8, 0.7)][i]
    let centres = (0..<clusters).map { _ in (rng.uniform(10, 90), rng.uniform(10, 90), rng.uniform(8, 30)) }
    var flat: [Double] = []
    for k in 0..<count {
      let (cx, cy, side) = centres[k % clusters]
      let (x, y) = (cx + rng.uniform(-0.3, 0.3) * side, cy + rng.uniform(-0.3, 0.3) * side)
      let (w, h) = (side * rng.uniform(0.7, 1.3), side * rng.uniform(0.7, 1.3))
      flat += [x - w / 2, y - h / 2, x + w / 2, y + h / 2].map { Double(Float($0)) }
    }
    let scores = (0..<count).map { _ in Double(Float(rng.nextUniform())) }
    return Values([
      "boxes": NumericArray(shape: [count, 4], values: flat), "scores": NumericArray(doubles: scores),
      "threshold": NumericArray(scalar: threshold),
    ])
  }

  /// IoU exactly at the threshold (kept: suppression needs IoU > t), and equal
  /// scores (the lower index goes first).
  static func nmsBoundaryInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    let cases: [(boxes: [Double], scores: [Double], threshold: Double)] = [
      // IoU(0, 1) = 2/4 = 0.5 = t: both kept; 2 equals 0 and scores the same: 0 first, 2 suppressed.
      ([0, 0, 2, 2, 0, 0, 2, 1, 0, 0, 2, 2, 10, 10, 12, 12, 10, 10, 12, 11], [0.9, 0.8, 0.9, 0.5, 0.6], 0.5),
      // IoU(1, 0) = 1/4 = t: kept; IoU(2, 0) = 2/4 > t: suppressed; 3 and 4 tie on score and overlap fully.
      ([0, 0, 4, 1, 0, 0, 1, 1, 0, 0, 2, 1, 20, 0, 22, 2, 20, 0, 22, 2], [0.7, 0.6, 0.5, 0.4, 0.4], 0.25),
    ]
    let c = cases[i]
    return Values([
      "boxes": NumericArray(shape: [c.scores.count, 4], values: c.boxes), "scores": NumericArray(doubles: c.scores),
      "threshold": NumericArray(scalar: c.threshold),
    ])
  }

  static func nmsCompute(_ v: Values, _ impl: Implementation) throws -> Values {
    let keep = impl.nonMaxSuppression(try v.doubles("boxes").map { Float($0) }, try v.doubles("scores").map { Float($0) }, try v.scalar("threshold"))
    return Values(["keep": NumericArray(ints: keep)])
  }

  /// Cumulative recall and precision of a ranked list of detections.
  static func prInputs(_ i: Int, _ rng: inout SplitMix64) -> Values {
    var hits: [Bool]
    var groundTruths: Int
    switch i {
    case 0: (hits, groundTruths) = ([true, false, true], 2)  // the header's example: AP 0.8333
    case 1: (hits, groundTruths) = ((0..<30).map { _ in rng.nextUniform() < 0.5 }, 20)  // recall never reaches 1
    default: (hits, groundTruths) = ((0..<40).map { k in rng.nextUniform() < 0.8 - Double(k) / 60 }, 12)
    }
    var tp = 0, recall: [Double] = [], precision: [Double] = []
    for (k, hit) in hits.enumerated() {
      if hit && tp < groundTruths { tp += 1 }
      recall.append(Double(tp) / Double(groundTruths))
      precision.append(Double(tp) / Double(k + 1))
    }
    return Values(["recall": NumericArray(doubles: recall), "precision": NumericArray(doubles: precision)])
  }

  static func apTest(_ id: String, _ title: String, points: Int, _ f: @escaping @Sendable (Implementation) -> @Sendable ([Double], [Double]) -> Double) -> AssignmentTest {
    AssignmentTest(
      id, title, region: id, points: points, cases: 3, tolerance: 1e-9, inputs: prInputs,
      compute: { v, impl in Values(["ap": NumericArray(scalar: f(impl)(try v.doubles("recall"), try v.doubles("precision")))]) })
  }

  static func coderWeights(_ i: Int) -> (x: Double, y: Double, w: Double, h: Double) { i == 0 ? (1, 1, 1, 1) : (10, 10, 5, 5) }

  static func randomBoxes(_ count: Int, _ rng: inout SplitMix64) -> [Box] {
    (0..<count).map { _ in
      let (x, y, w, h) = (rng.uniform(0, 60), rng.uniform(0, 60), rng.uniform(4, 40), rng.uniform(4, 40))
      return Box(x1: x, y1: y, x2: x + w, y2: y + h)
    }
  }

  static let assignment = Assignment(
    id: "detection",
    title: "Detection: IoU in both box conventions, greedy NMS, average precision, box encoding",
    summary: """
      Write the measurements every detection chapter stands on: intersection over union for continuous \
      boxes (COCO, torchvision) and for inclusive ones (PASCAL VOC's "+1"), greedy non-maximum suppression \
      with torchvision's rule (visit by decreasing score, ties by lower index; suppress when IoU > t, in \
      Float32 arithmetic), average precision from a precision/recall curve three ways (VOC 2010+ area, \
      VOC 2007 11-point, COCO 101-point), and R-CNN's encoding of a box as offsets from an anchor and \
      back. The file headers state each convention; the chapters (map-evaluation, sliding-window) run on \
      your code.
      """,
    functions: [
      AssignedFunction(name: "Box.intersection(with:convention:)", file: "Sources/Detection/IntersectionOverUnion.swift", region: "iou"),
      AssignedFunction(name: "Box.intersectionOverUnion(with:convention:)", file: "Sources/Detection/IntersectionOverUnion.swift", region: "iou"),
      AssignedFunction(name: "nonMaxSuppression(flatBoxes:scores:iouThreshold:)", file: "Sources/Detection/NonMaxSuppression.swift", region: "nms"),
      AssignedFunction(name: "averagePrecisionArea(recall:precision:)", file: "Sources/Detection/AveragePrecision.swift", region: "ap-voc"),
      AssignedFunction(name: "averagePrecision11Point(recall:precision:)", file: "Sources/Detection/AveragePrecision.swift", region: "ap-voc07"),
      AssignedFunction(name: "interpolatedPrecision(recall:precision:at:)", file: "Sources/Detection/AveragePrecision.swift", region: "ap-coco"),
      AssignedFunction(name: "BoxCoder.encode(_:relativeTo:)", file: "Sources/Detection/BoxCoding.swift", region: "box-encode"),
      AssignedFunction(name: "BoxCoder.decode(_:relativeTo:)", file: "Sources/Detection/BoxCoding.swift", region: "box-decode"),
    ],
    tests: [
      iouTest(.continuous, points: 5),
      iouTest(.inclusive, points: 5),
      AssignmentTest(
        "nms-random", "greedy NMS on 3 sets of clustered boxes (thresholds 0.5, 0.3, 0.7)", region: "nms", points: 8, cases: 3,
        inputs: nmsRandomInputs, compute: nmsCompute),
      AssignmentTest(
        "nms-boundary", "greedy NMS: IoU exactly at the threshold is kept; equal scores go by index", region: "nms", points: 4, cases: 2,
        inputs: nmsBoundaryInputs, compute: nmsCompute),
      apTest("ap-voc", "AP, VOC 2010+ (area under the monotone envelope)", points: 5) { $0.averagePrecisionVOC },
      apTest("ap-voc07", "AP, VOC 2007 (11-point)", points: 4) { $0.averagePrecisionVOC07 },
      apTest("ap-coco", "AP, COCO (101-point, via interpolatedPrecision)", points: 5) { $0.averagePrecisionCOCO },
      AssignmentTest(
        "box-encode", "box encoding (weights 1,1,1,1 and 10,10,5,5)", region: "box-encode", points: 4, cases: 2, tolerance: 1e-9,
        inputs: { i, rng in
          let w = coderWeights(i)
          return Values([
            "boxes": NumericArray(boxes: randomBoxes(30, &rng)), "anchors": NumericArray(boxes: randomBoxes(30, &rng)),
            "weights": NumericArray(doubles: [w.x, w.y, w.w, w.h]),
          ])
        },
        compute: { v, impl in
          let w = try v.doubles("weights")
          let coder = BoxCoder(weights: (w[0], w[1], w[2], w[3]))
          let t = zip(try v.boxes("boxes"), try v.boxes("anchors")).flatMap { impl.encodeBox(coder, $0, $1) }
          return Values(["deltas": NumericArray(shape: [t.count / 4, 4], values: t)])
        }),
      AssignmentTest(
        "box-decode", "box decoding (incl. log-scales past the clip)", region: "box-decode", points: 5, cases: 2, tolerance: 1e-9,
        inputs: { i, rng in
          let w = coderWeights(i)
          var deltas = (0..<120).map { _ in rng.nextGaussian() * 0.5 }
          deltas[2] = 6 * w.w  // exp(6) x the anchor: clipped to 1000/16
          deltas[7] = 9 * w.h
          return Values([
            "deltas": NumericArray(shape: [30, 4], values: deltas), "anchors": NumericArray(boxes: randomBoxes(30, &rng)),
            "weights": NumericArray(doubles: [w.x, w.y, w.w, w.h]),
          ])
        },
        compute: { v, impl in
          let w = try v.doubles("weights")
          let coder = BoxCoder(weights: (w[0], w[1], w[2], w[3]))
          let d = try v.doubles("deltas")
          let boxes = try v.boxes("anchors").enumerated().map { k, anchor in impl.decodeBox(coder, Array(d[(4 * k)..<(4 * k + 4)]), anchor) }
          return Values(["boxes": NumericArray(boxes: boxes)])
        }),
    ])
}
