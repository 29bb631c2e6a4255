// ```ledger blocks: the paper's number beside ours, one row per line
//
//   quantity | paper value | source | our key
//
// The source may cite, `Jaderberg et al. [@jaderberg2015spatial], Table 1`.
// Every row is also kept (LedgerRow) for the book's ledger page, with the
// claims of the chapter that read the row's key: the claim is what relates
// the paper's number to ours, and whether it holds.
import Foundation

/// One "paper vs ours" row of a chapter's ledger.
public struct LedgerRow: Sendable {
  public var quantity: String
  public var paper: String
  /// The source as HTML (citations linked) and as plain text.
  public var sourceHTML: String
  public var key: String
  /// Our value, formatted; nil when the key is unknown.
  public var ours: String?
  public var line: Int
  /// The chapter's claims that read `key`, filled when the chapter is done.
  public var claims: [ClaimOutcome] = []
}

extension CompileState {
  mutating func ledgerHTML(_ lines: [String], firstLine: Int) -> String {
    var html = "<div class=\"scroll\"><table class=\"ledger\">\n<thead><tr><th>quantity</th><th>paper</th><th>source</th><th>ours</th></tr></thead>\n<tbody>\n"
    for (n, text) in lines.enumerated() where !text.trimmingCharacters(in: .whitespaces).isEmpty {
      let cells = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count == 4 else {
        error(firstLine + n, "ledger line needs 4 cells `quantity | paper | source | key`, got \(cells.count)")
        continue
      }
      var ours: String? = nil
      switch lookup(cells[3]) {
      case .success(let value): ours = try? formatted(value)
      case .failure(let failure): error(firstLine + n, failure.message)
      }
      let source = citationsInText(cells[2], line: firstLine + n)
      let oursHTML = ours.map { "<span class=\"value\">\(HTML.escape($0))</span>" } ?? "<span class=\"missing\">?</span>"
      ledgerRows.append(LedgerRow(quantity: cells[0], paper: cells[1], sourceHTML: source, key: cells[3], ours: ours, line: firstLine + n))
      html += "<tr><td>\(HTML.escape(cells[0]))</td><td class=\"num\">\(HTML.escape(cells[1]))</td><td>\(source)</td><td class=\"num\">\(oursHTML)</td></tr>\n"
    }
    return html + "</tbody></table></div>\n"
  }

  /// Attaches to each ledger row the claims that read its key.
  mutating func relateLedgerToClaims() {
    for i in ledgerRows.indices {
      let key = ledgerRows[i].key
      ledgerRows[i].claims = outcomes.filter { outcome in
        if outcome.claim.key == key { return true }
        if case .compare(_, .key(let other)) = outcome.claim.relation { return other == key }
        return false
      }
    }
  }
}
