import CPangoCairo
import CZlib
import Foundation
import Testing

@testable import Plot

struct PNGEncoderTests {
  /// Decodes our PNG by the book (chunks, inflate, undo the Up filter) and
  /// compares every pixel with the Cairo surface it came from.
  @Test func decodesBackToTheSurfacePixels() throws {
    let (w, h) = (7, 5)
    let surface = try #require(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)))
    defer { cairo_surface_destroy(surface) }
    let cr = try #require(cairo_create(surface))
    cairo_set_source_rgba(cr, 0.2, 0.6, 1.0, 1)
    cairo_paint(cr)
    cairo_set_source_rgba(cr, 1, 0, 0, 0.5)  // half-transparent red: premultiplied in the surface
    cairo_rectangle(cr, 2, 1, 3, 3)
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE)
    cairo_fill(cr)
    cairo_destroy(cr)
    cairo_surface_flush(surface)
    let png = try PNGEncoder.encode(surface)

    #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    var offset = 8
    var idat = Data()
    var types: [String] = []
    while offset < png.count {
      let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
      types.append(type)
      if type == "IDAT" { idat.append(png[(offset + 8)..<(offset + 8 + length)]) }
      let crcStored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let crc = png[(offset + 4)..<(offset + 8 + length)].withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
      #expect(UInt32(crc) == crcStored, "CRC of \(type)")
      offset += 12 + length
    }
    #expect(types == ["IHDR", "IDAT", "IEND"])
    var raw = [UInt8](repeating: 0, count: h * (1 + 4 * w))
    var rawLength = uLongf(raw.count)
    let status = idat.withUnsafeBytes { src in
      uncompress(&raw, &rawLength, src.bindMemory(to: UInt8.self).baseAddress, uLong(src.count))
    }
    #expect(status == Z_OK && Int(rawLength) == raw.count)
    let stride = Int(cairo_image_surface_get_stride(surface))
    let data = try #require(cairo_image_surface_get_data(surface))
    var above = [UInt8](repeating: 0, count: 4 * w)
    for y in 0..<h {
      #expect(raw[y * (1 + 4 * w)] == 2)  // Up filter
      var row = [UInt8](repeating: 0, count: 4 * w)
      for i in 0..<(4 * w) { row[i] = raw[y * (1 + 4 * w) + 1 + i] &+ above[i] }
      for x in 0..<w {
        let word = UnsafeRawPointer(data + y * stride + 4 * x).load(as: UInt32.self)
        let a = Double(word >> 24)
        let straight = [(word >> 16) & 0xFF, (word >> 8) & 0xFF, word & 0xFF].map { a == 0 ? 0 : (Double($0) * 255 / a).rounded() }
        #expect(Double(row[4 * x + 3]) == a)
        for c in 0..<3 { #expect(abs(Double(row[4 * x + c]) - straight[c]) <= 1, "pixel (\(x), \(y)) channel \(c)") }
      }
      above = row
    }
  }
}
