import Testing

@testable import Detection

struct AveragePrecisionTests {
  // TP, FP, TP with 2 ground truths: recall [.5, .5, 1], precision [1, .5, 2/3].
  let recall = [0.5, 0.5, 1.0]
  let precision = [1.0, 0.5, 2.0 / 3.0]

  @Test func areaAPOfTpFpTpIsFiveSixths() {
    // 0.5 * 1 + 0.5 * 2/3
    #expect(abs(averagePrecisionArea(recall: recall, precision: precision) - 0.8333333333333333) < 1e-12)
  }

  @Test func elevenPointAPOfTpFpTp() {
    // t = 0 ... 0.5 (6 points) see precision 1; t = 0.6 ... 1.0 (5 points) see 2/3.
    #expect(abs(averagePrecision11Point(recall: recall, precision: precision) - (6 + 5 * 2.0 / 3) / 11) < 1e-12)
  }

  @Test func hundredOnePointAPOfTpFpTp() {
    // r = 0.00 ... 0.50 (51 points) -> 1; r = 0.51 ... 1.00 (50 points) -> 2/3.
    #expect(abs(averagePrecision101Point(recall: recall, precision: precision) - (51 + 50 * 2.0 / 3) / 101) < 1e-12)
  }

  @Test func noDetectionsGiveZeroAP() {
    #expect(averagePrecisionArea(recall: [], precision: []) == 0)
    #expect(averagePrecision11Point(recall: [], precision: []) == 0)
    #expect(averagePrecision101Point(recall: [], precision: []) == 0)
  }

  @Test func recallThresholdsMatchNumpyLinspace() {
    #expect(cocoRecallThresholds.count == 101)
    #expect(cocoRecallThresholds[7] == 7 * 0.01)  // 0.07 as numpy computes it
    #expect(cocoRecallThresholds[100] == 1.0)
    #expect(cocoIoUThresholds.count == 10)
    #expect(cocoIoUThresholds[0] == 0.5 && cocoIoUThresholds[9] == 0.95)
    #expect(abs(cocoIoUThresholds[5] - 0.75) < 1e-15)
  }
}
