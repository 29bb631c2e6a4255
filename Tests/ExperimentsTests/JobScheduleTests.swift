import ExperimentKit
import Testing

/// The start order of `--jobs N` (JobSchedule), on ShardTests' made-up experiments (C reads B's results).
struct JobScheduleTests {
  static let list: [any Experiment.Type] = [ShardA.self, ShardB.self, ShardC.self, ShardD.self, ShardE.self]
  static let seconds = ["shard-a": 10.0, "shard-b": 30, "shard-c": 50, "shard-d": 30, "shard-e": 5]

  /// Starts everything, finishing each as soon as it starts; the ids in start order.
  static func startOrder(_ schedule: inout JobSchedule) -> [String] {
    var order: [String] = []
    while let i = schedule.start() {
      order.append(schedule.ids[i])
      schedule.finish(i, succeeded: true)
    }
    return order
  }

  @Test func oneJobKeepsCatalogOrder() {
    var s = JobSchedule(Self.list, seconds: Self.seconds, jobs: 1)
    #expect(Self.startOrder(&s) == ["shard-a", "shard-b", "shard-c", "shard-d", "shard-e"])
    #expect(s.isFinished)
  }

  @Test func severalJobsStartTheLongestReadyFirst() {
    var s = JobSchedule(Self.list, seconds: Self.seconds, jobs: 2)
    // B's path is 30 + 50 (C reads it), before D (30) and A (10); C starts once B is done.
    #expect(Self.startOrder(&s) == ["shard-b", "shard-c", "shard-d", "shard-a", "shard-e"])
    // A missing estimate counts 60 s: A, D and E (60) tie and go in catalog order; B's path (30 + 60) is longer still.
    var missing = JobSchedule(Self.list, seconds: ["shard-b": 30], jobs: 2)
    #expect(Self.startOrder(&missing) == ["shard-b", "shard-a", "shard-c", "shard-d", "shard-e"])
    // A short prerequisite of a long reader starts before a longer experiment with none.
    var short = JobSchedule(Self.list, seconds: ["shard-a": 10, "shard-b": 5, "shard-c": 50, "shard-d": 40, "shard-e": 1], jobs: 2)
    #expect(Self.startOrder(&short) == ["shard-b", "shard-c", "shard-d", "shard-a", "shard-e"])
  }

  @Test func aPrerequisiteStillRunningHoldsItsReader() {
    var s = JobSchedule(Self.list, seconds: Self.seconds, jobs: 2)
    let b = s.start()!
    #expect(s.ids[b] == "shard-b")
    let d = s.start()!
    #expect(s.ids[d] == "shard-d")  // C is not ready while B runs
    s.finish(d, succeeded: true)
    #expect(s.ids[s.start()!] == "shard-a")
    s.finish(b, succeeded: true)
    #expect(s.ids[s.start()!] == "shard-c")
  }

  @Test func aFailedPrerequisiteSkipsItsReaderOnly() {
    var s = JobSchedule(Self.list, seconds: Self.seconds, jobs: 2)
    let b = s.start()!
    s.finish(b, succeeded: false)
    let skipped = s.skipBlocked()
    #expect(skipped.count == 1 && s.ids[skipped[0].index] == "shard-c" && skipped[0].missing == "shard-b")
    #expect(Self.startOrder(&s) == ["shard-d", "shard-a", "shard-e"])
    #expect(s.isFinished && s.failedIDs == ["shard-b"] && s.skippedIDs == ["shard-c"])
  }

  @Test func stoppingSkipsEverythingWaiting() {
    var s = JobSchedule(Self.list, seconds: Self.seconds, jobs: 2)
    let b = s.start()!
    s.skipWaiting()
    #expect(s.start() == nil && !s.isFinished)  // B still runs
    s.finish(b, succeeded: true)
    #expect(s.isFinished && s.skippedIDs == ["shard-a", "shard-c", "shard-d", "shard-e"])
  }
}
