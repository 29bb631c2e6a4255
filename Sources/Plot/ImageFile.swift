// Reading images: PNG through Cairo (cairo_image_surface_create_from_png, which
// uses libpng; no hand-written decoder), binary PGM/PPM (P5/P6, Netpbm) by
// hand because the format is a text header and raw bytes.
// Conventions: values in [0, 1], planar (channel-major: all of channel 0, then
// channel 1, ...; row-major within a plane), origin at the top-left. An image
// whose pixels are all grey (r == g == b) comes back with one channel, any
// other with three (R, G, B). Transparent pixels are composited over white
// (Cairo stores premultiplied alpha, so that is colour + (1 - alpha)).
// 16-bit PNGs are reduced to 8 bits by Cairo; 16-bit PGM/PPM are scaled.
import CPangoCairo
import Foundation

/// A decoded image: planar channels in [0, 1].
public struct PixelImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  /// 1 (grey) or 3 (RGB).
  public var channels: Int
  /// `channels * height * width` values, channel-major.
  public var values: [Float]

  public init(width: Int, height: Int, channels: Int, values: [Float]) {
    precondition(channels == 1 || channels == 3, "PixelImage: \(channels) channels (expected 1 or 3)")
    precondition(values.count == channels * height * width, "PixelImage: \(values.count) values for \(channels)x\(height)x\(width)")
    (self.width, self.height, self.channels, self.values) = (width, height, channels, values)
  }

  /// The value of `channel` at (x, y).
  public subscript(channel: Int, y: Int, x: Int) -> Float {
    values[(channel * height + y) * width + x]
  }

  /// Luminance with scikit-image's rgb2gray weights (ITU-R BT.709: 0.2125 R +
  /// 0.7154 G + 0.0721 B), so cross-checks against it start from the same
  /// grey image; the image itself when already grey.
  public var grey: PixelImage {
    if channels == 1 { return self }
    let n = width * height
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n { out[i] = 0.2125 * values[i] + 0.7154 * values[n + i] + 0.0721 * values[2 * n + i] }
    return PixelImage(width: width, height: height, channels: 1, values: out)
  }

  /// Three channels (a grey image repeated).
  public var rgb: PixelImage {
    if channels == 3 { return self }
    return PixelImage(width: width, height: height, channels: 3, values: values + values + values)
  }

  /// The sub-image of `width` x `height` pixels whose top-left corner is (x, y).
  public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> PixelImage {
    precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
      "PixelImage.cropped: \(w)x\(h) at (\(x), \(y)) is outside \(width)x\(height)")
    var out = [Float](repeating: 0, count: channels * w * h)
    for c in 0..<channels {
      for row in 0..<h {
        let source = (c * height + y + row) * width + x
        let target = (c * h + row) * w
        for col in 0..<w { out[target + col] = values[source + col] }
      }
    }
    return PixelImage(width: w, height: h, channels: channels, values: out)
  }
}

/// Why an image file could not be read; always names the file.
public struct ImageFileError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var reason: String
  public init(file: String, reason: String) { (self.file, self.reason) = (file, reason) }
  public var description: String { "\(file): \(reason)" }
}

public enum ImageFile {
  /// The file's image, by its content (PNG signature, or P5/P6), not its name.
  public static func read(_ url: URL) throws -> PixelImage {
    let bytes: Data
    do { bytes = try Data(contentsOf: url) } catch {
      throw ImageFileError(file: url.path, reason: "cannot be read (\(FileManager.default.fileExists(atPath: url.path) ? "permission or I/O error" : "no such file"))")
    }
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return try readPNG(url) }
    if bytes.count >= 2, bytes[bytes.startIndex] == UInt8(ascii: "P"),
      [UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[bytes.startIndex + 1])
    {
      return try readNetpbm(bytes, file: url.path)
    }
    throw ImageFileError(file: url.path, reason: "not a PNG or binary PGM/PPM (P5/P6) image")
  }

  static func readPNG(_ url: URL) throws -> PixelImage {
    guard let surface = cairo_image_surface_create_from_png(url.path) else {
      throw ImageFileError(file: url.path, reason: "Cairo returned no surface")
    }
    defer { cairo_surface_destroy(surface) }
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw ImageFileError(file: url.path, reason: "not a readable PNG (\(String(cString: cairo_status_to_string(status))))")
    }
    let format = cairo_image_surface_get_format(surface)
    guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
      throw ImageFileError(file: url.path, reason: "unsupported pixel format \(format.rawValue) after decoding")
    }
    cairo_surface_flush(surface)
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else {
      throw ImageFileError(file: url.path, reason: "has no pixels")
    }
    let n = width * height
    var planes = [Float](repeating: 0, count: 3 * n)
    var allGrey = true
    let hasAlpha = format == CAIRO_FORMAT_ARGB32
    for y in 0..<height {
      let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
      for x in 0..<width {
        let word = row[x]
        // Premultiplied: over white is colour + (255 - alpha).
        let a = hasAlpha ? word >> 24 : 255
        let r = ((word >> 16) & 0xFF) + (255 - a)
        let g = ((word >> 8) & 0xFF) + (255 - a)
        let b = (word & 0xFF) + (255 - a)
        if r != g || g != b { allGrey = false }
        let i = y * width + x
        planes[i] = Float(r) / 255
        planes[n + i] = Float(g) / 255
        planes[2 * n + i] = Float(b) / 255
      }
    }
    if allGrey { return PixelImage(width: width, height: height, channels: 1, values: Array(planes[0..<n])) }
    return PixelImage(width: width, height: height, channels: 3, values: planes)
  }

  /// P5 (grey) or P6 (RGB): "P5 width height maxval" separated by whitespace
  /// (with # comments), one whitespace byte, then the raster.
  static func readNetpbm(_ data: Data, file: String) throws -> PixelImage {
    let bytes = [UInt8](data)
    var position = 2
    func token(_ field: String) throws -> Int {
      while position < bytes.count {
        if bytes[position] == UInt8(ascii: "#") {
          while position < bytes.count && bytes[position] != 0x0A { position += 1 }
        } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
          position += 1
        } else { break }
      }
      var value = 0, digits = 0
      while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
        value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
        digits += 1
        position += 1
        if value > 1 << 24 { throw ImageFileError(file: file, reason: "header field \(field) is too large") }
      }
      guard digits > 0 else { throw ImageFileError(file: file, reason: "header field \(field) is missing or not a number") }
      return value
    }
    let channels = bytes[1] == UInt8(ascii: "5") ? 1 : 3
    let width = try token("width"), height = try token("height"), maxValue = try token("maxval")
    guard width > 0, height > 0 else { throw ImageFileError(file: file, reason: "width and height must be positive (got \(width)x\(height))") }
    guard (1...65535).contains(maxValue) else { throw ImageFileError(file: file, reason: "maxval must be 1...65535 (got \(maxValue))") }
    position += 1  // the single whitespace byte before the raster
    let bytesPerSample = maxValue > 255 ? 2 : 1
    let count = width * height * channels
    guard bytes.count - position >= count * bytesPerSample else {
      throw ImageFileError(file: file, reason: "truncated: \(count * bytesPerSample) raster bytes expected, \(max(0, bytes.count - position)) present")
    }
    let n = width * height
    var values = [Float](repeating: 0, count: count)
    let maxSample = Float(maxValue)
    for i in 0..<n {
      for c in 0..<channels {
        let k = position + (i * channels + c) * bytesPerSample
        let sample = bytesPerSample == 1 ? Int(bytes[k]) : Int(bytes[k]) << 8 | Int(bytes[k + 1])
        values[c * n + i] = min(1, Float(sample) / maxSample)
      }
    }
    return PixelImage(width: width, height: height, channels: channels, values: values)
  }
}
