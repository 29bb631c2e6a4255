// Text measured by Pango, so layout knows how wide a title or tick label is
// before anything is drawn (CairoRenderer draws with the same font options).
//
// One font map and context of our own, used under a lock (Pango objects are
// not thread-safe), with a cache of measured strings. Sizes are in pixels at
// hinting off, so the width of "precision" at 10.5 px is the same in layout,
// in the 2x PNG and in the SVG. `box(of:)` turns a Scene text item into the
// axis-aligned rectangle its logical extents cover (any rotation), which is
// what the collision checks compare.
import CPangoCairo
import Foundation

public struct TextExtent: Sendable, Equatable {
  /// Logical width and height in pixels, and the baseline below the top.
  public var width: Double
  public var height: Double
  public var baseline: Double
}

public final class TextMetrics: @unchecked Sendable {
  public static let shared = TextMetrics()

  private let lock = NSLock()
  private var cache: [String: TextExtent] = [:]
  private let context: OpaquePointer?
  private let layout: OpaquePointer?

  private init() {
    let map = pango_cairo_font_map_new()
    let ctx = map.flatMap { pango_font_map_create_context($0) }
    if let ctx, let options = cairo_font_options_create() {
      cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
      cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
      cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
      pango_cairo_context_set_font_options(ctx, options)
      cairo_font_options_destroy(options)
    }
    // Exact advances (Pango rounds glyph positions to whole pixels by default);
    // CairoRenderer draws with the same setting.
    if let ctx { pango_context_set_round_glyph_positions(ctx, 0) }
    context = ctx
    layout = ctx.flatMap { pango_layout_new($0) }
  }

  /// The logical extents of one line of `text` in `style`'s font and size.
  public func measure(_ text: String, style: TextStyle) -> TextExtent {
    let key = "\(style.family)|\(style.size)|\(style.bold)|\(text)"
    lock.lock()
    defer { lock.unlock() }
    if let hit = cache[key] { return hit }
    guard let layout, let font = pango_font_description_from_string(style.family) else {
      // No Pango context: fall back to the old estimate rather than crash.
      return TextExtent(width: Double(text.count) * style.size * 0.6, height: style.size * 1.2, baseline: style.size * 0.95)
    }
    defer { pango_font_description_free(font) }
    pango_font_description_set_absolute_size(font, style.size * Double(PANGO_SCALE))
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
    let typed = layout
    pango_layout_set_font_description(typed, font)
    pango_layout_set_text(typed, text, -1)
    var ink = PangoRectangle()
    var logical = PangoRectangle()
    pango_layout_get_extents(typed, &ink, &logical)
    let scale = Double(PANGO_SCALE)
    let extent = TextExtent(
      width: Double(logical.width) / scale, height: Double(logical.height) / scale,
      baseline: Double(pango_layout_get_baseline(typed)) / scale)
    cache[key] = extent
    return extent
  }

  public func width(_ text: String, size: Double, bold: Bool = false) -> Double {
    measure(text, style: TextStyle(size: size, bold: bold)).width
  }

  /// The axis-aligned box a Scene text item covers, or nil for other items.
  public func box(of item: SceneItem) -> Rect? {
    guard case let .text(string, at, style, h, v, rotation) = item else { return nil }
    let e = measure(string, style: style)
    let dx: Double = h == .start ? 0 : h == .middle ? -e.width / 2 : -e.width
    let dy: Double =
      switch v {
      case .top: 0
      case .middle: -e.height / 2
      case .baseline: -e.baseline
      case .bottom: -e.height
      }
    let angle = rotation * Double.pi / 180
    let (c, s) = (cos(angle), sin(angle))
    let corners = [(dx, dy), (dx + e.width, dy), (dx, dy + e.height), (dx + e.width, dy + e.height)].map {
      Point(at.x + $0.0 * c - $0.1 * s, at.y + $0.0 * s + $0.1 * c)
    }
    let xs = corners.map(\.x), ys = corners.map(\.y)
    return Rect(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()!, height: ys.max()! - ys.min()!)
  }
}
