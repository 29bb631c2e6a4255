// The Scene: a flat display list in device coordinates (pixels, y down).
//
// Layout turns a Figure into a Scene; renderers only draw Scenes. The Scene
// is plain data, Equatable, and prints as text, one item per line, so tests
// can compare the layout of a figure without rendering it.

public struct Point: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public init(_ x: Double, _ y: Double) { (self.x, self.y) = (x, y) }
}

public struct Rect: Sendable, Equatable {
  public var x, y, width, height: Double
  public init(x: Double, y: Double, width: Double, height: Double) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }
  public var maxX: Double { x + width }
  public var maxY: Double { y + height }
}

public enum HorizontalAnchor: String, Sendable { case start, middle, end }
public enum VerticalAnchor: String, Sendable { case top, middle, baseline, bottom }
public enum MarkerShape: String, Sendable, CaseIterable { case circle, square, triangle, diamond, cross }

/// Font, size and colour of a piece of text.
public struct TextStyle: Sendable, Equatable {
  /// Pango family list: Latin from DejaVu Sans, CJK from WenQuanYi Micro Hei.
  public static let defaultFamily = "DejaVu Sans, WenQuanYi Micro Hei"
  public var size: Double
  public var bold: Bool
  public var color: Color
  public var family: String

  public init(size: Double, bold: Bool = false, color: Color = .text, family: String = TextStyle.defaultFamily) {
    (self.size, self.bold, self.color, self.family) = (size, bold, color, family)
  }
}

/// One drawing instruction.
public enum SceneItem: Sendable, Equatable {
  case rect(Rect, fill: Color?, stroke: Color?, lineWidth: Double, dash: [Double])
  case polyline([Point], stroke: Color, lineWidth: Double, dash: [Double])
  /// A closed, filled polygon.
  case polygon([Point], fill: Color)
  case marker(Point, shape: MarkerShape, size: Double, fill: Color, stroke: Color?)
  case text(String, at: Point, style: TextStyle, horizontal: HorizontalAnchor, vertical: VerticalAnchor, rotation: Double)
  case image(Rect, raster: Raster, smooth: Bool)
  /// Clip the following items to a rectangle, until `.endClip`.
  case beginClip(Rect)
  case endClip
}

public struct Scene: Sendable, Equatable, CustomStringConvertible {
  public var width: Double
  public var height: Double
  public var background: Color
  public var items: [SceneItem]

  public init(width: Double, height: Double, background: Color = .white, items: [SceneItem] = []) {
    (self.width, self.height, self.background, self.items) = (width, height, background, items)
  }

  /// The size (px as drawn) of the smallest text in the scene; nil without text.
  /// The book's page check divides it by the figure's display scale.
  public var smallestTextSize: Double? {
    items.compactMap { item -> Double? in
      if case .text(let text, _, let style, _, _, _) = item, !text.isEmpty { return style.size }
      return nil
    }.min()
  }

  public var description: String {
    var lines = ["scene \(f(width))x\(f(height)) background \(background.hexString)"]
    for item in items {
      switch item {
      case let .rect(r, fill, stroke, lineWidth, dash):
        lines.append(
          "rect (\(f(r.x)), \(f(r.y))) \(f(r.width))x\(f(r.height))"
            + (fill.map { " fill \($0.hexString)" } ?? "")
            + (stroke.map { " stroke \($0.hexString) width \(f(lineWidth))" } ?? "") + dashText(dash))
      case let .polyline(points, stroke, lineWidth, dash):
        let head = points.prefix(2).map { "(\(f($0.x)), \(f($0.y)))" }.joined(separator: " ")
        lines.append(
          "polyline \(points.count) points \(head)\(points.count > 2 ? " ..." : "") stroke \(stroke.hexString) width \(f(lineWidth))"
            + dashText(dash))
      case let .polygon(points, fill):
        let head = points.prefix(2).map { "(\(f($0.x)), \(f($0.y)))" }.joined(separator: " ")
        lines.append("polygon \(points.count) points \(head)\(points.count > 2 ? " ..." : "") fill \(fill.hexString)")
      case let .marker(p, shape, size, fill, stroke):
        lines.append(
          "marker \(shape.rawValue) at (\(f(p.x)), \(f(p.y))) size \(f(size)) fill \(fill.hexString)"
            + (stroke.map { " stroke \($0.hexString)" } ?? ""))
      case let .text(string, at, style, h, v, rotation):
        lines.append(
          "text \"\(string)\" at (\(f(at.x)), \(f(at.y))) size \(f(style.size))\(style.bold ? " bold" : "") anchor \(h.rawValue)/\(v.rawValue)"
            + (rotation != 0 ? " rotate \(f(rotation))" : "") + " color \(style.color.hexString)")
      case let .image(r, raster, smooth):
        lines.append(
          "image \(raster.width)x\(raster.height) #\(raster.fingerprint) into (\(f(r.x)), \(f(r.y))) \(f(r.width))x\(f(r.height))\(smooth ? " smooth" : "")")
      case let .beginClip(r):
        lines.append("clip (\(f(r.x)), \(f(r.y))) \(f(r.width))x\(f(r.height))")
      case .endClip:
        lines.append("end clip")
      }
    }
    return lines.joined(separator: "\n")
  }

  private func dashText(_ dash: [Double]) -> String {
    dash.isEmpty ? "" : " dash " + dash.map(f).joined(separator: ",")
  }

  /// One decimal, "-0.0" printed as "0.0": stable text for goldens.
  private func f(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    let s = format2(r == 0 ? 0 : r)
    return String(s.dropLast())
  }
}
