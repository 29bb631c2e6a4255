// What Foundation's JSON parser lets through that RFC 8259 forbids, checked
// before decoding so a COCO file that Python's json module (and so
// pycocotools) would reject is rejected here too, with its position:
// a trailing comma before `]` or `}`. The scan skips string literals
// (with their escapes) and reports 1-based line and column (in bytes).
import Foundation

enum JSONSyntax {
  /// The position of the first comma that is followed (after whitespace) by `]` or `}`.
  static func trailingComma(in data: Data) -> (line: Int, column: Int, closer: Character)? {
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (Int, Int, Character)? in
      let bytes = raw.bindMemory(to: UInt8.self)
      var inString = false, escaped = false
      var line = 1, lineStart = 0
      var comma: (line: Int, column: Int)? = nil
      for i in 0..<bytes.count {
        let b = bytes[i]
        if inString {
          if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
          if b == 0x0A { line += 1; lineStart = i + 1 }
          continue
        }
        switch b {
        case 0x20, 0x09, 0x0D: continue
        case 0x0A:
          line += 1
          lineStart = i + 1
          continue
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
          if let c = comma { return (c.line, c.column, Character(UnicodeScalar(b))) }
        case UInt8(ascii: ","):
          comma = (line, i - lineStart + 1)
          continue
        case UInt8(ascii: "\""):
          inString = true
        default: break
        }
        comma = nil
      }
      return nil
    }
  }

  /// Throws for a trailing comma, naming the file and position.
  static func checkStrict(_ data: Data, file: String) throws {
    if let c = trailingComma(in: data) {
      throw DetectionFormatError(
        file: file, field: "",
        message: "not valid JSON: trailing comma at line \(c.line), column \(c.column) (before `\(c.closer)`)")
    }
  }

  /// The first byte that is not JSON whitespace, if any.
  static func firstSignificantByte(_ data: Data) -> UInt8? {
    data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
  }
}
