// How proposals are scored (Hosang, Benenson, Dollár and Schiele, "What
// makes for effective detection proposals?", PAMI 2015; Uijlings et al. 2013):
// - best overlap of a ground-truth box: the largest IoU (continuous boxes)
//   of any of the first N proposals of its image;
// - recall at IoU t: the share of ground-truth boxes whose best overlap is
//   >= t;
// - average recall AR: recall averaged over t in [0.5, 1], i.e.
//   2 * integral_{0.5}^{1} recall(t) dt, which for a finite set of boxes is
//   exactly 2 * mean over boxes of max(best overlap - 0.5, 0);
// - ABO / MABO (Uijlings): the mean best overlap of the boxes of one class,
//   and the mean of the classes' ABOs.
public enum ProposalRecall {
  /// For each budget N (ascending), each ground-truth box's best overlap among its image's first N proposals;
  /// boxes listed image by image, in the order of `groundTruth`.
  public static func bestOverlaps(proposals: [[Box]], groundTruth: [[Box]], budgets: [Int]) -> [[Double]] {
    precondition(proposals.count == groundTruth.count, "ProposalRecall: \(proposals.count) proposal lists for \(groundTruth.count) images")
    precondition(zip(budgets, budgets.dropFirst()).allSatisfy { $0 < $1 }, "ProposalRecall: budgets must increase")
    var out = [[Double]](repeating: [], count: budgets.count)
    for (boxes, truths) in zip(proposals, groundTruth) {
      var best = [Double](repeating: 0, count: truths.count)
      var start = 0
      for (b, budget) in budgets.enumerated() {
        let end = min(budget, boxes.count)
        if start < end {
          for p in start..<end {
            for g in truths.indices { best[g] = max(best[g], boxes[p].intersectionOverUnion(with: truths[g])) }
          }
          start = end
        }
        out[b].append(contentsOf: best)
      }
    }
    return out
  }

  public static func recall(_ best: [Double], threshold: Double) -> Double {
    best.isEmpty ? 0 : Double(best.filter { $0 >= threshold }.count) / Double(best.count)
  }

  /// Hosang et al.'s average recall over IoU 0.5 ... 1 (exact; see the header).
  public static func averageRecall(_ best: [Double]) -> Double {
    best.isEmpty ? 0 : 2 * best.reduce(0) { $0 + max($1 - 0.5, 0) } / Double(best.count)
  }

  /// Mean average best overlap: the mean over classes of each class's mean best overlap.
  public static func meanAverageBestOverlap(_ best: [Double], labels: [Int]) -> Double {
    precondition(best.count == labels.count, "ProposalRecall: \(best.count) overlaps for \(labels.count) labels")
    var sums: [Int: (Double, Int)] = [:]
    for (o, l) in zip(best, labels) { sums[l, default: (0, 0)].0 += o; sums[l, default: (0, 0)].1 += 1 }
    guard !sums.isEmpty else { return 0 }
    // Summed in class order: a dictionary's order changes from process to
    // process (seeded hashing), and so would the last bits of the sum.
    return sums.keys.sorted().reduce(0) { $0 + sums[$1]!.0 / Double(sums[$1]!.1) } / Double(sums.count)
  }
}
