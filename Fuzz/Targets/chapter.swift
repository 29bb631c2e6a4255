// libFuzzer target: a chapter file: front matter (Chapter.parse), then the
// compiler's walk of directives (`{result} key`, ```claim, ```ledger,
// ```table, figures, snippets) against a results folder. The folder is
// FUZZ_RESULTS (e.g. a quick run of map-evaluation; see Fuzz/seed.sh) or an
// empty one; snippets resolve against the checkout (FUZZ_ROOT).
import Foundation
import Report

let environment = ProcessInfo.processInfo.environment
let cache = ResultsCache(store: ResultsStore(root: URL(fileURLWithPath: environment["FUZZ_RESULTS"] ?? "/nonexistent-results")))
let compiler = ChapterCompiler(cache: cache, sourceRoot: URL(fileURLWithPath: environment["FUZZ_ROOT"] ?? "."))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
  if let chapter = try? Chapter.parse(text, path: "chapters/99-fuzz.md") { _ = compiler.compile(chapter) }
  for line in text.split(separator: "\n").prefix(64) { _ = try? Claim.parse(String(line), line: 1) }
  return 0
}
