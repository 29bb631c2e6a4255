import Testing

@testable import Report

struct ValueFormatTests {
  @Test(arguments: [
    (0.81234, ".3f", "0.812"), (-0.5, ".1f", "\u{2212}0.5"), (0.1234, ".1%", "12.3%"), (12345, ",d", "12,345"),
    (-1234567, ",d", "\u{2212}1,234,567"), (0.0126, "+.3f", "+0.013"), (-0.0001, ".3f", "0.000"),
    (1.25e-4, ".2e", "1.25e-04"), (0.000123456, ".3g", "0.000123"), (599.6, "d", "600"),
  ])
  func formats(value: Double, format: String, expected: String) throws {
    #expect(try ValueFormat.string(value, format: format) == expected)
  }

  @Test(arguments: ["x", ".3", ".f3", "3f", ".99f", ".2d"])
  func unknownFormatsThrow(format: String) {
    #expect(throws: ValueFormat.FormatError.self) { try ValueFormat.string(1, format: format) }
  }
}

struct ClaimTests {
  let values: [String: Double] = ["ap50": 0.8, "ap75": 0.6, "other-id:k": 2]

  @Test func parsesEveryForm() throws {
    #expect(try Claim.parse("ap50 > 0.5", line: 3).relation == .compare(.greater, .number(0.5)))
    #expect(try Claim.parse("ap50 >= ap75", line: 3).relation == .compare(.greaterOrEqual, .key("ap75")))
    #expect(try Claim.parse("ap50 ~ 0.8 +- 0.01  # note here", line: 3).relation == .within(center: 0.8, tolerance: 0.01))
    #expect(try Claim.parse("ap50 ~ 0.8 ± 0.01", line: 3).relation == .within(center: 0.8, tolerance: 0.01))
    #expect(try Claim.parse("ap50 != 1e-3", line: 3).relation == .compare(.notEqual, .number(0.001)))
    #expect(try Claim.parse("other-id:k == 2", line: 1).key == "other-id:k")
    #expect(try Claim.parse("a.b <= c.d # why", line: 1).note == "why")
  }

  @Test(arguments: ["ap50 >", "> 0.5", "ap50 0.5", "ap50 ~ 0.5", "ap50 ~ 0.5 +- -1", "ap-50 > 1", "ap50 > 0.5 0.6", "1ap > 0"])
  func rejectsBadSyntax(text: String) {
    #expect(throws: ClaimSyntaxError.self) { try Claim.parse(text, line: 1) }
  }

  @Test func checksAgainstValues() throws {
    let lookup: (String) -> Double? = { values[$0] }
    #expect(try Claim.parse("ap50 > ap75", line: 1).check(lookup)?.passed == true)
    #expect(try Claim.parse("ap50 < ap75", line: 1).check(lookup)?.passed == false)
    #expect(try Claim.parse("ap50 ~ 0.85 +- 0.05", line: 1).check(lookup)?.passed == true)
    #expect(try Claim.parse("ap50 ~ 0.86 +- 0.05", line: 1).check(lookup)?.passed == false)
    #expect(try Claim.parse("ap50 == 0.8", line: 1).check(lookup)?.passed == true)
    #expect(try Claim.parse("nope > 1", line: 1).check(lookup) == nil)
    #expect(try Claim.parse("other-id:k == 2", line: 1).check(lookup)?.passed == true)
  }
}

struct MathPreprocessorTests {
  @Test func inlineMathBecomesACodeSpan() {
    #expect(MathPreprocessor.protect("weights $W_{ij}$ and $x^2$.") == "weights `{math}W_{ij}` and `{math}x^2`.")
  }

  @Test func dollarsThatAreNotMathStay() {
    #expect(MathPreprocessor.protect("costs $5 and $6 today") == "costs $5 and $6 today")
    #expect(MathPreprocessor.protect("a \\$ sign and `$x$` in code") == "a \\$ sign and `$x$` in code")
    #expect(MathPreprocessor.protect("```\n$x$\n```") == "```\n$x$\n```")
  }

  @Test func displayMathBecomesAFenceWithTheSameLineCount() {
    let out = MathPreprocessor.protect("a\n$$\nx = 1\n$$\nb")
    #expect(out == "a\n```math\nx = 1\n```\nb")
    #expect(MathPreprocessor.protect("$$x = 1$$") == "`{mathdisplay}x = 1`")
  }
}
