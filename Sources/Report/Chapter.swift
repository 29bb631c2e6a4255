// A chapter file: `chapters/NN-<id>.md`, front matter then Markdown.
//
//   ---
//   experiment: map-evaluation
//   lecture: Lecture 8: Localization and Detection
//   ---
//   # Scoring detectors
//
// Front matter is a strict subset of YAML: `key: value` lines. Keys:
// `experiment` (required: the results the chapter binds to), `title`
// (default: the first `# ` heading), `lecture`. A dependency on a YAML
// library would buy nothing for three flat keys; errors name file and line.
import Foundation

public struct Chapter: Sendable {
  /// Path as given (e.g. `chapters/14-map-evaluation.md`): what errors print.
  public var path: String
  /// The file name without `.md` (e.g. `14-map-evaluation`).
  public var slug: String
  public var experiment: String
  public var title: String?
  public var lecture: String?
  /// The Markdown after the front matter.
  public var body: String
  /// Line number in the file of the first body line (1-based).
  public var bodyFirstLine: Int

  /// Reads and checks a chapter file.
  public static func load(_ url: URL, displayPath: String? = nil) throws -> Chapter {
    let path = displayPath ?? url.path
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw ReportError(file: path, line: 0, message: "cannot read the chapter (missing, or not UTF-8)")
    }
    return try parse(text, path: path)
  }

  public static func parse(_ text: String, path: String) throws -> Chapter {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
      throw ReportError(file: path, line: 1, message: "front matter missing: the file must start with `---`")
    }
    guard let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
      throw ReportError(file: path, line: 1, message: "front matter is not closed by a `---` line")
    }
    var fields: [String: String] = [:]
    for n in 1..<close {
      let line = lines[n]
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
      guard let colon = line.firstIndex(of: ":") else {
        throw ReportError(file: path, line: n + 1, message: "front matter line is not `key: value`")
      }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
        value = String(value.dropFirst().dropLast())
      }
      guard ["experiment", "title", "lecture"].contains(key) else {
        throw ReportError(
          file: path, line: n + 1, message: "unknown front matter key `\(key)` (expected experiment, title, lecture)")
      }
      guard fields[key] == nil else {
        throw ReportError(file: path, line: n + 1, message: "front matter key `\(key)` given twice")
      }
      fields[key] = value
    }
    guard let experiment = fields["experiment"], !experiment.isEmpty else {
      throw ReportError(file: path, line: 1, message: "front matter has no `experiment:` (the results the chapter binds to)")
    }
    let body = lines[(close + 1)...].joined(separator: "\n")
    let slug = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let chapter = Chapter(
      path: path, slug: slug, experiment: experiment, title: fields["title"], lecture: fields["lecture"], body: body,
      bodyFirstLine: close + 2)
    try chapter.checkFences()
    return chapter
  }

  /// An unclosed code fence would swallow the rest of the chapter; say where it opened.
  func checkFences() throws {
    var open: (marker: String, line: Int)? = nil
    var inDisplayMath: Int? = nil
    for (n, raw) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if let fence = open {
        if line.hasPrefix(fence.marker) && line.allSatisfy({ $0 == fence.marker.first }) { open = nil }
        continue
      }
      if line == "$$" { inDisplayMath = inDisplayMath == nil ? bodyFirstLine + n : nil; continue }
      if line.hasPrefix("```") || line.hasPrefix("~~~") {
        let ch = line.first ?? "`"
        open = (String(line.prefix { $0 == ch }), bodyFirstLine + n)
      }
    }
    if let fence = open {
      throw ReportError(file: path, line: fence.line, message: "code fence (\(fence.marker)) is never closed")
    }
    if let line = inDisplayMath {
      throw ReportError(file: path, line: line, message: "display math `$$` is never closed")
    }
  }

  /// All chapters of a folder (`NN-<id>.md`, file-name order), and the
  /// problems of those that could not be read.
  public static func loadAll(in folder: URL, displayFolder: String = "chapters") -> (chapters: [Chapter], problems: [ReportError]) {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    } catch {
      return ([], [ReportError(file: folder.path, line: 0, message: "cannot list chapters (\(error.localizedDescription))")])
    }
    var chapters: [Chapter] = []
    var problems: [ReportError] = []
    for name in names.filter({ $0.hasSuffix(".md") && $0.first?.isNumber == true }).sorted() {
      do {
        chapters.append(try load(folder.appendingPathComponent(name), displayPath: displayFolder + "/" + name))
      } catch let error as ReportError {
        problems.append(error)
      } catch {
        problems.append(ReportError(file: displayFolder + "/" + name, line: 0, message: "\(error)"))
      }
    }
    return (chapters, problems)
  }
}
