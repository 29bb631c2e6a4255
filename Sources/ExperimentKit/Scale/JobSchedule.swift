// The order in which `convnotes all --jobs N` starts experiments when N of
// them run at once, each in its own process (convnotes/IsolatedRuns.swift).
//
// An experiment is ready when every prerequisite in the list (`requires`)
// has succeeded; one whose prerequisite failed or was skipped is skipped.
// Among the ready ones, with more than one job, the one with the longest
// estimated path to the end starts first: its own time plus the longest
// path among the experiments that read its results (the "bottom level" of
// list scheduling, Hu 1961; without prerequisites it is Graham's LPT rule,
// as ShardPlan balances shards). So fashion-scenes, a few seconds itself,
// starts early because localization-regression waits for it. Ties go in
// catalog order; with one job, catalog order, as a sequential run.
// Results do not depend on this order: an experiment reads only its
// prerequisites' results, and the networks several share come from the
// model cache, whose per-key lock lets one job train while the other waits;
// every training is seeded, so whichever job trains writes the same bits.
import Foundation

public struct JobSchedule {
  public enum State: Equatable, Sendable { case waiting, running, succeeded, failed, skipped }

  public let ids: [String]
  let prerequisites: [[Int]]  // indices into `ids`; prerequisites outside the list are assumed done
  let seconds: [Double]
  /// Estimated seconds from an experiment's start to the end of the longest chain of its readers.
  let pathSeconds: [Double]
  let longestFirst: Bool
  public private(set) var states: [State]

  /// `seconds`: estimated time per id (missing ones count `defaultSeconds`).
  public init(_ experiments: [any Experiment.Type], seconds: [String: Double], jobs: Int, defaultSeconds: Double = 60) {
    ids = experiments.map { $0.id }
    let ids = self.ids
    prerequisites = experiments.map { e in e.requires.compactMap { r in ids.firstIndex(of: r.id) } }
    let own = ids.map { seconds[$0] ?? defaultSeconds }
    self.seconds = own
    pathSeconds = Self.pathSeconds(own: own, prerequisites: prerequisites)
    longestFirst = jobs > 1
    states = Array(repeating: .waiting, count: ids.count)
  }

  /// True when nothing waits or runs.
  public var isFinished: Bool { !states.contains(.waiting) && !states.contains(.running) }

  public var failedIDs: [String] { ids.indices.filter { states[$0] == .failed }.map { ids[$0] } }
  public var skippedIDs: [String] { ids.indices.filter { states[$0] == .skipped }.map { ids[$0] } }

  /// Marks as skipped every waiting experiment whose prerequisite failed or
  /// was skipped (repeatedly, so skips propagate); returns (index, the
  /// prerequisite's id) for each, in catalog order.
  public mutating func skipBlocked() -> [(index: Int, missing: String)] {
    var skipped: [(Int, String)] = []
    var changed = true
    while changed {
      changed = false
      for i in ids.indices where states[i] == .waiting {
        if let p = prerequisites[i].first(where: { states[$0] == .failed || states[$0] == .skipped }) {
          states[i] = .skipped
          skipped.append((i, ids[p]))
          changed = true
        }
      }
    }
    return skipped.sorted { $0.0 < $1.0 }
  }

  /// Stops starting anything new: every waiting experiment is skipped; returns their ids.
  @discardableResult public mutating func skipWaiting() -> [String] {
    let waiting = ids.indices.filter { states[$0] == .waiting }
    for i in waiting { states[i] = .skipped }
    return waiting.map { ids[$0] }
  }

  /// The next experiment to start (now marked running), or nil when none is ready.
  public mutating func start() -> Int? {
    let ready = ids.indices.filter { i in states[i] == .waiting && prerequisites[i].allSatisfy { states[$0] == .succeeded } }
    guard let first = ready.first else { return nil }
    let chosen = longestFirst ? ready.reduce(first) { best, i in pathSeconds[i] > pathSeconds[best] ? i : best } : first
    states[chosen] = .running
    return chosen
  }

  /// Own time plus the longest path among the readers, for each experiment (the requires-graph is acyclic).
  static func pathSeconds(own: [Double], prerequisites: [[Int]]) -> [Double] {
    var readers = [[Int]](repeating: [], count: own.count)
    for (i, ps) in prerequisites.enumerated() { for p in ps { readers[p].append(i) } }
    var memo = [Double?](repeating: nil, count: own.count)
    func path(_ i: Int) -> Double {
      if let known = memo[i] { return known }
      let value = own[i] + (readers[i].map(path).max() ?? 0)
      memo[i] = value
      return value
    }
    return own.indices.map(path)
  }

  public mutating func finish(_ index: Int, succeeded: Bool) {
    precondition(states[index] == .running, "JobSchedule: \(ids[index]) finished without running")
    states[index] = succeeded ? .succeeded : .failed
  }
}
