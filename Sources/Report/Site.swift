// The report: chapters + results -> one HTML page per chapter, an index,
// assets (stylesheet, KaTeX from Debian's libjs-katex/fonts-katex), and the
// figures the pages show. Built in a staging folder that replaces the site
// folder only when complete. Nothing is fetched from the network.
import Foundation
import Support

public struct SiteSummary: Sendable {
  public var index: URL
  public var chapters: Int
  public var claims: Int
  public var failedClaims: Int
  public var problems: [ReportError]
}

public struct Site {
  public var chaptersFolder: URL
  public var resultsRoot: URL
  public var siteFolder: URL
  public var sourceRoot: URL
  /// Where KaTeX lives (libjs-katex); math stays as TeX text when it is absent.
  public var katexFolder = URL(fileURLWithPath: "/usr/share/javascript/katex")
  /// Only the chapters of these experiments (`--only`); nil: every chapter.
  public var only: Set<String>? = nil
  /// Each experiment's full-profile time on the reference machine (compiled
  /// into the binary, `ReferenceTimes`), shown on the index beside the time
  /// of the run the report was built from; empty: not shown.
  public var fullProfileTimes = ReferenceRunTimes()

  public init(chaptersFolder: URL, resultsRoot: URL, siteFolder: URL, sourceRoot: URL) {
    (self.chaptersFolder, self.resultsRoot, self.siteFolder, self.sourceRoot) =
      (chaptersFolder, resultsRoot, siteFolder, sourceRoot)
  }

  /// Compiles every chapter (errors are collected, not thrown).
  public func compileAll() -> (compiled: [CompiledChapter], problems: [ReportError]) {
    let (chapters, loadProblems) = Chapter.loadAll(in: chaptersFolder)
    let (bibliography, bibliographyProblems) = loadBibliography()
    let compiler = ChapterCompiler(
      cache: ResultsCache(store: ResultsStore(root: resultsRoot)), sourceRoot: sourceRoot, bibliography: bibliography,
      book: BookIndex(chapters: chapters))
    let chosen = only.map { ids in chapters.filter { ids.contains($0.experiment) } } ?? chapters
    let compiled = chosen.map { compiler.compile($0) }
    return (compiled, loadProblems + bibliographyProblems + compiled.flatMap(\.errors))
  }

  /// chapters/references.yaml; absent is fine until a chapter cites.
  public func loadBibliography() -> (Bibliography?, [ReportError]) {
    let url = chaptersFolder.appendingPathComponent("references.yaml")
    guard FileManager.default.fileExists(atPath: url.path) else { return (nil, []) }
    do { return (try Bibliography.load(url, displayPath: "chapters/references.yaml"), []) } catch let error as ReportError {
      return (nil, [error])
    } catch {
      return (nil, [ReportError(file: "chapters/references.yaml", line: 0, message: "\(error)")])
    }
  }

  public func build() throws -> SiteSummary {
    let (compiled, problems) = compileAll()
    if compiled.isEmpty {
      // Nothing to publish (no chapters folder, or no readable chapter): keep the old site.
      throw problems.first ?? ReportError(file: chaptersFolder.path, line: 0, message: "no chapters (expected NN-<id>.md files)")
    }
    let fm = FileManager.default
    let staging = siteFolder.deletingLastPathComponent()
      .appendingPathComponent(".\(siteFolder.lastPathComponent).staging-\(getpid())")
    try? fm.removeItem(at: staging)
    defer { try? fm.removeItem(at: staging) }
    try fm.createDirectory(at: staging.appendingPathComponent("assets"), withIntermediateDirectories: true)
    try AtomicFile.write(Templates.stylesheet, to: staging.appendingPathComponent("assets/style.css"))
    try AtomicFile.write(Templates.mathScript, to: staging.appendingPathComponent("assets/math.js"))
    try AtomicFile.write(PageCheckScript.source, to: staging.appendingPathComponent("assets/check.js"))
    let hasKatex = copyKatex(to: staging.appendingPathComponent("assets/katex"))

    let store = ResultsStore(root: resultsRoot)
    let bookProfile = Self.majorityProfile(of: compiled)
    for (n, chapter) in compiled.enumerated() {
      let previous = n > 0 ? compiled[n - 1] : nil
      let next = n + 1 < compiled.count ? compiled[n + 1] : nil
      let html = pageHTML(chapter, previous: previous, next: next, math: hasKatex, timings: store.timings(chapter.chapter.experiment),
        bookProfile: bookProfile)
      try AtomicFile.write(html, to: staging.appendingPathComponent(pageName(chapter)))
      // The figures of the chapter's experiment.
      let source = resultsRoot.appendingPathComponent(chapter.chapter.experiment).appendingPathComponent("figures")
      let target = staging.appendingPathComponent("figures").appendingPathComponent(chapter.chapter.experiment)
      if fm.fileExists(atPath: source.path) && !fm.fileExists(atPath: target.path) {
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: source, to: target)
      }
    }
    try AtomicFile.write(indexHTML(compiled, store: store), to: staging.appendingPathComponent("index.html"))
    try AtomicFile.write(bookHTML(compiled, math: hasKatex), to: staging.appendingPathComponent(Self.bookFile))
    try AtomicFile.write(ledgerPageHTML(compiled), to: staging.appendingPathComponent("ledger.html"))
    try AtomicFile.write(referencesPageHTML(compiled, bibliography: loadBibliography().0), to: staging.appendingPathComponent("references.html"))
    try AtomicFile.replaceDirectory(siteFolder, with: staging)
    let outcomes = compiled.flatMap(\.outcomes)
    return SiteSummary(
      index: siteFolder.appendingPathComponent("index.html"), chapters: compiled.count, claims: outcomes.count,
      failedClaims: outcomes.filter { !$0.passed }.count, problems: problems)
  }

  func pageName(_ chapter: CompiledChapter) -> String { chapter.chapter.experiment + ".html" }

  func copyKatex(to folder: URL) -> Bool {
    let fm = FileManager.default
    let files = ["katex.min.js", "katex.min.css"]
    guard files.allSatisfy({ fm.fileExists(atPath: katexFolder.appendingPathComponent($0).path) }) else { return false }
    do {
      try fm.createDirectory(at: folder, withIntermediateDirectories: true)
      for f in files {  // Debian ships katex.min.js as a link to katex.js: copy the target
        try fm.copyItem(at: katexFolder.appendingPathComponent(f).resolvingSymlinksInPath(), to: folder.appendingPathComponent(f))
      }
      let fonts = katexFolder.appendingPathComponent("fonts").resolvingSymlinksInPath()
      if let names = try? fm.contentsOfDirectory(atPath: fonts.path) {
        try fm.createDirectory(at: folder.appendingPathComponent("fonts"), withIntermediateDirectories: true)
        for name in names.sorted() where name.hasSuffix(".woff2") || name.hasSuffix(".woff") || name.hasSuffix(".ttf") {
          try fm.copyItem(at: fonts.appendingPathComponent(name), to: folder.appendingPathComponent("fonts/\(name)"))
        }
      }
      return true
    } catch {
      return false
    }
  }

  static func tally(_ outcomes: [ClaimOutcome], problems: Int) -> (text: String, cls: String) {
    let passed = outcomes.filter(\.passed).count
    var text = "\(passed) of \(outcomes.count) claims hold"
    if problems > 0 { text += ", \(problems) problem\(problems == 1 ? "" : "s")" }
    return (text, passed == outcomes.count && problems == 0 ? "pass" : "fail")
  }

  func pageHTML(
    _ chapter: CompiledChapter, previous: CompiledChapter?, next: CompiledChapter?, math: Bool, timings: StoredTimings?,
    bookProfile: String? = nil
  ) -> String {
    let failedOrUnchecked = chapter.errors.filter { !$0.message.hasPrefix("claim failed") }.count
    let tally = Self.tally(chapter.outcomes, problems: failedOrUnchecked)
    var context: [String: Any] = [
      "title": chapter.title,
      "lecture": chapter.chapter.lecture ?? chapter.results?.lecture ?? "",
      "tally": tally.text, "tallyClass": tally.cls,
      "math": math && chapter.html.contains("class=\"math"),
      "hasHeadings": !chapter.headings.isEmpty,
      "headings": chapter.headings.map { ["level": $0.level, "text": $0.text, "anchor": $0.anchor] as [String: Any] },
      "body": chapter.html,
      "provenance": provenanceRows(chapter.results, timings: timings).map { ["name": $0.0, "value": $0.1] },
      "banners": banners(chapter, bookProfile: bookProfile).map { ["text": $0] },
    ]
    // Absent keys, not nil values: Mustache would look a missing value up in the parent context.
    if let previous { context["previous"] = ["href": pageName(previous), "title": previous.title] }
    if let next { context["next"] = ["href": pageName(next), "title": next.title] }
    return Templates.pageTemplate?.render(context) ?? ""
  }

  func provenanceRows(_ results: StoredResults?, timings: StoredTimings?) -> [(String, String)] {
    guard let results, let p = results.provenance else { return [("results", "none: the experiment has not run")] }
    var rows: [(String, String)] = [
      ("experiment", results.id),
      ("commit", (p.commit ?? "unknown") + (p.dirty == true ? " (with uncommitted changes)" : "")),
      ("profile", p.profile ?? "?"), ("seed", p.seed.map(String.init) ?? "?"),
      ("threads", p.threads.map(String.init) ?? "?"),
      ("OPENBLAS_CORETYPE", (p.openblasCoretype ?? "").isEmpty ? "unset" : p.openblasCoretype ?? ""),
      ("OpenBLAS kernel", p.openblasCore ?? "?"), ("matrix-product kernel", p.gemmKernel ?? "?"), ("Swift", p.swift ?? "?"),
    ]
    for (name, sum) in (p.data ?? [:]).sorted(by: { $0.key < $1.key }) { rows.append(("data " + name, sum)) }
    if let t = timings {
      rows.append(("ran", (t.finishedAt ?? "?") + (t.seconds.map { String(format: ", %.1f s", $0) } ?? "")))
    }
    return rows
  }
}
