// Grading: for each test of an assignment, the grader makes the inputs,
// takes the expected outputs from the reference (this binary's own library,
// in this process) or from fixtures, has a runner compute the submission's
// outputs, and compares. A test scores all its points when every case
// matches, else zero, with what was wrong in `output`.
//
// The submission never sees an expected value: a child process gets only the
// inputs and returns outputs, and the comparison happens here.
import Foundation

/// Where expected outputs come from.
public enum ExpectedValues: Sendable {
  /// Computed now by this binary's library (the grader must be the reference).
  case reference(seed: UInt64)
  /// Shipped with a student copy for self-checking (`assignment make`).
  case fixtures(Fixtures)
}

/// Inputs and expected outputs of every test, computed by the reference at
/// `assignment make` time from a seed other than the grading seed.
public struct Fixtures: Codable, Sendable {
  public struct Entry: Codable, Sendable {
    public var inputs: [Values]
    public var expected: [Values]
  }
  public var assignment: String
  public var seed: UInt64
  public var tests: [String: Entry]

  public static func make(_ assignment: Assignment, seed: UInt64) throws -> Fixtures {
    var tests: [String: Entry] = [:]
    for test in assignment.tests {
      let inputs = test.allInputs(seed: seed)
      tests[test.id] = Entry(inputs: inputs, expected: try inputs.map { try test.compute($0, .library) })
    }
    return Fixtures(assignment: assignment.id, seed: seed, tests: tests)
  }

  public func encoded() throws -> Data { try ValuesJSON.encode(self) }
  public static func decode(_ data: Data) throws -> Fixtures { try ValuesJSON.decode(Fixtures.self, from: data) }
}

/// The outcome of running one test's cases in the submission.
public enum RunOutcome: Sendable {
  case outputs([Values])
  /// Crashed, timed out, ran out of memory, wrote nothing readable: why.
  case failed(status: TestResult.Status, message: String)
}

/// Computes a test's outputs with the submission's code.
public protocol CheckRunner {
  func run(_ test: AssignmentTest, of assignment: Assignment, cases: [Values]) -> RunOutcome
}

/// Runs the checks in this process with an implementation table (tests; a
/// crash here is a crash of the grader, so a real submission uses ChildProcessRunner).
public struct InProcessRunner: CheckRunner {
  public var implementation: Implementation
  public init(_ implementation: Implementation = .library) { self.implementation = implementation }
  public func run(_ test: AssignmentTest, of assignment: Assignment, cases: [Values]) -> RunOutcome {
    do {
      return .outputs(try cases.map { try test.compute($0, implementation) })
    } catch {
      return .failed(status: .error, message: "\(error)")
    }
  }
}

public struct TestResult: Codable, Sendable {
  public enum Status: String, Codable, Sendable { case passed, failed, crashed, timeout, error }
  public var id: String
  public var name: String
  public var score: Int
  public var maxScore: Int
  public var status: Status
  /// What was wrong (empty when passed).
  public var output: String
  public var seconds: Double

  public init(id: String, name: String, score: Int, maxScore: Int, status: Status, output: String, seconds: Double) {
    (self.id, self.name, self.score, self.maxScore, self.status, self.output, self.seconds) = (id, name, score, maxScore, status, output, seconds)
  }
}

public struct GradeReport: Codable, Sendable {
  public var assignment: String
  public var title: String
  public var score: Int
  public var maxScore: Int
  /// "reference" or "fixtures (self-check)".
  public var expected: String
  public var tests: [TestResult]

  public init(assignment: String, title: String, score: Int, maxScore: Int, expected: String, tests: [TestResult]) {
    (self.assignment, self.title, self.score, self.maxScore, self.expected, self.tests) = (assignment, title, score, maxScore, expected, tests)
  }
}

public enum Grader {
  /// Grades every test of `assignment` (or the ones in `only`).
  public static func grade(
    _ assignment: Assignment, runner: any CheckRunner, expected: ExpectedValues, only: Set<String>? = nil,
    progress: (TestResult) -> Void = { _ in }
  ) -> GradeReport {
    var results: [TestResult] = []
    for test in assignment.tests where only?.contains(test.id) ?? true {
      let start = Date()
      var result = grade(test, of: assignment, runner: runner, expected: expected)
      result.seconds = Date().timeIntervalSince(start)
      progress(result)
      results.append(result)
    }
    let label: String
    switch expected {
    case .reference: label = "reference"
    case .fixtures: label = "fixtures (self-check)"
    }
    return GradeReport(
      assignment: assignment.id, title: assignment.title, score: results.reduce(0) { $0 + $1.score },
      maxScore: results.reduce(0) { $0 + $1.maxScore }, expected: label, tests: results)
  }

  static func grade(_ test: AssignmentTest, of assignment: Assignment, runner: any CheckRunner, expected source: ExpectedValues) -> TestResult {
    func result(_ status: TestResult.Status, _ output: String) -> TestResult {
      TestResult(
        id: test.id, name: "\(test.id): \(test.title)", score: status == .passed ? test.points : 0, maxScore: test.points,
        status: status, output: output, seconds: 0)
    }
    let inputs: [Values], expected: [Values]
    switch source {
    case .reference(let seed):
      inputs = test.allInputs(seed: seed)
      do {
        expected = try inputs.map { try test.compute($0, .library) }
      } catch {
        return result(.error, "the reference could not compute the expected values: \(error)")
      }
    case .fixtures(let fixtures):
      guard let entry = fixtures.tests[test.id] else { return result(.error, "no fixture for this test") }
      (inputs, expected) = (entry.inputs, entry.expected)
    }
    switch runner.run(test, of: assignment, cases: inputs) {
    case .failed(let status, let message):
      return result(status, message)
    case .outputs(let actual):
      guard actual.count == expected.count else {
        return result(.failed, "returned \(actual.count) cases, expected \(expected.count)")
      }
      for (k, (e, a)) in zip(expected, actual).enumerated() {
        for key in e.arrays.keys.sorted() {
          if let problem = Compare.mismatch(key, expected: e.arrays[key]!, actual: a.arrays[key], tolerance: test.tolerance) {
            let check = test.gradientCheck.flatMap { try? $0(inputs[k], a) }.map { "; \($0)" } ?? ""
            return result(.failed, "case \(k + 1) of \(expected.count): \(problem)\(check)")
          }
        }
      }
      return result(.passed, "")
    }
  }
}
