// `convnotes verify`: every claim of every chapter, and every key a chapter
// reads, checked against results/ without rendering. Problems print like
// compiler errors; `junitXML` gives CI systems one test case per claim.

public struct VerifyReport: Sendable {
  public var compiled: [CompiledChapter]
  public var problems: [ReportError]

  public var claims: [ClaimOutcome] { compiled.flatMap(\.outcomes) }
  public var passed: Bool { problems.isEmpty }

  public var summary: String {
    let failed = claims.filter { !$0.passed }.count
    let other = problems.count - failed
    return "verify: \(claims.count) claims in \(compiled.count) chapters: \(claims.count - failed) hold, \(failed) failed"
      + (other > 0 ? "; \(other) other problem\(other == 1 ? "" : "s")" : "")
  }

  /// JUnit XML: one testsuite per chapter, one testcase per claim, plus one
  /// failing testcase per problem that is not a claim (unknown keys, syntax).
  public func junitXML() -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    let failures = problems.count
    out += "<testsuites name=\"convnotes verify\" tests=\"\(claims.count + problems.filter { !$0.message.hasPrefix("claim failed") }.count)\" failures=\"\(failures)\">\n"
    for chapter in compiled {
      let others = chapter.errors.filter { !$0.message.hasPrefix("claim failed") }
      let chapterFailures = chapter.outcomes.filter { !$0.passed }.count + others.count
      out += "  <testsuite name=\"\(x(chapter.chapter.path))\" tests=\"\(chapter.outcomes.count + others.count)\" failures=\"\(chapterFailures)\">\n"
      for outcome in chapter.outcomes {
        let name = "line \(outcome.claim.line): \(outcome.claim.source)"
        out += "    <testcase classname=\"\(x(chapter.chapter.slug))\" name=\"\(x(name))\" file=\"\(x(chapter.chapter.path))\" line=\"\(outcome.claim.line)\""
        if outcome.passed {
          out += "/>\n"
        } else {
          let message = "claim failed: \(outcome.claim.source) (\(outcome.measuredText { "\($1)" }))"
          out += ">\n      <failure message=\"\(x(message))\">\(x(chapter.chapter.path)):\(outcome.claim.line): \(x(message))</failure>\n    </testcase>\n"
        }
      }
      for problem in others {
        out += "    <testcase classname=\"\(x(chapter.chapter.slug))\" name=\"\(x("line \(problem.line): \(problem.message)"))\" file=\"\(x(problem.file))\" line=\"\(problem.line)\">\n"
        out += "      <failure message=\"\(x(problem.message))\">\(x(problem.description))</failure>\n    </testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    let loose = problems.filter { p in !compiled.contains { $0.chapter.path == p.file } }
    if !loose.isEmpty {
      out += "  <testsuite name=\"chapters\" tests=\"\(loose.count)\" failures=\"\(loose.count)\">\n"
      for problem in loose {
        out += "    <testcase classname=\"chapters\" name=\"\(x(problem.description))\">\n      <failure message=\"\(x(problem.message))\">\(x(problem.description))</failure>\n    </testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  private func x(_ s: String) -> String { HTML.escape(s) }
}

extension Site {
  /// Checks every chapter without writing anything.
  public func verify() -> VerifyReport {
    let (compiled, problems) = compileAll()
    return VerifyReport(compiled: compiled, problems: problems)
  }
}
