// A persistent team of worker threads for the numeric core's parallel loops.
//
// Why not DispatchQueue.concurrentPerform: a training step of the reference
// net runs about twenty parallel loops of a few hundred microseconds each.
// GCD parks its workers between loops, so every loop pays a wake-up (on a VM,
// also the wake-up of a halted vCPU), and it hands part i to whichever thread
// comes first, so a layer's images often sit in the other core's cache. The
// team keeps both costs down the way OpenMP runtimes do:
//   - part i of every loop runs on team thread i (part 0 on the caller), so
//     a core keeps working on the same images from layer to layer;
//   - between loops a worker spins for a bounded time (`spinNanoseconds`),
//     yielding the processor while it spins, then parks on a condition
//     variable until the next loop.
// Results do not depend on the team: the parts are the caller's ranges and
// each part runs on one thread, as with concurrentPerform.
//
// Protocol (one loop at a time; `busy` is the team's lock-free owner flag):
//   caller: take `busy`; publish the body; set `pending` = parts - 1;
//           bump `word` (sequence << 8 | parts), seq-cst; if any worker
//           sleeps, broadcast under the mutex; run part 0; wait until
//           `pending` == 0 (spin, then park); release `busy`.
//   worker i: wait until `word` changes (spin, then park); if i < parts, run
//           part i and decrement `pending`; the last one wakes a parked caller.
// No wake-up is lost: a sleeper first counts itself in `sleepers` and then
// re-reads `word` under the mutex (both seq-cst), while the caller bumps
// `word` and then reads `sleepers`; one of the two sees the other's write.
// A call while the team is busy (nested loops, tests running concurrently)
// or with more parts than the team has threads falls back to concurrentPerform.
import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

public enum WorkerTeam {
  /// Calls `body(part)` for every part in 0..<parts, concurrently, and
  /// returns when all have finished. Part 0 runs on the calling thread when
  /// the team runs the loop; the result says whether it did (false: the
  /// team was busy or too small, and concurrentPerform ran the parts).
  @discardableResult
  public static func perform(parts: Int, _ body: @Sendable (Int) -> Void) -> Bool {
    if parts <= 1 {
      if parts == 1 { body(0) }
      return true
    }
    let team = Team.shared
    guard parts - 1 <= Team.maximumWorkers, Team.enabled, team.acquire() else {
      DispatchQueue.concurrentPerform(iterations: parts, execute: body)
      return false
    }
    defer { team.release() }
    withoutActuallyEscaping(body) { escapable in
      team.run(parts: parts, body: escapable)
    }
    return true
  }

  /// How long an idle worker (or a waiting caller) spins before it parks.
  public static var spinNanoseconds: UInt64 { Team.spinNanoseconds }
}

/// The process-wide team; threads start on first use, as many as a loop needs.
final class Team: @unchecked Sendable {
  static let shared = Team()
  static let maximumWorkers = 15
  /// Longer than the serial gaps between a training step's loops (tens of
  /// microseconds), short enough that an idle team costs nothing measurable.
  static let spinNanoseconds: UInt64 = 100_000
  /// `CONVNOTES_WORKER_TEAM=off` sends every loop to concurrentPerform, to
  /// measure what the team buys (results are the same bits either way).
  static let enabled: Bool = {
    guard let raw = getenv("CONVNOTES_WORKER_TEAM") else { return true }
    let value = String(cString: raw)
    precondition(["on", "off"].contains(value), "CONVNOTES_WORKER_TEAM must be on or off, not \(value)")
    return value == "on"
  }()

  /// sequence << 8 | parts of the current loop.
  private let word = Atomic<UInt64>(0)
  private let pending = Atomic<Int>(0)
  private let busy = Atomic<Bool>(false)
  private let sleepers = Atomic<Int>(0)
  private let callerParked = Atomic<Bool>(false)
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let workAvailable: UnsafeMutablePointer<pthread_cond_t>
  private let workDone: UnsafeMutablePointer<pthread_cond_t>
  /// The current loop's body; written only while no worker runs a part.
  private let body: UnsafeMutablePointer<((Int) -> Void)?>
  /// Workers started so far (changed only by the owner of `busy`).
  private var started = 0

  private init() {
    mutex = .allocate(capacity: 1)
    workAvailable = .allocate(capacity: 1)
    workDone = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(workAvailable, nil)
    pthread_cond_init(workDone, nil)
    body = .allocate(capacity: 1)
    body.initialize(to: nil)
  }

  func acquire() -> Bool {
    busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
  }

  func release() { busy.store(false, ordering: .releasing) }

  /// One loop; the caller owns `busy`.
  func run(parts: Int, body work: @escaping (Int) -> Void) {
    let current = word.load(ordering: .relaxed)
    while started < parts - 1 { startWorker(index: started + 1, seen: current) }
    body.pointee = work
    pending.store(parts - 1, ordering: .relaxed)
    let next = ((current >> 8) &+ 1) << 8 | UInt64(parts)
    word.store(next, ordering: .sequentiallyConsistent)
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      pthread_mutex_lock(mutex)
      pthread_cond_broadcast(workAvailable)
      pthread_mutex_unlock(mutex)
    }
    work(0)
    waitForWorkers()
    body.pointee = nil
  }

  private func waitForWorkers() {
    if spin(until: { pending.load(ordering: .acquiring) == 0 }) { return }
    pthread_mutex_lock(mutex)
    callerParked.store(true, ordering: .sequentiallyConsistent)
    while pending.load(ordering: .sequentiallyConsistent) != 0 { pthread_cond_wait(workDone, mutex) }
    callerParked.store(false, ordering: .relaxed)
    pthread_mutex_unlock(mutex)
  }

  /// Spins (yielding the processor) until `ready()` or the spin time is up;
  /// true when ready.
  @inline(__always)
  private func spin(until ready: () -> Bool) -> Bool {
    if ready() { return true }
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    var rounds = 0
    while true {
      for _ in 0..<32 where ready() { return true }
      rounds += 1
      if rounds & 7 == 0 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsed = UInt64(now.tv_sec - start.tv_sec) &* 1_000_000_000 &+ UInt64(bitPattern: Int64(now.tv_nsec - start.tv_nsec))
        if elapsed >= Team.spinNanoseconds { return ready() }
      }
      // Gives the processor to another runnable thread (a second process
      // of `--jobs 2`), returns at once when there is none.
      sched_yield()
    }
  }

  private func workerLoop(index: Int, seen initial: UInt64) {
    var seen = initial
    while true {
      seen = waitForLoop(after: seen)
      let parts = Int(seen & 0xff)
      guard index < parts else { continue }
      runPart(index)
      if pending.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
        callerParked.load(ordering: .sequentiallyConsistent)
      {
        pthread_mutex_lock(mutex)
        pthread_cond_signal(workDone)
        pthread_mutex_unlock(mutex)
      }
    }
  }

  /// Calls the body in its own frame, so every reference this thread takes
  /// to it is dropped before the part is reported done.
  @inline(never)
  private func runPart(_ index: Int) { body.pointee!(index) }

  private func waitForLoop(after seen: UInt64) -> UInt64 {
    var value = seen
    if spin(until: {
      value = word.load(ordering: .acquiring)
      return value != seen
    }) { return value }
    pthread_mutex_lock(mutex)
    sleepers.add(1, ordering: .sequentiallyConsistent)
    value = word.load(ordering: .sequentiallyConsistent)
    while value == seen {
      pthread_cond_wait(workAvailable, mutex)
      value = word.load(ordering: .sequentiallyConsistent)
    }
    sleepers.subtract(1, ordering: .sequentiallyConsistent)
    pthread_mutex_unlock(mutex)
    return value
  }

  private func startWorker(index: Int, seen: UInt64) {
    let context = Unmanaged.passRetained(WorkerStart(team: self, index: index, seen: seen)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
      let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
      start.team.workerLoop(index: start.index, seen: start.seen)
      return nil
    }, context)
    precondition(status == 0, "WorkerTeam: pthread_create failed with error \(status)")
    pthread_detach(thread)
    started = index
  }
}

private final class WorkerStart {
  let team: Team
  let index: Int
  let seen: UInt64
  init(team: Team, index: Int, seen: UInt64) {
    self.team = team
    self.index = index
    self.seen = seen
  }
}
