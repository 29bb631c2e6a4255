// PNG files from Cairo's ARGB32 surfaces, through zlib at its fastest
// level (libpng's default level, which cairo_surface_write_to_png uses, took
// most of a figure's render time for 2x output). Scanlines use the "Up"
// filter (each byte minus the byte above), which suits charts' long runs.
// Cairo stores premultiplied, native-endian 0xAARRGGBB words; PNG wants
// straight RGBA bytes, so colours are un-premultiplied.
// Format: PNG (ISO/IEC 15948), chunks IHDR, tEXt (the figure's provenance,
// when given), IDAT, IEND with CRC-32.
import CPangoCairo
import CZlib
import Foundation

enum PNGEncoder {
  /// The PNG bytes of an ARGB32 image surface.
  static func encode(_ surface: OpaquePointer, text: [(key: String, value: String)] = []) throws -> Data {
    cairo_surface_flush(surface)
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard let data = cairo_image_surface_get_data(surface) else { throw PlotError("PNG: the surface has no pixels") }
    let rowBytes = 1 + 4 * width
    // One pass: un-premultiply each row into RGBA, then write it Up-filtered
    // against the previous row.
    var raw = [UInt8](repeating: 0, count: rowBytes * height)
    var previous = [UInt8](repeating: 0, count: 4 * width)
    var current = [UInt8](repeating: 0, count: 4 * width)
    raw.withUnsafeMutableBufferPointer { out in
      guard let out = out.baseAddress else { return }
      for y in 0..<height {
        let row = UnsafeRawPointer(data + y &* stride).assumingMemoryBound(to: UInt32.self)
        current.withUnsafeMutableBufferPointer { cur in
          previous.withUnsafeBufferPointer { up in
            let line = out + y &* rowBytes
            line[0] = 2  // filter: Up
            for x in 0..<width {
              let word = row[x]
              let a = word >> 24
              var r = (word >> 16) & 0xFF, g = (word >> 8) & 0xFF, b = word & 0xFF
              if a != 255 && a != 0 { (r, g, b) = ((r &* 255 &+ a / 2) / a, (g &* 255 &+ a / 2) / a, (b &* 255 &+ a / 2) / a) }
              let i = 4 &* x
              cur[i] = UInt8(truncatingIfNeeded: min(r, 255))
              cur[i &+ 1] = UInt8(truncatingIfNeeded: min(g, 255))
              cur[i &+ 2] = UInt8(truncatingIfNeeded: min(b, 255))
              cur[i &+ 3] = UInt8(truncatingIfNeeded: a)
              for k in 0..<4 { line[1 &+ i &+ k] = cur[i &+ k] &- up[i &+ k] }
            }
          }
        }
        swap(&previous, &current)
      }
    }
    // Deflate with run-length matching only (Z_RLE): several times faster than
    // the default strategy, and nearly as small on filtered chart scanlines.
    var compressedLength = compressBound(uLong(raw.count))
    var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
    var stream = z_stream()
    guard deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, 15, 8, Z_RLE, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw PlotError("PNG: zlib deflateInit2 failed")
    }
    let status = compressed.withUnsafeMutableBufferPointer { out in
      raw.withUnsafeMutableBufferPointer { input in
        stream.next_in = input.baseAddress
        stream.avail_in = uInt(input.count)
        stream.next_out = out.baseAddress
        stream.avail_out = uInt(out.count)
        return deflate(&stream, Z_FINISH)
      }
    }
    compressedLength = stream.total_out
    deflateEnd(&stream)
    guard status == Z_STREAM_END else { throw PlotError("PNG: zlib deflate failed (\(status))") }
    var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var header = Data()
    header.append(bigEndian: UInt32(width))
    header.append(bigEndian: UInt32(height))
    header.append(contentsOf: [8, 6, 0, 0, 0])  // 8 bits, RGBA, deflate, adaptive filtering, no interlace
    chunk("IHDR", header, into: &png)
    for (key, value) in text { chunk("tEXt", textChunk(key, value), into: &png) }
    chunk("IDAT", Data(compressed.prefix(Int(compressedLength))), into: &png)
    chunk("IEND", Data(), into: &png)
    return png
  }

  /// A tEXt body: a Latin-1 keyword of 1-79 characters, a zero byte, the
  /// text (characters outside Latin-1 become `?`, as the format allows only it).
  static func textChunk(_ key: String, _ value: String) -> Data {
    func latin1(_ s: String) -> [UInt8] { s.unicodeScalars.map { $0.value < 256 && $0.value != 0 ? UInt8($0.value) : UInt8(ascii: "?") } }
    precondition(!key.isEmpty && key.count < 80, "PNG text keyword `\(key)` must have 1-79 characters")
    return Data(latin1(key) + [0] + latin1(value))
  }

  static func chunk(_ type: String, _ body: Data, into png: inout Data) {
    png.append(bigEndian: UInt32(body.count))
    var typed = Data(type.utf8)
    typed.append(body)
    png.append(typed)
    let crc = typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
    png.append(bigEndian: UInt32(crc))
  }
}

extension Data {
  fileprivate mutating func append(bigEndian value: UInt32) {
    append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
  }
}
