// YOLO v1's loss (Redmon et al., CVPR 2016, eq. 3), as two steps:
//
// 1. Targets (`YOLOTargets.make`): each object is assigned to the cell that
//    contains its centre; of that cell's B boxes, the one whose current
//    prediction has the highest IoU with the object is "responsible" (1^obj_ij).
//    When every IoU is 0, the box with the smaller coordinate error is taken
//    (darknet v1's fallback, the RMSE of the box). The confidence target of
//    the responsible box is that IoU (the paper: "we want the confidence
//    score to equal the IoU between the predicted box and the ground
//    truth"), treated as a constant (no gradient flows through it, as in
//    darknet). One cell holds one object: when two centres fall in one cell
//    the larger object is kept (v1 predicts one set of class probabilities
//    per cell; `dropped` counts the others).
// 2. Sum-squared error with a weight per output (`yoloLoss`):
//      lambda_coord [(x - x^)^2 + (y - y^)^2 + (sqrt w - sqrt w^)^2 + (sqrt h - sqrt h^)^2]   responsible boxes
//    + (C - IoU)^2                                                                           responsible boxes
//    + lambda_noobj C^2                                      every other box (also the other B - 1 of an object's cell)
//    + sum_c (p(c) - p^(c))^2                                cells that contain an object centre (one-hot target)
//    Every other output has weight 0. lambda_coord = 5, lambda_noobj = 0.5.
//    The loss of an image is the sum; a batch's is the mean over its images.
//    Gradient: 2 w (prediction - target).
import Detection
import Tensor

public struct YOLOLossWeights: Codable, Sendable, Equatable {
  public var coord: Float = 5
  public var noObject: Float = 0.5
  public init(coord: Float = 5, noObject: Float = 0.5) { (self.coord, self.noObject) = (coord, noObject) }
}

/// The four terms of equation (3), in this order.
public enum YOLOLossTerm: Int, CaseIterable, Sendable {
  case coord = 1, object, noObject, classes
  public var key: String { ["", "coord", "object", "noObject", "classes"][rawValue] }
  public var label: String { ["", "coordinates (λ_coord)", "confidence, object", "confidence, no object (λ_noobj)", "class probabilities"][rawValue] }
}

/// Per output of a batch: target, weight and term (0 = not in the loss).
public struct YOLOTargets: Sendable {
  public let grid: YOLOGrid
  public var target: [Float]
  public var weight: [Float]
  public var term: [UInt8]
  /// Per image: (cell, responsible box, object index) of every assigned object.
  public var responsible: [[(cell: Int, box: Int, object: Int)]]
  /// Objects not assigned because a larger one's centre shares their cell.
  public var dropped: Int

  /// Targets for `prediction` (N, S S (5B + C)) and each image's objects (pixels).
  public static func make(prediction: Tensor, objects: [[LabeledBox]], grid: YOLOGrid, weights: YOLOLossWeights = .init()) -> YOLOTargets {
    let n = objects.count, per = grid.outputs
    precondition(prediction.shape == [n, per], "YOLOTargets: prediction \(prediction.shape) for \(n) images of \(per) outputs")
    var t = YOLOTargets(
      grid: grid, target: [Float](repeating: 0, count: n * per), weight: [Float](repeating: 0, count: n * per),
      term: [UInt8](repeating: 0, count: n * per), responsible: [], dropped: 0)
    let p = prediction.scalars
    for i in 0..<n {
      let base = i * per
      // Every confidence starts as "no object".
      for cell in 0..<(grid.cells * grid.cells) {
        for b in 0..<grid.boxesPerCell {
          let k = base + grid.boxIndex(cell: cell, box: b, field: 4)
          (t.weight[k], t.term[k]) = (weights.noObject, UInt8(YOLOLossTerm.noObject.rawValue))
        }
      }
      // One object per cell: the largest whose centre is in it.
      var owner: [Int: Int] = [:]
      for (j, o) in objects[i].enumerated() {
        let cell = grid.cell(containing: o.box.centerX, o.box.centerY).cell
        if let other = owner[cell] {
          t.dropped += 1
          if objects[i][other].box.area() >= o.box.area() { continue }
        }
        owner[cell] = j
      }
      var assigned: [(cell: Int, box: Int, object: Int)] = []
      for (cell, j) in owner.sorted(by: { $0.key < $1.key }) {
        let truth = objects[i][j]
        let (_, dx, dy) = grid.cell(containing: truth.box.centerX, truth.box.centerY)
        let coords: [Float] = [
          Float(dx), Float(dy), Float((truth.box.width() / grid.imageSize).squareRoot()), Float((truth.box.height() / grid.imageSize).squareRoot()),
        ]
        // snippet.responsible
        // The responsible predictor: highest IoU, else smallest coordinate error.
        var ious: [Double] = [], errors: [Float] = []
        for b in 0..<grid.boxesPerCell {
          let f = (0..<4).map { p[base + grid.boxIndex(cell: cell, box: b, field: $0)] }
          ious.append(grid.decodeBox(cell: cell, f[0], f[1], f[2], f[3]).intersectionOverUnion(with: truth.box))
          errors.append(zip(f, coords).map { ($0 - $1) * ($0 - $1) }.reduce(0, +))
        }
        let best = ious.max()! > 0
          ? ious.indices.max { ious[$0] < ious[$1] || (ious[$0] == ious[$1] && $0 > $1) }!
          : errors.indices.min { errors[$0] < errors[$1] || (errors[$0] == errors[$1] && $0 < $1) }!
        for f in 0..<4 {
          let k = base + grid.boxIndex(cell: cell, box: best, field: f)
          (t.target[k], t.weight[k], t.term[k]) = (coords[f], weights.coord, UInt8(YOLOLossTerm.coord.rawValue))
        }
        let k = base + grid.boxIndex(cell: cell, box: best, field: 4)
        (t.target[k], t.weight[k], t.term[k]) = (Float(ious[best]), 1, UInt8(YOLOLossTerm.object.rawValue))
        // snippet.end
        for c in 0..<grid.classes {
          let k = base + grid.classIndex(cell: cell, class: c)
          (t.target[k], t.weight[k], t.term[k]) = (c == truth.label ? 1 : 0, 1, UInt8(YOLOLossTerm.classes.rawValue))
        }
        assigned.append((cell, best, j))
      }
      t.responsible.append(assigned)
    }
    return t
  }
}

/// Equation (3) for a batch: the mean over images of each image's sum, each term, and d loss / d prediction.
public func yoloLoss(prediction: Tensor, targets: YOLOTargets) -> (value: Float, terms: [YOLOLossTerm: Float], gradient: Tensor) {
  precondition(prediction.count == targets.target.count, "yoloLoss: \(prediction.count) outputs, \(targets.target.count) targets")
  let n = Float(max(prediction.shape[0], 1))
  var sums = [Double](repeating: 0, count: 5)
  var gradient = Tensor(zeros: prediction.shape)
  let p = prediction.scalars
  for k in 0..<p.count where targets.weight[k] != 0 {
    let d = p[k] - targets.target[k]
    sums[Int(targets.term[k])] += Double(targets.weight[k] * d * d)
    gradient.scalars[k] = 2 * targets.weight[k] * d / n
  }
  var terms: [YOLOLossTerm: Float] = [:]
  for term in YOLOLossTerm.allCases { terms[term] = Float(sums[term.rawValue]) / n }
  return (Float(sums.reduce(0, +)) / n, terms, gradient)
}
