// The DetectionSuite test scenes' Selective Search proposals, computed once
// per process: the detectors of this folder score themselves on the test
// scenes after every training epoch, and the fast-rcnn experiment computes
// (and times) the same proposals itself and hands them over. Same bits as
// calling DetectionSuite.proposals each time.
import Datasets
import Detection
import ExperimentKit
import Foundation

public final class TestSceneProposals: @unchecked Sendable {
  public static let shared = TestSceneProposals()
  private let lock = NSLock()
  private var memo: [String: [[Box]]] = [:]

  private func key(_ scenes: FashionScenes, keep: Int, context: RunContext) -> String { "\(context.seed) \(scenes.count) \(keep)" }

  /// The proposals of the first `scenes.count` test scenes, `keep` per scene.
  public func proposals(_ scenes: FashionScenes, keep: Int, context: RunContext) -> [[Box]] {
    let k = key(scenes, keep: keep, context: context)
    lock.lock()
    defer { lock.unlock() }
    if let found = memo[k] { return found }
    let made = DetectionSuite.proposals(scenes, split: .test, keep: keep, context: context)
    memo[k] = made
    return made
  }

  /// Keeps proposals the caller computed with `DetectionSuite.proposals(scenes, split: .test, keep:)`.
  public func remember(_ proposals: [[Box]], for scenes: FashionScenes, keep: Int, context: RunContext) {
    precondition(proposals.count == scenes.count, "TestSceneProposals: \(proposals.count) lists for \(scenes.count) scenes")
    lock.lock()
    memo[key(scenes, keep: keep, context: context)] = proposals
    lock.unlock()
  }
}
