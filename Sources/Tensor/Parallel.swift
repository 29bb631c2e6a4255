// Splitting element-wise work over the BLAS thread count (the --threads of a
// run), so the loops around the matrix products use the second core too.
// Chunks write disjoint parts of their output, so results do not depend on
// scheduling: same inputs and thread count, same bits.
import Dispatch
import WorkerTeam

/// A pointer that may cross into a concurrent chunk (the caller guarantees
/// the chunks touch disjoint elements).
public struct SendablePointer<T>: @unchecked Sendable {
  public let base: UnsafeMutablePointer<T>
  public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

public struct SendableConstPointer<T>: @unchecked Sendable {
  public let base: UnsafePointer<T>
  public init(_ base: UnsafePointer<T>) { self.base = base }
}

public enum Parallel {
  /// Overrides the thread count for the current task (tests compare 1 and 2
  /// threads without touching the process-wide BLAS setting).
  @TaskLocal public static var threadOverride: Int? = nil

  /// Calls `body` on contiguous sub-ranges of 0..<count, one per thread,
  /// when there is enough work (`count * cost >= 1 << 16`); otherwise once.
  public static func chunks(_ count: Int, cost: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    let threads = threadCount
    guard threads > 1 && count >= threads && count * cost >= 1 << 16 else {
      body(0..<count)
      return
    }
    split(count, over: threads, body)
  }

  /// The run's thread count for split loops (at most 8).
  static var threadCount: Int { min(threadOverride ?? BLAS.threads, 8) }

  /// `body` on `parts` contiguous sub-ranges of 0..<count, concurrently.
  static func split(_ count: Int, over parts: Int, _ body: @Sendable (Range<Int>) -> Void) {
    WorkerTeam.perform(parts: parts) { t in
      body((count * t / parts)..<(count * (t + 1) / parts))
    }
  }
}

/// Work split by whole items (images, chunks of a batch) rather than inside
/// each matrix product: every thread runs its own items with single-threaded
/// products. With fewer items than threads (or with OpenBLAS, whose threads
/// would compete with ours) the items run in order and each product uses
/// the threads instead. The packed products give the same bits either way.
public enum ImageParallel {
  static var threads: Int { Parallel.threadCount }

  static var splitsItems: Bool { threads > 1 && BLAS.gemmKernel != "openblas" }

  /// Threads each matrix product of an item should use.
  public static func gemmThreads(images count: Int) -> Int {
    splitsItems && count >= threads ? 1 : threads
  }

  /// Calls `body` on contiguous sub-ranges of 0..<count, one per thread when
  /// the items are split, else once on the whole range.
  public static func forEachRange(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let workers = threads
    guard splitsItems && count >= workers else {
      body(0..<count)
      return
    }
    Parallel.split(count, over: workers, body)
  }
}
