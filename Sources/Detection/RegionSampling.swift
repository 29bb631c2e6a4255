// Choosing the regions of a detection minibatch (Girshick, "Fast R-CNN",
// ICCV 2015, §2.3 "Mini-batch sampling"; py-faster-rcnn's _sample_rois):
// every proposal is matched to the ground-truth box it overlaps most;
//   foreground: IoU >= 0.5 (labelled with that box's class),
//   background: IoU in [0.1, 0.5) (label 0; the 0.1 floor is "a heuristic
//     for hard example mining"), anything below 0.1 is not used;
// a minibatch of R regions takes min(round(f R), #foreground) foreground
// regions (f = 25%) and fills the rest with background, each drawn without
// replacement by a seeded generator. Labels: 0 is background and class c of
// a LabeledBox becomes c + 1 (the C + 1 outputs of Fast R-CNN's classifier).
// Regression targets (BoxCoding.swift, optionally normalized by
// BoxTargetNormalization.swift) are given for foreground regions only.
// Fast R-CNN also adds the ground-truth boxes to the proposals
// (`includeGroundTruth`), so every image has foreground regions.
import Tensor

public struct RegionSampler: Sendable {
  public var regionsPerImage = 128
  public var foregroundFraction = 0.25
  public var foregroundIoU = 0.5
  /// Background is [backgroundLow, backgroundHigh).
  public var backgroundLow = 0.1
  public var backgroundHigh = 0.5
  public var includeGroundTruth = true

  public init(regionsPerImage: Int = 128, foregroundFraction: Double = 0.25, foregroundIoU: Double = 0.5,
              backgroundLow: Double = 0.1, backgroundHigh: Double = 0.5, includeGroundTruth: Bool = true) {
    precondition(regionsPerImage > 0, "RegionSampler: regionsPerImage must be positive, got \(regionsPerImage)")
    precondition((0...1).contains(foregroundFraction), "RegionSampler: foregroundFraction must be in [0, 1], got \(foregroundFraction)")
    precondition(backgroundLow <= backgroundHigh, "RegionSampler: background range [\(backgroundLow), \(backgroundHigh)) is empty")
    (self.regionsPerImage, self.foregroundFraction, self.foregroundIoU) = (regionsPerImage, foregroundFraction, foregroundIoU)
    (self.backgroundLow, self.backgroundHigh, self.includeGroundTruth) = (backgroundLow, backgroundHigh, includeGroundTruth)
  }

  /// One sampled region.
  public struct Region: Sendable, Equatable {
    public var box: Box
    /// 0 for background, ground-truth class + 1 for foreground.
    public var label: Int
    /// IoU with its best-matching ground truth.
    public var iou: Double
    /// Index of that ground truth (-1 when the image has none).
    public var matched: Int
    /// (t_x, t_y, t_w, t_h) towards the matched box for foreground, nil for background.
    public var target: [Double]?
  }

  /// The candidates: the proposals, then (if `includeGroundTruth`) the ground-truth boxes.
  public func candidates(_ proposals: [Box], _ truth: [LabeledBox]) -> [Box] {
    includeGroundTruth ? proposals + truth.map(\.box) : proposals
  }

  /// Foreground regions first, then background, as py-faster-rcnn orders them.
  public func sample(
    proposals: [Box], truth: [LabeledBox], coder: BoxCoder = BoxCoder(), normalization: BoxTargetNormalization = .identity,
    using rng: inout SplitMix64
  ) -> [Region] {
    let boxes = candidates(proposals, truth)
    let matches = bestMatches(boxes, truth.map(\.box))
    let foreground = boxes.indices.filter { matches[$0].index >= 0 && matches[$0].iou >= foregroundIoU }
    let background = boxes.indices.filter { matches[$0].iou < backgroundHigh && matches[$0].iou >= backgroundLow }
    let wantForeground = Int((foregroundFraction * Double(regionsPerImage)).rounded())
    let fg = Self.choose(min(wantForeground, foreground.count), from: foreground, using: &rng)
    let bg = Self.choose(min(regionsPerImage - fg.count, background.count), from: background, using: &rng)
    return fg.map { i in
      let m = matches[i]
      let t = normalization.normalize(coder.encode(truth[m.index].box, relativeTo: boxes[i]))
      return Region(box: boxes[i], label: truth[m.index].label + 1, iou: m.iou, matched: m.index, target: t)
    } + bg.map { i in Region(box: boxes[i], label: 0, iou: matches[i].iou, matched: matches[i].index, target: nil) }
  }

  /// `count` distinct items of `items`, by a partial Fisher-Yates shuffle (in the order drawn).
  public static func choose(_ count: Int, from items: [Int], using rng: inout SplitMix64) -> [Int] {
    var pool = items
    for i in 0..<count {
      let j = i + rng.nextInt(below: pool.count - i)
      pool.swapAt(i, j)
    }
    return Array(pool.prefix(count))
  }
}
