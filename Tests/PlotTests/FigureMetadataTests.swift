// A figure's provenance travels with its files: PNG tEXt chunks (keyword,
// zero byte, Latin-1 text; each chunk's CRC checked here by hand), an SVG
// <metadata> element, and the file still reads back as an image.
import CZlib
import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import Plot

struct FigureMetadataTests {
  static let metadata: [(key: String, value: String)] = [("experiment", "toy"), ("seed", "7"), ("command", "convnotes run toy --set a=<b>")]

  func figure() -> Figure {
    var f = Figure(width: 120, height: 90)
    f.axes[0].line(x: [0, 1, 2], y: [1, 0, 1])
    return f
  }

  @Test func pngCarriesOneTextChunkPerFieldBeforeTheImageData() throws {
    let url = TestSupport.temporaryURL("meta").appendingPathExtension("png")
    try figure().write(to: url, metadata: Self.metadata)
    let png = try Data(contentsOf: url)
    var offset = 8
    var types: [String] = []
    var texts: [String] = []
    while offset < png.count {
      let length = png[(offset)..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
      types.append(type)
      let body = png[(offset + 8)..<(offset + 8 + length)]
      if type == "tEXt" { texts.append(String(decoding: body.map { $0 == 0 ? UInt8(ascii: "=") : $0 }, as: UTF8.self)) }
      let stored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let crc = png[(offset + 4)..<(offset + 8 + length)].withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
      #expect(UInt32(crc) == stored, "CRC of \(type)")
      offset += 12 + length
    }
    #expect(types == ["IHDR", "tEXt", "tEXt", "tEXt", "IDAT", "IEND"])
    #expect(texts == ["experiment=toy", "seed=7", "command=convnotes run toy --set a=<b>"])
    let image = try ImageFile.read(url)
    #expect(image.width == 120 && image.height == 90)
  }

  @Test func svgCarriesAnEscapedMetadataElement() throws {
    let url = TestSupport.temporaryURL("meta").appendingPathExtension("svg")
    try figure().write(to: url, metadata: Self.metadata)
    let svg = try String(contentsOf: url, encoding: .utf8)
    #expect(svg.contains("<convnotes:field name=\"experiment\">toy</convnotes:field>"))
    #expect(svg.contains("<convnotes:field name=\"command\">convnotes run toy --set a=&lt;b&gt;</convnotes:field>"))
    #expect(try XMLDocument(data: Data(svg.utf8)).rootElement()?.name == "svg")
  }

  @Test func withoutMetadataTheFilesAreAsBefore() throws {
    let a = TestSupport.temporaryURL("meta").appendingPathExtension("png")
    try figure().write(to: a)
    let png = try Data(contentsOf: a)
    #expect(!png.contains(Data("tEXt".utf8)))
  }
}
