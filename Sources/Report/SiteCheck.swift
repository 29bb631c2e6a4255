// `convnotes check-site`: every page of a built report opened in headless
// Chromium at a phone's width and a laptop's (420 and 1300 px by default),
// failing on what a reader would see broken: an image that does not load, a
// KaTeX error, a console error or uncaught exception, a link to a page or
// anchor that does not exist, horizontal overflow, and figure text under
// 11 px as displayed (at the desktop width). The in-page half is PageCheckScript; the
// links between pages are checked here against the files and their ids.
import Foundation

public struct SiteProblem: Sendable, Equatable, CustomStringConvertible {
  public var page: String
  public var message: String
  public var description: String { "\(page): \(message)" }
}

public enum SiteCheck {
  /// Problems of every page of `site` (empty: all pages clean).
  public static func run(site: URL, chromium: Chromium, widths: [Int] = [420, 1300]) throws -> [SiteProblem] {
    let fm = FileManager.default
    let pages = try fm.contentsOfDirectory(atPath: site.path).filter { $0.hasSuffix(".html") }.sorted()
    guard !pages.isEmpty else {
      throw ReportError(file: site.path, line: 0, message: "no .html pages (build the report first: `convnotes report`)")
    }
    var problems: [SiteProblem] = []
    var idsCache: [String: Set<String>] = [:]
    func ids(of page: String) -> Set<String>? {
      if let known = idsCache[page] { return known }
      guard let html = try? String(contentsOf: site.appendingPathComponent(page), encoding: .utf8) else { return nil }
      let found = Set(matches(of: #"\sid="([^"]+)""#, in: html))
      idsCache[page] = found
      return found
    }
    for page in pages {
      let url = site.appendingPathComponent(page)
      let html = try String(contentsOf: url, encoding: .utf8)
      // Links to other pages and files of the site.
      for href in Set(matches(of: #"\s(?:href|src)="([^"]+)""#, in: html)).sorted() {
        guard !href.hasPrefix("#"), !href.contains("://"), !href.hasPrefix("mailto:"), !href.hasPrefix("data:") else { continue }
        let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let path = parts[0].removingPercentEncoding ?? parts[0]
        guard fm.fileExists(atPath: site.appendingPathComponent(path).path) else {
          problems.append(SiteProblem(page: page, message: "broken link: \(href) (no such file)"))
          continue
        }
        if parts.count == 2, !parts[1].isEmpty, path.hasSuffix(".html"), let targetIds = ids(of: path), !targetIds.contains(parts[1]) {
          problems.append(SiteProblem(page: page, message: "broken link: \(href) (no id `\(parts[1])` in \(path))"))
        }
      }
      // What only the browser sees, at each width (a problem seen at several is reported once).
      var seen = Set<String>()
      for width in widths {
        let dom = try chromium.run([
          "--window-size=\(width),900", "--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw",
          "--dump-dom", url.absoluteString + "?convnotes-check",
        ])
        guard let report = matches(of: #"<pre id="convnotes-check">([^<]*)</pre>"#, in: dom).first else {
          problems.append(SiteProblem(page: page, message: "the page check did not run at \(width) px (assets/check.js missing or a script error before load)"))
          continue
        }
        let text = report.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
          .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let found = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? ["unreadable check output: \(text.prefix(200))"]
        problems += found.filter { seen.insert($0).inserted }.map { SiteProblem(page: page, message: $0) }
      }
    }
    return problems
  }

  /// The first capture group of every match of `pattern` in `text`.
  static func matches(of pattern: String, in text: String) -> [String] {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).compactMap { m in
      Range(m.range(at: 1), in: text).map { String(text[$0]) }
    }
  }
}
