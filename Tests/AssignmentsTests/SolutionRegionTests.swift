import Testing

@testable import Assignments

struct SolutionRegionTests {
  static let source = """
    public func f(_ x: Int) -> Int {
      // BEGIN SOLUTION a
      let y = x * 2
      return y
      // END SOLUTION
    }

    func g() -> Int {
      // BEGIN SOLUTION b
      // STUB: return 0
      return 42
      // END SOLUTION
    }
    """

  @Test func aRegionBecomesAFatalErrorNamingItsFunction() throws {
    let regions = try SolutionRegions.regions(in: Self.source)
    #expect(regions.map(\.id) == ["a", "b"])
    #expect(regions.map(\.function) == ["f", "g"])
    #expect(regions[0].begin == 2 && regions[0].end == 5)
    let (text, stripped) = try SolutionRegions.strip(Self.source, ids: ["a"]) { "\($0.function ?? "?") is yours" }
    #expect(stripped.map(\.id) == ["a"])
    #expect(!text.contains("x * 2") && !text.contains("BEGIN SOLUTION a"))
    #expect(text.contains("  fatalError(\"f is yours\")"))
    #expect(text.contains("return 42"))  // region b is not this assignment's
  }

  @Test func stubLinesReplaceTheRegion() throws {
    let (text, _) = try SolutionRegions.strip(Self.source, ids: ["b"]) { _ in "unused" }
    #expect(text.contains("func g() -> Int {\n  return 0\n}"))
    #expect(!text.contains("42") && !text.contains("STUB"))
  }

  @Test func snippetMarkersInsideARegionSurviveAroundTheStub() throws {
    let source = "func h() -> Int {\n  // BEGIN SOLUTION c\n  // snippet.core\n  return 7\n  // snippet.end\n  // END SOLUTION\n}"
    let (text, _) = try SolutionRegions.strip(source, ids: ["c"]) { _ in "h is yours" }
    #expect(text == "func h() -> Int {\n  // snippet.core\n  // YOUR CODE HERE (see ASSIGNMENT.md): the stub of a student copy.\n  fatalError(\"h is yours\")\n  // snippet.end\n}")
  }

  @Test func malformedRegionsAreErrorsWithTheLine() throws {
    #expect(throws: SolutionRegions.SyntaxError.self) { try SolutionRegions.regions(in: "// BEGIN SOLUTION a\n// BEGIN SOLUTION b\n") }
    #expect(throws: SolutionRegions.SyntaxError.self) { try SolutionRegions.regions(in: "x\n// END SOLUTION\n") }
    #expect(throws: SolutionRegions.SyntaxError.self) { try SolutionRegions.regions(in: "// BEGIN SOLUTION a\nx\n") }
    do {
      _ = try SolutionRegions.regions(in: "a\nb\n// BEGIN SOLUTION\n", path: "F.swift")
      Issue.record("no error")
    } catch let e as SolutionRegions.SyntaxError {
      #expect(e.description == "F.swift:3: BEGIN SOLUTION needs one region id")
    }
  }
}
