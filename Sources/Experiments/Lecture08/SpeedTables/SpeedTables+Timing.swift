// How speed-tables times: batch 1, scene by scene, best of several passes
// after a warm-up, in this one process (see SpeedTables.swift's header).
import Datasets
import Detection
import Dispatch
import ExperimentKit
import Models
import Tensor

extension SpeedTables {
  struct DetectorTiming {
    /// The first pass's detections, scene by scene (what the mAP is of).
    var detections: [[ScoredDetection]]
    /// The best pass's mean time per image, in seconds.
    var secondsPerImage: Double
  }

  static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

  // snippet.timing
  /// Each scene alone through `detector`, `passes` times; the best pass's mean.
  static func timeDetector(_ detector: any SceneDetector, _ scenes: FashionScenes, proposals: [[Box]], passes: Int) -> DetectorTiming {
    let single = (0..<scenes.count).map { scenes.images.gather([$0]) }
    let boxes = { (i: Int) in detector.needsProposals ? [proposals[i]] : [[]] }
    _ = detector.detect(single[0], proposals: boxes(0))  // warm-up: first-touch allocations, packed weights
    var detections: [[ScoredDetection]] = []
    var best = Double.infinity
    for pass in 0..<passes {
      var answers: [[ScoredDetection]] = []
      let start = now()
      for i in 0..<scenes.count { answers.append(detector.detect(single[i], proposals: boxes(i))[0]) }
      best = min(best, (now() - start) / Double(scenes.count))
      if pass == 0 { detections = answers }
    }
    return DetectorTiming(detections: detections, secondsPerImage: best)
  }
  // snippet.end

  /// Selective Search ("fast") on each scene alone, as the R-CNNs run it; best pass's mean per image.
  static func timeProposals(_ scenes: FashionScenes, keep: Int, passes: Int, context: RunContext) -> Double {
    let single = (0..<scenes.count).map { i -> FashionScenes in
      var one = scenes
      one.images = scenes.images.gather([i])
      one.objects = [scenes.objects[i]]
      one.masks = [scenes.masks[i]]
      return one
    }
    _ = DetectionSuite.proposals(single[0], split: .test, keep: keep, context: context)
    var best = Double.infinity
    for _ in 0..<passes {
      let start = now()
      for one in single { _ = DetectionSuite.proposals(one, split: .test, keep: keep, context: context) }
      best = min(best, (now() - start) / Double(scenes.count))
    }
    return best
  }
}
