import TestSupport
import Foundation
import Testing

/// Compares `text` with `Goldens/<name>.txt`; with RECORD_GOLDENS=1 writes it instead.
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = TestSupport.fixture("PlotTests", "Goldens/\(name).txt")
  if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
    try text.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  let expected = try String(contentsOf: url, encoding: .utf8)
  #expect(text == expected, "golden \(name) differs; rerun with RECORD_GOLDENS=1 if the change is intended", sourceLocation: sourceLocation)
}
