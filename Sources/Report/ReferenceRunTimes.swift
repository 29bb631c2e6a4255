// The full-profile time of each experiment as measured on the reference
// machine, handed to the report by the command line (the numbers live in
// Experiments/ReferenceTimes.swift, which the report does not import). The
// index prints them beside the times of the run it was built from, so a
// reader of a quick report still sees what `make report` costs.

public struct ReferenceRunTimes: Sendable {
  /// Seconds per experiment id.
  public var seconds: [String: Double]
  /// How they were measured ("measured with --threads 2, empty model cache").
  public var conditions: String

  /// Wall-clock seconds of the whole suite as `make report` runs it (several
  /// experiments at once), and how many at once; nil when not measured.
  public var wall: (seconds: Double, jobs: Int)?

  public init(seconds: [String: Double] = [:], conditions: String = "", wall: (seconds: Double, jobs: Int)? = nil) {
    (self.seconds, self.conditions, self.wall) = (seconds, conditions, wall)
  }

  /// The sum over `ids` of the known times, and how many of them are known.
  public func total(of ids: [String]) -> (seconds: Double, known: Int) {
    let known = ids.compactMap { seconds[$0] }
    return (known.reduce(0, +), known.count)
  }
}
