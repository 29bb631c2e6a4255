// Region proposals for FashionScenes scenes, computed the same way by every
// chapter that needs them: region-proposals (which compares the methods),
// R-CNN and Fast R-CNN (which train and test on Selective Search's boxes,
// Uijlings et al., IJCV 2013, "fast" strategy as in R-CNN), speed-tables
// (which times the proposal step). Conventions: scene i's proposals are
// drawn with the seed `SplitMix64(seed).derived("scene i")`, so a scene's
// boxes do not depend on how many scenes are proposed or on the thread
// count; boxes in the scene's pixels, best ranked first.
import Datasets
import Detection
import Support
import Tensor

public enum SceneProposals {
  /// `method`'s proposals for the first `count` scenes, scenes in parallel.
  public static func propose(
    scenes: FashionScenes, count: Int, seed: UInt64, _ method: @escaping @Sendable (PlanarImage, UInt64) -> [Box]
  ) -> [[Box]] {
    precondition(count <= scenes.count, "SceneProposals: \(count) scenes asked of \(scenes.count)")
    var out = [[Box]](repeating: [], count: count)
    let side = scenes.spec.size
    let plane = 3 * side * side
    let pixels = scenes.images.scalars
    out.withUnsafeMutableBufferPointer { buffer in
      let p = SendablePointer(buffer.baseAddress!)
      Parallel.chunks(count, cost: 1 << 16) { range in
        for i in range {
          let image = PlanarImage(width: side, height: side, channels: 3, values: Array(pixels[(i * plane)..<((i + 1) * plane)]))
          p.base[i] = method(image, SplitMix64(seed: seed).derived("scene \(i)").currentState)
        }
      }
    }
    return out
  }

  /// Selective Search's best-ranked `keep` boxes per scene (the R-CNN chapters' proposals).
  public static func selectiveSearch(
    _ scenes: FashionScenes, mode: SelectiveSearch.Mode = .fast, keep: Int, seed: UInt64
  ) -> [[Box]] {
    let search = SelectiveSearch(mode)
    return propose(scenes: scenes, count: scenes.count, seed: seed) { Array(search.proposals($0, seed: $1).prefix(keep)) }
  }
}
