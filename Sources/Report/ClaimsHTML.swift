// ```claim blocks -> a list of checked statements, each ✓ or ✗ with the
// measured values beside it (the grammar is in Claims.swift).
import Foundation

extension CompileState {
  mutating func claimsHTML(_ lines: [String], firstLine: Int) -> String {
    var items: [String] = []
    for (n, text) in lines.enumerated() {
      let trimmed = text.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let line = firstLine + n
      let claim: Claim
      do { claim = try Claim.parse(text, line: line) } catch {
        self.error(line, "\(error)")
        items.append("<li class=\"fail\"><span class=\"mark\">✗</span> <code>\(HTML.escape(trimmed))</code> <span class=\"measured\">does not parse</span></li>")
        continue
      }
      var unknown: [String] = []
      let outcome = claim.check { key in
        switch lookup(key) {
        case .success(let v): return v.value
        case .failure(let failure):
          unknown.append(failure.message)
          return nil
        }
      }
      for message in unknown { error(line, message) }
      guard let outcome else {
        items.append("<li class=\"fail\"><span class=\"mark\">✗</span> <code>\(HTML.escape(claim.source))</code> <span class=\"measured\">unknown key</span></li>")
        continue
      }
      outcomes.append(outcome)
      let measured = outcome.measuredText { key, value in
        (try? lookup(key).get()).flatMap { try? formatted($0) }.map { "\($0)" } ?? "\(value)"
      }
      if !outcome.passed {
        error(line, "claim failed: \(claim.source)  (\(outcome.measuredText { "\($1)" }))")
      }
      let note = claim.note.map { " <span class=\"note\">\(HTML.escape($0))</span>" } ?? ""
      items.append(
        "<li class=\"\(outcome.passed ? "pass" : "fail")\"><span class=\"mark\">\(outcome.passed ? "✓" : "✗")</span> <code>\(HTML.escape(claim.source))</code> <span class=\"measured\">\(HTML.escape(measured))</span>\(note)</li>"
      )
    }
    return "<ul class=\"claims\">\n" + items.joined(separator: "\n") + "\n</ul>\n"
  }

}
