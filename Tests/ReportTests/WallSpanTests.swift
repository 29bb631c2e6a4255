import Foundation
import Testing

@testable import Report

/// The index's total run time when experiments overlapped (`convnotes all --jobs 2`).
struct WallSpanTests {
  static func timings(_ finishedAt: String, _ seconds: Double) -> StoredTimings {
    StoredTimings(finishedAt: finishedAt, seconds: seconds, measured: nil)
  }

  @Test func overlappingRunsSpanLessThanTheirSum() {
    // A: 10:00:00-10:00:50, B: 10:00:20-10:01:00, side by side: 60 s of wall time for 90 s of runs.
    let overlapping = [Self.timings("2026-12-04T10:00:50Z", 50), Self.timings("2026-12-04T10:01:00Z", 40)]
    #expect(Site.wallSpan(overlapping) == 60)
    let site = Site(chaptersFolder: URL(fileURLWithPath: "/c"), resultsRoot: URL(fileURLWithPath: "/r"), siteFolder: URL(fileURLWithPath: "/s"), sourceRoot: URL(fileURLWithPath: "/"))
    #expect(site.overlapLine(overlapping, sum: 90) == "; they ran several at a time, 1 min 0 s from the first start to the last finish")
    // One after the other: the span is the sum, and the index says nothing more.
    let sequential = [Self.timings("2026-12-04T10:00:50Z", 50), Self.timings("2026-12-04T10:01:30Z", 40)]
    #expect(Site.wallSpan(sequential) == 90)
    #expect(site.overlapLine(sequential, sum: 90) == "")
    #expect(Site.wallSpan([StoredTimings(finishedAt: nil, seconds: 3, measured: nil)]) == nil)
  }
}
