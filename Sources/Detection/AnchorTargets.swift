// Training labels of a Region Proposal Network's anchors (Ren et al.,
// "Faster R-CNN", NeurIPS 2015, §3.1.2 "Loss Function" and §3.1.3
// "Training RPNs"; py-faster-rcnn's anchor_target_layer.py):
//   - anchors that cross the image border are ignored in training (label -1;
//     py-faster-rcnn's allowed_border 0: inside means x1 >= 0, y1 >= 0,
//     x2 <= W, y2 <= H in the continuous convention);
//   - negative (0): IoU < 0.3 with every ground-truth box;
//   - positive (1): IoU >= 0.7 with some ground truth, or an anchor with the
//     highest IoU of some ground truth (every anchor tied at that highest
//     IoU, as py-faster-rcnn's np.where; only when that IoU is above 0, a
//     guard py-faster-rcnn lacks); positives are assigned after negatives, so
//     a best anchor below 0.3 is positive;
//   - everything else is ignored (-1);
//   - a minibatch of at most 256 anchors per image, at most half positive:
//     when there are more positives than 128, a seeded draw without
//     replacement keeps 128 (the rest become -1), then negatives are drawn
//     to fill 256 (the paper's "randomly sample 256 anchors in an image ...
//     up to 1:1"; py-faster-rcnn draws the ones to drop, here the ones to
//     keep, the same distribution).
// Regression targets: BoxCoder (R-CNN's t_x, t_y, t_w, t_h) of each positive
// anchor towards the ground truth it overlaps most (first on ties).
import Foundation
import Tensor

public struct AnchorTargeter: Sendable {
  public var positiveIoU = 0.7
  public var negativeIoU = 0.3
  public var batchSize = 256
  public var positiveFraction = 0.5
  /// How far (px) an anchor may cross the border and still train (py-faster-rcnn's allowed_border).
  public var allowedBorder = 0.0

  public init(positiveIoU: Double = 0.7, negativeIoU: Double = 0.3, batchSize: Int = 256, positiveFraction: Double = 0.5, allowedBorder: Double = 0) {
    precondition(negativeIoU <= positiveIoU, "AnchorTargeter: negative IoU \(negativeIoU) above positive \(positiveIoU)")
    (self.positiveIoU, self.negativeIoU, self.batchSize, self.positiveFraction, self.allowedBorder) =
      (positiveIoU, negativeIoU, batchSize, positiveFraction, allowedBorder)
  }

  public struct Targets: Sendable, Equatable {
    /// Per anchor: 1 positive, 0 negative, -1 ignored (after sampling).
    public var labels: [Int]
    /// Per anchor: the ground truth it overlaps most (-1 when there is none or it is outside).
    public var matched: [Int]
    /// Per anchor: its largest IoU with a ground truth (0 outside).
    public var maxIoU: [Double]
    /// (t_x, t_y, t_w, t_h) for positive anchors, nil elsewhere.
    public var deltas: [[Double]?]
    /// Positives and negatives before sampling.
    public var positivesBeforeSampling: Int
    public var negativesBeforeSampling: Int

    public var positives: [Int] { labels.indices.filter { labels[$0] == 1 } }
    public var negatives: [Int] { labels.indices.filter { labels[$0] == 0 } }
  }

  /// Whether `anchor` lies inside a width x height image (within `allowedBorder`).
  public func isInside(_ anchor: Box, width: Double, height: Double) -> Bool {
    anchor.x1 >= -allowedBorder && anchor.y1 >= -allowedBorder && anchor.x2 <= width + allowedBorder && anchor.y2 <= height + allowedBorder
  }

  /// Labels before sampling (1, 0, -1) and the matches, for anchors on a width x height image.
  public func assign(anchors: [Box], truth: [Box], width: Double, height: Double) -> (labels: [Int], matched: [Int], maxIoU: [Double]) {
    // snippet.anchor-labels
    var labels = [Int](repeating: -1, count: anchors.count)
    var matched = [Int](repeating: -1, count: anchors.count)
    var maxIoU = [Double](repeating: 0, count: anchors.count)
    let inside = anchors.indices.filter { isInside(anchors[$0], width: width, height: height) }
    guard !truth.isEmpty else {
      for i in inside { labels[i] = 0 }
      return (labels, matched, maxIoU)
    }
    let overlaps = iouMatrix(inside.map { anchors[$0] }, truth)
    var bestOfTruth = [Double](repeating: 0, count: truth.count)
    for (k, row) in overlaps.enumerated() {
      var best = 0
      for g in truth.indices {
        if row[g] > row[best] { best = g }
        bestOfTruth[g] = max(bestOfTruth[g], row[g])
      }
      (matched[inside[k]], maxIoU[inside[k]]) = (best, row[best])
      if row[best] < negativeIoU { labels[inside[k]] = 0 }
    }
    for (k, row) in overlaps.enumerated() {
      let i = inside[k]
      if truth.indices.contains(where: { bestOfTruth[$0] > 0 && row[$0] == bestOfTruth[$0] }) { labels[i] = 1 }
      if maxIoU[i] >= positiveIoU { labels[i] = 1 }
    }
    // snippet.end
    return (labels, matched, maxIoU)
  }

  /// The sampled minibatch of one image, with the regression targets of its positives.
  public func targets(anchors: [Box], truth: [Box], width: Double, height: Double, coder: BoxCoder = BoxCoder(), using rng: inout SplitMix64) -> Targets {
    var (labels, matched, maxIoU) = assign(anchors: anchors, truth: truth, width: width, height: height)
    let positives = labels.indices.filter { labels[$0] == 1 }, negatives = labels.indices.filter { labels[$0] == 0 }
    let wantPositive = Int(positiveFraction * Double(batchSize))
    let keptPositive = RegionSampler.choose(min(wantPositive, positives.count), from: positives, using: &rng)
    let keptNegative = RegionSampler.choose(min(batchSize - keptPositive.count, negatives.count), from: negatives, using: &rng)
    for i in positives + negatives { labels[i] = -1 }
    for i in keptPositive { labels[i] = 1 }
    for i in keptNegative { labels[i] = 0 }
    var deltas = [[Double]?](repeating: nil, count: anchors.count)
    for i in keptPositive { deltas[i] = coder.encode(truth[matched[i]], relativeTo: anchors[i]) }
    return Targets(labels: labels, matched: matched, maxIoU: maxIoU, deltas: deltas,
                   positivesBeforeSampling: positives.count, negativesBeforeSampling: negatives.count)
  }
}
