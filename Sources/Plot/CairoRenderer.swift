// Scene -> pixels and vectors, through Cairo (shapes) and Pango (text). The
// only file that imports the C libraries.
//
// PNG at 1x or 2x, SVG in px units with glyphs embedded as paths, PDF; the
// format follows the file extension. Files are written to a temporary name
// and renamed, so a failure leaves no half-written figure. A character that
// no installed font has is an error (Pango would silently draw a box).
import CPangoCairo
import Foundation

public enum CairoRenderer {
  /// Renders `scene` to `url` (.png, .svg or .pdf). `metadata` (what made
  /// the figure: experiment, seed, commit...) goes into PNG tEXt chunks, an
  /// SVG `<metadata>` element, and the PDF's keywords.
  public static func write(_ scene: Scene, to url: URL, scale: Double = 1, metadata: [(key: String, value: String)] = []) throws {
    let ext = url.pathExtension.lowercased()
    guard ["png", "svg", "pdf"].contains(ext) else {
      throw PlotError("\(url.path): unknown figure format `.\(ext)` (expected .png, .svg or .pdf)")
    }
    guard scale > 0 && scale <= 8 else { throw PlotError("\(url.path): scale \(scale) must be in (0, 8]") }
    let folder = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw PlotError("\(folder.path): cannot create the folder (\(error.localizedDescription))")
    }
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    defer { try? FileManager.default.removeItem(at: temporary) }

    let surface: OpaquePointer?
    switch ext {
    case "png":
      surface = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, Int32((scene.width * scale).rounded()), Int32((scene.height * scale).rounded()))
    case "svg":
      surface = cairo_svg_surface_create(temporary.path, scene.width, scene.height)
      if let surface { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX) }
    default:
      surface = cairo_pdf_surface_create(temporary.path, scene.width, scene.height)
      if let surface {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "")
        if !metadata.isEmpty {
          cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, metadata.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
      }
    }
    guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
      throw PlotError("\(url.path): cannot create a \(ext) surface")
    }
    defer { cairo_surface_destroy(surface) }
    guard let cr = cairo_create(surface) else { throw PlotError("\(url.path): cannot create a Cairo context") }
    defer { cairo_destroy(cr) }
    if ext == "png" { cairo_scale(cr, scale, scale) }
    try draw(scene, on: cr)
    cairo_surface_flush(surface)
    if ext == "png" {
      do { try PNGEncoder.encode(surface, text: metadata).write(to: temporary) } catch let error as PlotError {
        throw PlotError("\(url.path): \(error.message)")
      } catch {
        throw PlotError("\(url.path): cannot write PNG (\(error.localizedDescription))")
      }
    } else {
      cairo_surface_finish(surface)
      let status = cairo_surface_status(surface)
      guard status == CAIRO_STATUS_SUCCESS else {
        throw PlotError("\(url.path): cannot write \(ext) (\(String(cString: cairo_status_to_string(status))))")
      }
    }
    if ext == "svg" {
      let crisp = scene.items.contains { if case .image(_, _, false) = $0 { return true } else { return false } }
      try normalizeSVG(temporary, pixelatedImages: crisp, metadata: metadata)
    }
    if rename(temporary.path, url.path) != 0 {
      throw PlotError("\(url.path): cannot move the figure in place (\(String(cString: strerror(errno))))")
    }
  }

  /// Cairo numbers SVG surfaces with a process-wide counter (`<g id="surface87">`),
  /// so the same figure would differ between runs; give every file the same id.
  /// Rasters drawn with nearest-neighbour scaling are marked `pixelated`, or
  /// browsers would blur a 10x10 confusion matrix into a smear.
  static func normalizeSVG(_ url: URL, pixelatedImages: Bool, metadata: [(key: String, value: String)] = []) throws {
    guard var text = try? String(contentsOf: url, encoding: .utf8) else { return }
    if let start = text.range(of: "id=\"surface") {
      let digits = text[start.upperBound...].prefix { $0.isNumber }
      text = text.replacingOccurrences(of: "id=\"surface\(digits)\"", with: "id=\"surface1\"")
    }
    if pixelatedImages {
      text = text.replacingOccurrences(of: "<image ", with: "<image style=\"image-rendering:pixelated\" ")
    }
    if !metadata.isEmpty, let open = text.range(of: "<svg"), let close = text[open.upperBound...].firstIndex(of: ">") {
      let lines = metadata.map { "<convnotes:field name=\"\(xmlEscape($0.key))\">\(xmlEscape($0.value))</convnotes:field>" }
      let element = "\n<metadata xmlns:convnotes=\"https://convnotes.invalid/figure-provenance\">" + lines.joined() + "</metadata>"
      text.insert(contentsOf: element, at: text.index(after: close))
    }
    do { try text.write(to: url, atomically: false, encoding: .utf8) } catch {
      throw PlotError("\(url.path): cannot rewrite the SVG (\(error.localizedDescription))")
    }
  }

  static func xmlEscape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func setColor(_ cr: OpaquePointer, _ c: Color) {
    cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
  }

  static func draw(_ scene: Scene, on cr: OpaquePointer) throws {
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_BEST)
    setColor(cr, scene.background)
    cairo_paint(cr)
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    var index = 0
    let items = scene.items
    while index < items.count {
      let item = items[index]
      index += 1
      switch item {
      case let .rect(r, fill, stroke, lineWidth, dash):
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        if let fill {
          setColor(cr, fill)
          stroke == nil ? cairo_fill(cr) : cairo_fill_preserve(cr)
        }
        if let stroke {
          setColor(cr, stroke)
          cairo_set_line_width(cr, lineWidth)
          setDash(cr, dash)
          cairo_stroke(cr)
        }
        cairo_new_path(cr)
      case let .polyline(points, stroke, lineWidth, dash):
        guard let first = points.first else { continue }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        setColor(cr, stroke)
        cairo_set_line_width(cr, lineWidth)
        setDash(cr, dash)
        cairo_stroke(cr)
      case let .polygon(points, fill):
        guard let first = points.first else { continue }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr)
        setColor(cr, fill)
        cairo_fill(cr)
      case let .marker(p, shape, size, fill, nil) where shape != .cross:
        // A run of identical filled markers (a scatter) is one path, filled once.
        markerPath(cr, p, shape, size)
        while index < items.count, case let .marker(q, s2, z2, f2, nil) = items[index], s2 == shape, z2 == size, f2 == fill {
          markerPath(cr, q, shape, size)
          index += 1
        }
        setColor(cr, fill)
        // Small filled markers: Cairo's fast antialiasing is indistinguishable
        // at these sizes and several times quicker for thousands of points.
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST)
        cairo_fill(cr)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_BEST)
      case let .marker(p, shape, size, fill, stroke):
        markerPath(cr, p, shape, size)
        setColor(cr, fill)
        if shape == .cross {
          cairo_set_line_width(cr, max(size / 4, 1))
          setDash(cr, [])
          cairo_stroke(cr)
        } else if let stroke {
          cairo_fill_preserve(cr)
          setColor(cr, stroke)
          cairo_set_line_width(cr, 0.75)
          setDash(cr, [])
          cairo_stroke(cr)
        } else {
          cairo_fill(cr)
        }
      case let .text(string, at, style, h, v, rotation):
        try drawText(cr, string, at, style, h, v, rotation)
      case let .image(r, raster, smooth):
        try drawRaster(cr, r, raster, smooth: smooth)
      case let .beginClip(r):
        cairo_save(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
      case .endClip:
        cairo_restore(cr)
      }
    }
  }

  /// Draws RGBA pixels scaled into `r` (nearest neighbour unless `smooth`).
  static func drawRaster(_ cr: OpaquePointer, _ r: Rect, _ raster: Raster, smooth: Bool) throws {
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(raster.width), Int32(raster.height)),
      cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS
    else { throw PlotError("Cairo: cannot create a \(raster.width)x\(raster.height) image") }
    defer { cairo_surface_destroy(surface) }
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard let data = cairo_image_surface_get_data(surface) else { throw PlotError("Cairo: no image data") }
    for y in 0..<raster.height {
      for x in 0..<raster.width {
        let i = 4 * (y * raster.width + x)
        let a = UInt32(raster.rgba[i + 3])
        // ARGB32 is premultiplied, native-endian 32-bit words.
        let red = UInt32(raster.rgba[i]) * a / 255, green = UInt32(raster.rgba[i + 1]) * a / 255, blue = UInt32(raster.rgba[i + 2]) * a / 255
        let word = (a << 24) | (red << 16) | (green << 8) | blue
        (UnsafeMutableRawPointer(data) + y * stride + 4 * x).storeBytes(of: word, as: UInt32.self)
      }
    }
    cairo_surface_mark_dirty(surface)
    cairo_save(cr)
    cairo_rectangle(cr, r.x, r.y, r.width, r.height)
    cairo_clip(cr)
    cairo_translate(cr, r.x, r.y)
    cairo_scale(cr, r.width / Double(raster.width), r.height / Double(raster.height))
    cairo_set_source_surface(cr, surface, 0, 0)
    if let pattern = cairo_get_source(cr) {
      cairo_pattern_set_filter(pattern, smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
      cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
    }
    cairo_paint(cr)
    cairo_restore(cr)
  }

  static func setDash(_ cr: OpaquePointer, _ dash: [Double]) {
    dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
  }

  static func markerPath(_ cr: OpaquePointer, _ p: Point, _ shape: MarkerShape, _ size: Double) {
    let r = size / 2
    switch shape {
    case .circle:
      cairo_new_sub_path(cr)
      cairo_arc(cr, p.x, p.y, r, 0, 2 * Double.pi)
    case .square:
      cairo_rectangle(cr, p.x - r, p.y - r, size, size)
    case .triangle:
      cairo_move_to(cr, p.x, p.y - r * 1.15)
      cairo_line_to(cr, p.x + r, p.y + r * 0.85)
      cairo_line_to(cr, p.x - r, p.y + r * 0.85)
      cairo_close_path(cr)
    case .diamond:
      cairo_move_to(cr, p.x, p.y - r * 1.2)
      cairo_line_to(cr, p.x + r, p.y)
      cairo_line_to(cr, p.x, p.y + r * 1.2)
      cairo_line_to(cr, p.x - r, p.y)
      cairo_close_path(cr)
    case .cross:
      cairo_move_to(cr, p.x - r, p.y - r)
      cairo_line_to(cr, p.x + r, p.y + r)
      cairo_move_to(cr, p.x + r, p.y - r)
      cairo_line_to(cr, p.x - r, p.y + r)
    }
  }

  static func drawText(
    _ cr: OpaquePointer, _ string: String, _ at: Point, _ style: TextStyle, _ h: HorizontalAnchor,
    _ v: VerticalAnchor, _ rotation: Double
  ) throws {
    guard let layout = pango_cairo_create_layout(cr) else { throw PlotError("Pango: cannot create a layout") }
    defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
    // Text antialiasing without hinting, so glyph positions are the same in PNG and SVG.
    if let options = cairo_font_options_create() {
      cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
      cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
      cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
      pango_cairo_context_set_font_options(pango_layout_get_context(layout), options)
      cairo_font_options_destroy(options)
      // Unrounded glyph positions, as TextMetrics measures them.
      pango_context_set_round_glyph_positions(pango_layout_get_context(layout), 0)
      pango_layout_context_changed(layout)
    }
    guard let font = pango_font_description_from_string(style.family) else {
      throw PlotError("Pango: bad font family list \"\(style.family)\"")
    }
    defer { pango_font_description_free(font) }
    pango_font_description_set_absolute_size(font, style.size * Double(PANGO_SCALE))
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
    pango_layout_set_font_description(layout, font)
    pango_layout_set_text(layout, string, -1)
    let unknown = pango_layout_get_unknown_glyphs_count(layout)
    if unknown > 0 {
      throw PlotError(
        "text \"\(string)\": \(unknown) character(s) have no glyph in \"\(style.family)\" (install fonts-dejavu-core and fonts-wqy-microhei)")
    }
    var ink = PangoRectangle()
    var logical = PangoRectangle()
    pango_layout_get_pixel_extents(layout, &ink, &logical)
    let width = Double(logical.width)
    let height = Double(logical.height)
    let baseline = Double(pango_layout_get_baseline(layout)) / Double(PANGO_SCALE)
    let dx: Double = h == .start ? 0 : h == .middle ? -width / 2 : -width
    let dy: Double =
      switch v {
      case .top: 0
      case .middle: -height / 2
      case .baseline: -baseline
      case .bottom: -height
      }
    cairo_save(cr)
    cairo_translate(cr, at.x, at.y)
    cairo_rotate(cr, rotation * Double.pi / 180)
    cairo_move_to(cr, dx, dy)
    setColor(cr, style.color)
    pango_cairo_update_layout(cr, layout)
    pango_cairo_show_layout(cr, layout)
    cairo_restore(cr)
  }
}
