// The pages around the chapters: the index (chapters grouped by lecture in
// the lecture's order, each with a thumbnail of its largest figure, one
// sentence, its claims and run time; the total run time and the machine at
// the bottom), the ledger page (every "paper vs ours" row of every chapter,
// with the claims that relate the two numbers; sortable), and the
// bibliography (every reference, with the chapters citing it).
// Every string from chapters or results is escaped here.
import Foundation

extension Site {
  /// "Lecture 8: Localization and Detection" -> 8 (unknown lectures sort last).
  static func lectureNumber(_ lecture: String) -> Int {
    let digits = lecture.drop { !$0.isNumber }.prefix { $0.isNumber }
    return Int(digits) ?? Int.max
  }

  static func duration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let s = Int(seconds.rounded())
    return s < 3600 ? "\(s / 60) min \(s % 60) s" : "\(s / 3600) h \(s % 3600 / 60) min"
  }

  func lecture(of c: CompiledChapter) -> String { c.chapter.lecture ?? c.results?.lecture ?? "Other chapters" }

  func indexHTML(_ compiled: [CompiledChapter], store: ResultsStore) -> String {
    let e = HTML.escape
    let all = compiled.flatMap(\.outcomes)
    let problems = compiled.flatMap(\.errors).filter { !$0.message.hasPrefix("claim failed") }.count
    let tally = Self.tally(all, problems: problems)
    var lectures: [String] = []
    for c in compiled where !lectures.contains(lecture(of: c)) { lectures.append(lecture(of: c)) }
    lectures = lectures.enumerated().sorted { (Self.lectureNumber($0.element), $0.offset) < (Self.lectureNumber($1.element), $1.offset) }.map(\.element)
    var body = ""
    var total = 0.0
    var ran = 0
    var runTimings: [StoredTimings] = []
    for name in lectures {
      body += "<section class=\"lecture\"><h2>\(e(name))</h2>\n<ol class=\"cards\">\n"
      for c in compiled where lecture(of: c) == name {
        let t = Self.tally(c.outcomes, problems: c.errors.filter { !$0.message.hasPrefix("claim failed") }.count)
        let timings = store.timings(c.chapter.experiment)
        let seconds = timings?.seconds
        if let seconds, let timings { total += seconds; ran += 1; runTimings.append(timings) }
        let profile = c.results?.provenance?.profile
        let ranText = seconds.map { "ran in " + Self.duration($0) + (profile.map { " (\($0) profile)" } ?? "") } ?? "not run"
        let fullText = profile == "full" ? nil : fullProfileTimes.seconds[c.chapter.experiment].map { "full profile about " + Self.duration($0) }
        let number = String(c.chapter.slug.prefix { $0.isNumber })
        // The key figure: the largest the chapter shows (the first of equals), which is
        // its maps or grid rather than a small worked example or a training curve.
        let key = c.figures.enumerated().max { a, b in
          let (x, y) = ((a.element.figure.width ?? 0) * (a.element.figure.height ?? 0), (b.element.figure.width ?? 0) * (b.element.figure.height ?? 0))
          return x < y || (x == y && a.offset > b.offset)
        }?.element
        let thumb = key.map { f -> String in
          let png = f.figure.png.hasPrefix("figures/") ? String(f.figure.png.dropFirst("figures/".count)) : f.figure.png
          return "<img src=\"\(e("figures/\(f.experiment)/\(png)"))\" alt=\"\(e(f.figure.caption ?? c.title))\" loading=\"lazy\">"
        } ?? "<span class=\"nothumb\">no figure yet</span>"
        let papers = c.ledger.filter { !$0.paper.isEmpty && $0.paper != "—" }.count
        body += """
          <li class="card"><a class="thumb" href="\(e(pageName(c)))">\(thumb)</a><div class="text">\
          <h3><span class="num">\(e(number))</span> <a href="\(e(pageName(c)))">\(e(c.title))</a></h3>\
          <p>\(e(c.summary ?? ""))</p>\
          <p class="meta"><span class="\(t.cls)">\(e(t.text))</span>\(papers > 0 ? " · \(papers) paper number\(papers == 1 ? "" : "s") in the ledger" : "") · \
          \(e(ranText))\(fullText.map { " · " + e($0) } ?? "")</p></div></li>

          """
      }
      body += "</ol></section>\n"
    }
    let first = compiled.compactMap { $0.results?.provenance }.first
    let runLine = first.map {
      "Ran with \(Self.provenanceSummary(compiled))\($0.dirty == true ? " (with uncommitted changes)" : ""); "
        + "OpenBLAS kernel \($0.openblasCore ?? "?"), matrix-product kernel \($0.gemmKernel ?? "?")."
    } ?? "No results yet."
    let footer = """
      <footer class="provenance"><p><strong>Total run time \(Self.duration(total))</strong> for the \(ran) of \(compiled.count) chapters that have run \
      (wall time of each experiment's last run, on a machine that may have been shared)\(overlapLine(runTimings, sum: total)).</p>\
      \(fullProfileLine(compiled))\
      <p>\(e(runLine))</p><p>Report built on \(e(Self.machine())).</p></footer>
      """
    return Templates.indexTemplate?.render(
      ["tally": tally.text, "tallyClass": tally.cls, "body": body, "footer": footer] as [String: Any]) ?? ""
  }

  /// When the experiments overlapped in time (`convnotes all --jobs N`): the
  /// span from the first start to the last finish, which is less than the sum.
  func overlapLine(_ timings: [StoredTimings], sum: Double) -> String {
    guard let span = Self.wallSpan(timings), span < 0.95 * sum else { return "" }
    return "; they ran several at a time, \(Self.duration(span)) from the first start to the last finish"
  }

  /// Seconds from the earliest start (finish minus duration) to the latest finish, nil without times.
  static func wallSpan(_ timings: [StoredTimings]) -> Double? {
    let parser = ISO8601DateFormatter()
    let spans = timings.compactMap { t -> (start: Date, end: Date)? in
      guard let text = t.finishedAt, let end = parser.date(from: text), let seconds = t.seconds else { return nil }
      return (end.addingTimeInterval(-seconds), end)
    }
    guard let start = spans.map(\.start).min(), let end = spans.map(\.end).max() else { return nil }
    return end.timeIntervalSince(start)
  }

  /// What the whole report costs at the full profile on the reference machine, when known.
  func fullProfileLine(_ compiled: [CompiledChapter]) -> String {
    let ids = compiled.map(\.chapter.experiment)
    let (seconds, known) = fullProfileTimes.total(of: ids)
    guard known > 0 else { return "" }
    let scope = known == ids.count ? "all \(known) chapters" : "the \(known) of \(ids.count) chapters with a reference time"
    let wall = known == ids.count
      ? fullProfileTimes.wall.map { " one at a time; <code>make report</code> runs \($0.jobs) at a time and took \(Self.duration($0.seconds)) there in all" } : nil
    return "<p>At the full profile (<code>make report</code>), \(HTML.escape(scope)) take about \(Self.duration(seconds)) on the reference machine "
      + "(\(HTML.escape(fullProfileTimes.conditions)))\(wall ?? "").</p>"
  }

  /// CPU model and core count of this machine (from /proc/cpuinfo on Linux).
  static func machine() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "an unknown CPU"
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores"
  }

  func ledgerPageHTML(_ compiled: [CompiledChapter]) -> String {
    let e = HTML.escape
    var rows = ""
    var count = 0
    for (order, c) in compiled.enumerated() {
      for row in c.ledger {
        count += 1
        let claims = row.claims.map {
          "<span class=\"\($0.passed ? "pass" : "fail")\">\($0.passed ? "✓" : "✗")</span> <code>\(e($0.claim.source))</code>"
        }
        let holds = row.claims.isEmpty ? "none" : row.claims.allSatisfy(\.passed) ? "holds" : "fails"
        // Citations point at the chapter's list; here they point at the bibliography.
        let source = row.sourceHTML.replacingOccurrences(of: "href=\"#ref-", with: "href=\"references.html#ref-")
        rows += """
          <tr data-chapter="\(order)" data-holds="\(holds)"><td><a href="\(e(pageName(c)))">\(e(c.title))</a></td><td>\(e(row.quantity))</td>\
          <td class="num">\(e(row.paper))</td><td>\(source)</td><td class="num">\(e(row.ours ?? "?"))</td>\
          <td>\(claims.isEmpty ? "<span class=\"muted\">no claim reads <code>\(e(row.key))</code></span>" : claims.joined(separator: "<br>"))</td></tr>

          """
      }
    }
    let related = compiled.flatMap(\.ledger).filter { !$0.claims.isEmpty }
    let body = """
      <h1>Paper vs ours</h1>
      <p>Every ledger row of every chapter: the number a paper (or the lecture, or a reference tool) reports, where it says so, \
      what we measured, and the chapter's claims that read our number: what relates the two, and whether it holds. \
      \(count) rows; \(related.count) are read by a claim, \(related.filter { $0.claims.allSatisfy(\.passed) }.count) of those hold. \
      Click a column heading to sort by it (chapter order by default).</p>
      <div class="scroll"><table class="ledger sortable" id="ledger">
      <thead><tr><th data-sort="chapter">chapter</th><th data-sort="text">quantity</th><th data-sort="text">paper</th><th data-sort="text">source</th>\
      <th data-sort="text">ours</th><th data-sort="holds">claims</th></tr></thead>
      <tbody>
      \(rows)</tbody></table></div>
      """
    return Templates.bookPageTemplate?.render(["title": "Paper vs ours", "body": body, "script": Templates.sortScript] as [String: Any]) ?? ""
  }

  func referencesPageHTML(_ compiled: [CompiledChapter], bibliography: Bibliography?) -> String {
    let e = HTML.escape
    var body = "<h1>References</h1>\n"
    guard let bibliography else {
      body += "<p>No chapters/references.yaml.</p>"
      return Templates.bookPageTemplate?.render(["title": "References", "body": body] as [String: Any]) ?? ""
    }
    let cited = bibliography.sorted.filter { r in compiled.contains { $0.citations.contains(r.key) } }
    body += "<p>The \(cited.count) papers the chapters cite, by first author. Each lists the chapters that cite it.</p>\n<ol class=\"bibliography\">\n"
    for r in cited {
      let chapters = compiled.filter { $0.citations.contains(r.key) }.map { "<a href=\"\(e(pageName($0)))#ref-\(e(r.key))\">\(e($0.title))</a>" }
      body += "<li id=\"ref-\(e(r.key))\">\(CompileState.referenceHTML(r))<br><span class=\"citedby\">Cited in \(chapters.joined(separator: ", ")).</span></li>\n"
    }
    body += "</ol>\n"
    let uncited = bibliography.sorted.filter { r in !cited.contains { $0.key == r.key } }
    if !uncited.isEmpty {
      body += "<p class=\"muted\">In references.yaml but not cited yet: \(uncited.map { "<code>\(e($0.key))</code>" }.joined(separator: ", ")).</p>\n"
    }
    return Templates.bookPageTemplate?.render(["title": "References", "body": body] as [String: Any]) ?? ""
  }
}
