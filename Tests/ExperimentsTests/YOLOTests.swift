// YOLO v1 (Models/YOLO, Lecture08/YOLO): equation (3) on a 2 x 2 grid worked
// out by hand (targets, each term, the gradient), the responsible-box rule
// and its fallback, one object per cell, a finite-difference check of the
// loss's gradient, Leaky ReLU's gradient, decoding (score = p(c) x
// confidence, per-class NMS), the network's output size, mirroring, and
// the error-analysis categories.
import Datasets
import Detection
import Layers
import Models
import Tensor
import Testing

@testable import Experiments

@Suite struct YOLOTests {
  /// S = 2, B = 2, C = 2 on a 2 px image: cells of 1 px.
  static let grid = YOLOGrid(cells: 2, boxesPerCell: 2, classes: 2, imageSize: 2)

  static func set(_ p: inout Tensor, cell: Int, box: Int, _ values: [Float]) {
    for (f, v) in values.enumerated() { p.scalars[grid.boxIndex(cell: cell, box: box, field: f)] = v }
  }

  static func setClasses(_ p: inout Tensor, cell: Int, _ values: [Float]) {
    for (c, v) in values.enumerated() { p.scalars[grid.classIndex(cell: cell, class: c)] = v }
  }

  /// One object of class 1, centre (0.5, 1.6), 0.5 x 0.72 px: cell (row 1, column 0) = cell 2,
  /// offsets x = 0.5, y = 0.6, sqrt w = sqrt(0.25) = 0.5, sqrt h = sqrt(0.36) = 0.6.
  static let object = LabeledBox(label: 1, x1: 0.25, y1: 1.24, x2: 0.75, y2: 1.96)

  static func handPrediction() -> Tensor {
    var p = Tensor(zeros: [1, grid.outputs])
    // Box 0 of cell 2: centre (0.5, 1.5), 0.5 x 0.5 -> (0.25, 1.25)-(0.75, 1.75); IoU 0.25 / 0.36.
    set(&p, cell: 2, box: 0, [0.5, 0.5, 0.5, 0.5, 0.8])
    // Box 1 of cell 2: centre (0, 1), 0.02 x 0.02: no overlap.
    set(&p, cell: 2, box: 1, [0, 0, 0.1, 0.1, 0.3])
    setClasses(&p, cell: 2, [0.2, 0.6])
    // Cell 1 (row 0, column 1): a confident box and class scores where there is no object.
    set(&p, cell: 1, box: 0, [0.5, 0.5, 0.3, 0.3, 0.4])
    setClasses(&p, cell: 1, [0.9, 0.9])
    return p
  }

  @Test func equationThreeOnAHandWorkedGrid() {
    let p = Self.handPrediction()
    let t = YOLOTargets.make(prediction: p, objects: [[Self.object]], grid: Self.grid)
    #expect(t.responsible[0].count == 1 && t.responsible[0][0].cell == 2 && t.responsible[0][0].box == 0)
    let loss = yoloLoss(prediction: p, targets: t)
    let iou: Float = 0.25 / 0.36
    // coord: 5 [(0.5 - 0.5)^2 + (0.5 - 0.6)^2 + (0.5 - 0.5)^2 + (0.5 - 0.6)^2] = 0.1
    #expect(abs(loss.terms[.coord]! - 0.1) < 1e-5)
    // object: (0.8 - 25/36)^2
    #expect(abs(loss.terms[.object]! - (0.8 - iou) * (0.8 - iou)) < 1e-5)
    // no object: 0.5 (0.3^2 + 0.4^2) = 0.125 (cell 2's other box, cell 1's box; the rest are 0)
    #expect(abs(loss.terms[.noObject]! - 0.125) < 1e-5)
    // classes: only cell 2: 0.2^2 + (0.6 - 1)^2 = 0.2; cell 1's 0.9s cost nothing.
    #expect(abs(loss.terms[.classes]! - 0.2) < 1e-5)
    #expect(abs(loss.value - (0.1 + (0.8 - iou) * (0.8 - iou) + 0.125 + 0.2)) < 1e-5)
    // Gradient 2 w (p - t).
    let g = loss.gradient.scalars
    let at = { (cell: Int, box: Int, field: Int) in g[Self.grid.boxIndex(cell: cell, box: box, field: field)] }
    #expect(abs(at(2, 0, 0)) < 1e-6 && abs(at(2, 0, 1) + 1) < 1e-5 && abs(at(2, 0, 2)) < 1e-6 && abs(at(2, 0, 3) + 1) < 1e-5)
    #expect(abs(at(2, 0, 4) - 2 * (0.8 - iou)) < 1e-5)
    #expect(abs(at(2, 1, 4) - 0.3) < 1e-6 && at(2, 1, 0) == 0 && at(2, 1, 2) == 0)  // not responsible: only its confidence
    #expect(abs(at(1, 0, 4) - 0.4) < 1e-6 && at(1, 0, 0) == 0)
    #expect(abs(g[Self.grid.classIndex(cell: 2, class: 0)] - 0.4) < 1e-6 && abs(g[Self.grid.classIndex(cell: 2, class: 1)] + 0.8) < 1e-6)
    #expect(g[Self.grid.classIndex(cell: 1, class: 0)] == 0)
  }

  @Test func theBoxWithTheHigherIoUIsResponsible() {
    var p = Self.handPrediction()
    // Box 1 now sits exactly on the object: IoU 1 > 25/36.
    Self.set(&p, cell: 2, box: 1, [0.5, 0.6, 0.5, 0.6, 0.3])
    let t = YOLOTargets.make(prediction: p, objects: [[Self.object]], grid: Self.grid)
    #expect(t.responsible[0][0].box == 1)
    let loss = yoloLoss(prediction: p, targets: t)
    #expect(abs(loss.terms[.coord]!) < 1e-6)
    #expect(abs(loss.terms[.object]! - 0.49) < 1e-5)  // (0.3 - 1)^2
    #expect(abs(loss.terms[.noObject]! - 0.5 * (0.64 + 0.16)) < 1e-5)  // box 0 (0.8) and cell 1's box (0.4)
  }

  @Test func withoutOverlapTheCloserBoxIsResponsible() {
    var p = Tensor(zeros: [1, Self.grid.outputs])
    // Both boxes tiny, no overlap; box 1's coordinates are closer to (0.5, 0.6, 0.5, 0.6).
    Self.set(&p, cell: 2, box: 0, [0, 0, 0.01, 0.01, 0])
    Self.set(&p, cell: 2, box: 1, [0.99, 0.99, 0.01, 0.01, 0])
    let t = YOLOTargets.make(prediction: p, objects: [[Self.object]], grid: Self.grid)
    #expect(t.responsible[0][0].box == 1)
  }

  @Test func oneObjectPerCellTheLargerWins() {
    let small = LabeledBox(label: 0, x1: 0.4, y1: 1.5, x2: 0.6, y2: 1.7)  // centre (0.5, 1.6): cell 2 too
    let p = Tensor(zeros: [1, Self.grid.outputs])
    let t = YOLOTargets.make(prediction: p, objects: [[small, Self.object]], grid: Self.grid)
    #expect(t.dropped == 1 && t.responsible[0].count == 1 && t.responsible[0][0].object == 1)
    #expect(t.target[Self.grid.classIndex(cell: 2, class: 1)] == 1 && t.target[Self.grid.classIndex(cell: 2, class: 0)] == 0)
  }

  @Test func gradientMatchesFiniteDifferences() {
    let grid = YOLOGrid(cells: 3, boxesPerCell: 2, classes: 3, imageSize: 30)
    var rng = SplitMix64(seed: 7)
    let p = Tensor(shape: [2, grid.outputs], scalars: (0..<(2 * grid.outputs)).map { _ in Float(rng.uniform(0.1, 0.9)) })
    let objects = [
      [LabeledBox(label: 2, x1: 2, y1: 3, x2: 14, y2: 11), LabeledBox(label: 0, x1: 18, y1: 15, x2: 29, y2: 28)],
      [LabeledBox(label: 1, x1: 8, y1: 9, x2: 22, y2: 20)],
    ]
    // The targets (assignment and IoU) are fixed: the gradient is that of the SSE given them.
    let t = YOLOTargets.make(prediction: p, objects: objects, grid: grid)
    let g = yoloLoss(prediction: p, targets: t).gradient
    let h: Float = 1e-2
    var worst = 0.0
    for k in 0..<p.count {
      var plus = p, minus = p
      plus.scalars[k] += h
      minus.scalars[k] -= h
      let numeric = (Double(yoloLoss(prediction: plus, targets: t).value) - Double(yoloLoss(prediction: minus, targets: t).value)) / Double(2 * h)
      let analytic = Double(g.scalars[k])
      let scale = abs(numeric) + abs(analytic)
      if scale > 1e-6 { worst = max(worst, abs(numeric - analytic) / scale) }
      if t.weight[k] == 0 { #expect(analytic == 0) }
    }
    #expect(worst < 1e-2, "worst relative error \(worst)")
    #expect(t.weight.filter { $0 == 5 }.count == 4 * 3)  // 3 objects x 4 coordinates at lambda_coord
  }

  @Test func leakyReLU() {
    let layer = LeakyReLU(name: "leaky")
    let y = layer.forward(Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 3]), mode: .test).output
    #expect(y.scalars == [-0.2, -0.05, 0.5, 3])
    var rng = SplitMix64(seed: 3)
    // Inputs away from 0 (the kink), so centered differences are exact.
    let x = Tensor(shape: [2, 3, 4, 4], scalars: (0..<96).map { i in Float(i % 2 == 0 ? 1 : -1) * Float(0.2 + Double(i % 7) * 0.1) })
    let report = checkLayer(layer, input: x, samples: 40, step: 1e-2, using: &rng)
    #expect(report.worstRelativeError < 1e-3, "\(report)")
  }

  @Test func decodingScoresAndNMS() {
    var p = Tensor(zeros: [1, Self.grid.outputs])
    // Cell 0: box 0 centred (0.5, 0.5), 1 x 1 px, confidence 0.8; box 1 almost the same box, confidence 0.6.
    Self.set(&p, cell: 0, box: 0, [0.5, 0.5, Float(0.5.squareRoot()), Float(0.5.squareRoot()), 0.8])
    Self.set(&p, cell: 0, box: 1, [0.55, 0.5, Float(0.5.squareRoot()), Float(0.5.squareRoot()), 0.6])
    Self.setClasses(&p, cell: 0, [0.25, 0.5])
    let d = Self.grid.decode(p, image: 0, scoreThreshold: 0.1, nmsIoU: 0.5)
    #expect(d.boxes.count == Self.grid.boxesPerImage)
    // Scores: class 1: 0.4 and 0.3 (the second suppressed, IoU 0.95 / 1.05); class 0: 0.2 and 0.15 (same).
    #expect(d.detections.count == 2)
    #expect(d.detections[0].label == 1 && abs(d.detections[0].score - 0.4) < 1e-6)
    #expect(d.detections[1].label == 0 && abs(d.detections[1].score - 0.2) < 1e-6)
    let b = d.detections[0].box
    #expect(abs(b.x1) < 1e-6 && abs(b.y1) < 1e-6 && abs(b.x2 - 1) < 1e-6 && abs(b.y2 - 1) < 1e-6)
  }

  @Test func networkOutputsOneTensorPerScene() {
    let grid = YOLOGrid(cells: 7, boxesPerCell: 2, classes: 10, imageSize: 128)
    #expect(grid.boxesPerImage == 98 && grid.outputs == 7 * 7 * 20)
    for head in [YOLOHead.conv, .fc] {
      let net = YOLONetwork(grid: grid, head: head, channels: 8, hidden: 16, dropout: 0, seed: 1)
      let out = net.predict(Tensor(zeros: [2, 3, 128, 128]))
      #expect(out.shape == [2, 980])
      #expect(net.features(Tensor(zeros: [1, 3, 128, 128])).shape == [1, 64, 14, 14])
    }
  }

  @Test func headBackwardPassesTheDotProductTest() {
    // The new layers (conv4, leaky ReLU, pool, conv5 or fc1, leaky ReLU, last layer) on a random 14 x 14 x 64 map;
    // a small step, so few inputs cross a kink of the leaky ReLUs or switch a max-pooling winner (1e-2 did, by a few %).
    let grid = YOLOGrid(cells: 7, boxesPerCell: 2, classes: 10, imageSize: 128)
    for head in [YOLOHead.conv, .fc] {
      let net = YOLONetwork(grid: grid, head: head, channels: 8, hidden: 16, dropout: 0, seed: 5)
      var rng = SplitMix64(seed: 11)
      let x = Tensor.randomNormal(shape: [2, 64, 14, 14], std: 1, using: &rng)
      let r = checkVJP(
        { net.head.forward($0, mode: .test) },
        vjp: { c in
          var trace = Trace()
          _ = net.head.forward(x, mode: .test, trace: &trace)
          return trace.backward(seeds: [net.head.outputName: c])
        }, at: x, step: 2e-4, using: &rng)
      #expect(r.relativeError < 1e-2, "\(head): \(r)")
    }
  }

  @Test func theDetectorIsForwardThenDecode() {
    let grid = YOLOGrid(cells: 7, boxesPerCell: 2, classes: 10, imageSize: 128)
    let net = YOLONetwork(grid: grid, head: .conv, channels: 8, hidden: 16, dropout: 0, seed: 2)
    var rng = SplitMix64(seed: 4)
    let images = Tensor(shape: [2, 3, 128, 128], scalars: (0..<(2 * 3 * 128 * 128)).map { _ in Float(rng.nextUniform()) })
    let detector = YOLODetector(network: net, scoreThreshold: 0, nmsIoU: 0.5)
    #expect(!detector.needsProposals)
    let found = detector.detect(images, proposals: [])
    let output = net.predict(images)
    for i in 0..<2 {
      #expect(found[i] == grid.decode(output, image: i, scoreThreshold: 0, nmsIoU: 0.5).detections)
      #expect(zip(found[i], found[i].dropFirst()).allSatisfy { $0.score >= $1.score })
    }
  }

  @Test func mirroring() {
    let images = Tensor(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
    #expect(YOLOModel.mirrored(images).scalars == [3, 2, 1])
    let o = YOLOModel.mirrored(LabeledBox(label: 4, x1: 10, y1: 5, x2: 30, y2: 9), side: 128)
    #expect(o.label == 4 && o.box == Box(x1: 98, y1: 5, x2: 118, y2: 9))
  }

  @Test func errorCategories() {
    let objects = [LabeledBox(label: 0, x1: 0, y1: 0, x2: 10, y2: 10), LabeledBox(label: 5, x1: 50, y1: 50, x2: 60, y2: 60)]
    var matched = Set<Int>()
    let kind = { (label: Int, box: Box) in ErrorAnalysis.classify(ScoredDetection(label: label, box: box, score: 1), objects: objects, matched: &matched) }
    #expect(kind(0, Box(x1: 0, y1: 0, x2: 10, y2: 10)) == .correct)
    #expect(kind(0, Box(x1: 0, y1: 0, x2: 10, y2: 10)) == .localization)  // a duplicate
    #expect(kind(0, Box(x1: 0, y1: 0, x2: 10, y2: 30)) == .localization)  // IoU 1/3
    #expect(kind(2, Box(x1: 0, y1: 0, x2: 10, y2: 10)) == .similar)  // pullover on a T-shirt
    #expect(kind(7, Box(x1: 0, y1: 0, x2: 10, y2: 10)) == .other)  // sneaker on a T-shirt
    #expect(kind(9, Box(x1: 50, y1: 50, x2: 60, y2: 60)) == .similar)  // boot on a sandal
    #expect(kind(0, Box(x1: 100, y1: 100, x2: 110, y2: 110)) == .background)
  }
}
