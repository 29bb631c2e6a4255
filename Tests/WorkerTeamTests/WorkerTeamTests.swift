// The team's contract: every part runs exactly once per call, part i runs on
// the same thread in every call (that is the point of the team), part 0 on
// the caller, and busy or oversized calls still run every part.
import Dispatch
import Synchronization
import Testing
import WorkerTeam

#if canImport(Glibc)
  import Glibc
#endif

/// Counts per part, written by the part's own thread only.
final class PartLog: @unchecked Sendable {
  var counts: [Int]
  var threads: [pthread_t?]
  init(_ parts: Int) {
    counts = Array(repeating: 0, count: parts)
    threads = Array(repeating: nil, count: parts)
  }
}

@Suite("WorkerTeam")
struct WorkerTeamTests {
  @Test("every part runs exactly once, over many consecutive loops")
  func everyPartOnce() {
    for parts in [1, 2, 3, 5] {
      let log = PartLog(parts)
      for _ in 0..<2_000 { WorkerTeam.perform(parts: parts) { log.counts[$0] += 1 } }
      #expect(log.counts == Array(repeating: 2_000, count: parts), "parts \(parts)")
    }
  }

  @Test("part 0 runs on the caller and part i on one thread in every loop")
  func partsKeepTheirThreads() {
    // Other suites may hold the team meanwhile (their loops then fall back
    // to concurrentPerform): only loops the team ran are compared.
    let parts = 3
    let log = PartLog(parts)
    let changed = Atomic<Int>(0)
    let caller = pthread_self()
    var teamRounds = 0
    for round in 0..<20_000 where teamRounds < 500 {
      let first = teamRounds == 0
      let moved = Atomic<Int>(0)
      let ranOnTeam = WorkerTeam.perform(parts: parts) { part in
        let me = pthread_self()
        if first {
          log.threads[part] = me
        } else if pthread_equal(log.threads[part]!, me) == 0 {
          moved.add(1, ordering: .relaxed)
        }
      }
      if ranOnTeam {
        teamRounds += 1
        changed.add(moved.load(ordering: .relaxed), ordering: .relaxed)
      }
      // Pauses longer than the spin time make the workers park and wake.
      if round % 100 == 99 { usleep(2_000) }
    }
    #expect(teamRounds == 500)
    #expect(pthread_equal(log.threads[0]!, caller) != 0)
    #expect(changed.load(ordering: .relaxed) == 0)
    let sharing = Set((0..<parts).map { p in (0..<parts).filter { pthread_equal(log.threads[$0]!, log.threads[p]!) != 0 }.count })
    #expect(sharing == [1], "each part has its own thread")
  }

  @Test("a loop inside a loop and loops from concurrent callers run every part")
  func nestedAndConcurrent() {
    let total = Atomic<Int>(0)
    WorkerTeam.perform(parts: 2) { _ in
      WorkerTeam.perform(parts: 3) { _ in total.add(1, ordering: .relaxed) }
    }
    #expect(total.load(ordering: .relaxed) == 6)
    let concurrent = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      for _ in 0..<200 { WorkerTeam.perform(parts: 2) { _ in concurrent.add(1, ordering: .relaxed) } }
    }
    #expect(concurrent.load(ordering: .relaxed) == 4 * 200 * 2)
    let many = Atomic<Int>(0)
    WorkerTeam.perform(parts: 40) { _ in many.add(1, ordering: .relaxed) }
    #expect(many.load(ordering: .relaxed) == 40)
  }
}
