// What an assignment is: the functions a student writes (each a solution
// region in a reference file) and the tests that grade them. A test makes
// seeded inputs (grader side), computes outputs through an Implementation
// (in the submission's process), and names the tolerance its outputs are
// compared with (Compare.swift) against the reference's outputs.
import Tensor

/// A function of the reference that a student copy leaves out.
public struct AssignedFunction: Sendable {
  /// How the student finds it: `Reference.conv2dBackward(_:input:weight:stride:padding:)`.
  public var name: String
  /// The file, relative to the package root.
  public var file: String
  /// The id of its solution region(s) in that file.
  public var region: String
}

/// One graded test: a few cases, all of which must match.
public struct AssignmentTest: Sendable {
  public var id: String
  public var title: String
  /// The region whose code this test grades.
  public var region: String
  public var points: Int
  public var cases: Int
  public var tolerance: Double
  /// Inputs of case `index` (the grader's, or the reference's when fixtures are made).
  public var inputs: @Sendable (_ index: Int, _ rng: inout SplitMix64) -> Values
  /// Outputs of one case through `implementation` (in the submission's process).
  public var compute: @Sendable (_ inputs: Values, _ implementation: Implementation) throws -> Values
  /// For a backward pass: a gradient check of the submission's outputs against
  /// the reference's forward (run by the grader when a case fails), e.g.
  /// "gradient check of dx against the forward: relative error 0.31".
  public var gradientCheck: (@Sendable (_ inputs: Values, _ actual: Values) throws -> String)?

  public init(
    _ id: String, _ title: String, region: String, points: Int, cases: Int, tolerance: Double = 1e-4,
    inputs: @escaping @Sendable (Int, inout SplitMix64) -> Values,
    compute: @escaping @Sendable (Values, Implementation) throws -> Values,
    gradientCheck: (@Sendable (Values, Values) throws -> String)? = nil
  ) {
    (self.id, self.title, self.region, self.points, self.cases, self.tolerance) = (id, title, region, points, cases, tolerance)
    (self.inputs, self.compute, self.gradientCheck) = (inputs, compute, gradientCheck)
  }

  /// The seeded inputs of every case.
  public func allInputs(seed: UInt64) -> [Values] {
    (0..<cases).map { i in
      var rng = SplitMix64(seed: seed).derived("\(id)#\(i)")
      return inputs(i, &rng)
    }
  }
}

public struct Assignment: Sendable {
  public var id: String
  public var title: String
  /// A paragraph for ASSIGNMENT.md: what the student learns and where it is used.
  public var summary: String
  public var functions: [AssignedFunction]
  public var tests: [AssignmentTest]

  public var maxScore: Int { tests.reduce(0) { $0 + $1.points } }
  public var regions: Set<String> { Set(functions.map(\.region)) }

  public func test(id: String) -> AssignmentTest? { tests.first { $0.id == id } }
  public func points(of region: String) -> Int { tests.filter { $0.region == region }.reduce(0) { $0 + $1.points } }
}

public enum AssignmentCatalog {
  public static let all: [Assignment] = [LayersAssignment.assignment, DetectionAssignment.assignment, VisualizationAssignment.assignment]

  public static func assignment(id: String) -> Assignment? { all.first { $0.id == id } }
}

// Input helpers shared by the assignments' files.
func randn(_ shape: [Int], _ rng: inout SplitMix64, std: Float = 1) -> Tensor {
  Tensor.randomNormal(shape: shape, std: std, using: &rng)
}

