// A problem in a chapter or its results, reported like a compiler error:
// `chapters/14-map-evaluation.md:57: claim failed: ...`.

public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
  public var file: String
  public var line: Int
  public var message: String

  public init(file: String, line: Int, message: String) {
    (self.file, self.line, self.message) = (file, line, message)
  }

  public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
