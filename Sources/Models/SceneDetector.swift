// What every trained detector of the suite offers the chapters that compare
// them (speed-tables): detections on FashionScenes scenes, from its own
// proposals or from external ones (Selective Search for R-CNN and Fast
// R-CNN). Conventions: `scenes` is (N, 3, S, S) in [0, 1]; `proposals[i]`
// holds scene i's boxes in its pixels, best ranked first (empty arrays for
// detectors that make their own); answers are after the detector's NMS, in
// the scene's pixels, by decreasing score.
import Detection
import Tensor

public protocol SceneDetector {
  /// How tables and figures name it ("R-CNN", "Fast R-CNN", ...).
  var name: String { get }
  /// True when `detect` reads `proposals` (the proposal step is then timed separately).
  var needsProposals: Bool { get }
  /// Detections per scene.
  func detect(_ scenes: Tensor, proposals: [[Box]]) -> [[ScoredDetection]]
}
