// Normalizing box-regression targets (Girshick, "Fast R-CNN", ICCV 2015;
// py-faster-rcnn's BBOX_NORMALIZE_TARGETS): the (t_x, t_y, t_w, t_h) of
// BoxCoding.swift are shifted and scaled to zero mean and unit spread per
// coordinate before the smooth-L1 loss, and predictions are un-normalized
// before decoding. Either fixed (py-faster-rcnn's precomputed means 0 and
// stds (0.1, 0.1, 0.2, 0.2), which equal BoxCoder weights (10, 10, 5, 5))
// or fitted to a set of targets: population mean and standard deviation,
// as py-faster-rcnn's add_bbox_regression_targets computes them
// (sqrt(E[t^2] - E[t]^2)); a coordinate with zero spread keeps std 1.
// Example (a test): targets (1, 2, 3, 4) and (3, 4, 5, 6) fit means
// (2, 3, 4, 5), stds (1, 1, 1, 1), and (1, 2, 3, 4) normalizes to -1s.

public struct BoxTargetNormalization: Sendable, Equatable, Codable {
  public var means: [Double]
  public var stds: [Double]

  public init(means: [Double] = [0, 0, 0, 0], stds: [Double] = [0.1, 0.1, 0.2, 0.2]) {
    precondition(means.count == 4 && stds.count == 4, "BoxTargetNormalization: expected 4 means and 4 stds, got \(means.count) and \(stds.count)")
    precondition(stds.allSatisfy { $0 > 0 }, "BoxTargetNormalization: stds must be positive, got \(stds)")
    (self.means, self.stds) = (means, stds)
  }

  /// py-faster-rcnn's precomputed normalization.
  public static let fastRCNN = BoxTargetNormalization()
  /// No normalization.
  public static let identity = BoxTargetNormalization(means: [0, 0, 0, 0], stds: [1, 1, 1, 1])

  /// Means and population standard deviations of `targets` (each 4 numbers).
  public static func fitted(to targets: [[Double]]) -> BoxTargetNormalization {
    precondition(!targets.isEmpty, "BoxTargetNormalization.fitted: no targets")
    var sums = [Double](repeating: 0, count: 4), squares = [Double](repeating: 0, count: 4)
    for t in targets {
      precondition(t.count == 4, "BoxTargetNormalization.fitted: a target has \(t.count) numbers, expected 4")
      for i in 0..<4 { sums[i] += t[i]; squares[i] += t[i] * t[i] }
    }
    let n = Double(targets.count)
    let means = sums.map { $0 / n }
    let stds = (0..<4).map { i -> Double in
      let v = (squares[i] / n - means[i] * means[i]).squareRoot()
      return v.isFinite && v > 1e-12 ? v : 1
    }
    return BoxTargetNormalization(means: means, stds: stds)
  }

  public func normalize(_ t: [Double]) -> [Double] { (0..<4).map { (t[$0] - means[$0]) / stds[$0] } }
  public func denormalize(_ t: [Double]) -> [Double] { (0..<4).map { t[$0] * stds[$0] + means[$0] } }
}
