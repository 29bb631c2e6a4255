// Procedural clutter for the generated scenes: a two-colour linear gradient,
// low-frequency value noise, random translucent rectangles, ellipses and
// strokes, and a little per-pixel noise. Everything is drawn from the
// generator passed in, so the same seed draws the same background.
import Tensor

/// An RGB canvas in [0, 1], channel-major (3, size, size), that shapes are painted onto.
struct Canvas {
  let size: Int
  var pixels: [Float]

  init(size: Int) {
    self.size = size
    pixels = [Float](repeating: 0, count: 3 * size * size)
  }

  /// Blends `color` over pixel (x, y) with opacity `alpha`.
  @inline(__always)
  mutating func blend(x: Int, y: Int, color: RGB, alpha: Float) {
    let plane = size * size
    let i = y * size + x
    pixels[i] += (color.r - pixels[i]) * alpha
    pixels[plane + i] += (color.g - pixels[plane + i]) * alpha
    pixels[2 * plane + i] += (color.b - pixels[2 * plane + i]) * alpha
  }

  func color(x: Int, y: Int) -> RGB {
    let plane = size * size
    let i = y * size + x
    return RGB(r: pixels[i], g: pixels[plane + i], b: pixels[2 * plane + i])
  }
}

struct RGB {
  var r: Float, g: Float, b: Float

  static func random(using rng: inout SplitMix64, value: ClosedRange<Double> = 0...1) -> RGB {
    RGB.hsv(hue: rng.uniform(0, 1), saturation: rng.uniform(0.2, 1), value: rng.uniform(value.lowerBound, value.upperBound))
  }

  /// HSV (all in [0, 1]) to RGB.
  static func hsv(hue: Double, saturation s: Double, value v: Double) -> RGB {
    let h = (hue - hue.rounded(.down)) * 6
    let sector = Int(h) % 6
    let f = h - Double(sector)
    let (p, q, t) = (v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f)))
    let (r, g, b): (Double, Double, Double) =
      switch sector {
      case 0: (v, t, p)
      case 1: (q, v, p)
      case 2: (p, v, t)
      case 3: (p, q, v)
      case 4: (t, p, v)
      default: (v, p, q)
      }
    return RGB(r: Float(r), g: Float(g), b: Float(b))
  }

  func distance(to o: RGB) -> Float {
    let (dr, dg, db) = (r - o.r, g - o.g, b - o.b)
    return (dr * dr + dg * dg + db * db).squareRoot()
  }
}

/// How busy a background is.
public struct Clutter: Sendable, Codable, Equatable {
  /// Number of translucent shapes painted over the gradient.
  public var shapes: ClosedRange<Int>
  /// Opacity of those shapes.
  public var opacity: ClosedRange<Double>
  /// Amplitude of the low-frequency value noise.
  public var noise: Double

  public init(shapes: ClosedRange<Int>, opacity: ClosedRange<Double>, noise: Double) {
    (self.shapes, self.opacity, self.noise) = (shapes, opacity, noise)
  }

  public static let busy = Clutter(shapes: 6...14, opacity: 0.25...0.7, noise: 0.12)
  public static let mild = Clutter(shapes: 2...6, opacity: 0.15...0.4, noise: 0.06)
}

enum SceneBackground {
  static func paint(size: Int, clutter: Clutter, using rng: inout SplitMix64) -> Canvas {
    var canvas = Canvas(size: size)
    // Gradient between two colours along a random direction.
    let a = RGB.random(using: &rng, value: 0.25...0.95)
    let b = RGB.random(using: &rng, value: 0.25...0.95)
    let angle = rng.uniform(0, 2 * Double.pi)
    let (dx, dy) = (Float(cos(angle)), Float(sin(angle)))
    // Value noise: a 5x5 lattice of offsets, bilinearly interpolated.
    let lattice = (0..<25).map { _ in Float(rng.uniform(-clutter.noise, clutter.noise)) }
    let s = Float(size)
    for y in 0..<size {
      for x in 0..<size {
        let u = (Float(x) + 0.5) / s
        let v = (Float(y) + 0.5) / s
        let t = min(max(0.5 + (u - 0.5) * dx + (v - 0.5) * dy, 0), 1)
        let gx = u * 4, gy = v * 4
        let ix = min(Int(gx), 3), iy = min(Int(gy), 3)
        let fx = gx - Float(ix), fy = gy - Float(iy)
        let n00 = lattice[iy * 5 + ix], n01 = lattice[iy * 5 + ix + 1]
        let n10 = lattice[(iy + 1) * 5 + ix], n11 = lattice[(iy + 1) * 5 + ix + 1]
        let noise = (n00 * (1 - fx) + n01 * fx) * (1 - fy) + (n10 * (1 - fx) + n11 * fx) * fy
        let color = RGB(r: a.r + (b.r - a.r) * t + noise, g: a.g + (b.g - a.g) * t + noise, b: a.b + (b.b - a.b) * t + noise)
        canvas.blend(x: x, y: y, color: color, alpha: 1)
      }
    }
    // Translucent shapes.
    let count = clutter.shapes.lowerBound + rng.nextInt(below: clutter.shapes.count)
    for _ in 0..<count {
      let color = RGB.random(using: &rng)
      let alpha = Float(rng.uniform(clutter.opacity.lowerBound, clutter.opacity.upperBound))
      switch rng.nextInt(below: 3) {
      case 0: paintRectangle(&canvas, color: color, alpha: alpha, using: &rng)
      case 1: paintEllipse(&canvas, color: color, alpha: alpha, using: &rng)
      default: paintStroke(&canvas, color: color, alpha: alpha, using: &rng)
      }
    }
    // Sensor noise, then clamp to [0, 1].
    for i in canvas.pixels.indices {
      canvas.pixels[i] = min(max(canvas.pixels[i] + Float(rng.uniform(-0.03, 0.03)), 0), 1)
    }
    return canvas
  }

  static func paintRectangle(_ canvas: inout Canvas, color: RGB, alpha: Float, using rng: inout SplitMix64) {
    let s = Double(canvas.size)
    let w = rng.uniform(0.08, 0.5) * s, h = rng.uniform(0.08, 0.5) * s
    let x0 = Int(rng.uniform(-0.1 * s, s - w / 2)), y0 = Int(rng.uniform(-0.1 * s, s - h / 2))
    let (xa, xb) = (max(x0, 0), min(x0 + Int(w), canvas.size))
    let (ya, yb) = (max(y0, 0), min(y0 + Int(h), canvas.size))
    guard xa < xb, ya < yb else { return }
    for y in ya..<yb {
      for x in xa..<xb { canvas.blend(x: x, y: y, color: color, alpha: alpha) }
    }
  }

  static func paintEllipse(_ canvas: inout Canvas, color: RGB, alpha: Float, using rng: inout SplitMix64) {
    let s = Double(canvas.size)
    let cx = rng.uniform(0, s), cy = rng.uniform(0, s)
    let rx = rng.uniform(0.05, 0.25) * s, ry = rng.uniform(0.05, 0.25) * s
    for y in 0..<canvas.size {
      for x in 0..<canvas.size {
        let u = (Double(x) + 0.5 - cx) / rx, v = (Double(y) + 0.5 - cy) / ry
        let r = u * u + v * v
        if r < 1 { canvas.blend(x: x, y: y, color: color, alpha: alpha * Float(min(1, (1 - r) * 8))) }
      }
    }
  }

  static func paintStroke(_ canvas: inout Canvas, color: RGB, alpha: Float, using rng: inout SplitMix64) {
    let s = Double(canvas.size)
    let from = (rng.uniform(0, s), rng.uniform(0, s)), to = (rng.uniform(0, s), rng.uniform(0, s))
    let width = rng.uniform(0.6, 0.03 * s + 0.6)
    paintSegment(&canvas, from: from, to: to, width: width, color: color, alpha: alpha)
  }

  /// An antialiased capsule of the given width between two points.
  static func paintSegment(_ canvas: inout Canvas, from a: (Double, Double), to b: (Double, Double), width: Double, color: RGB, alpha: Float) {
    let half = width / 2
    let x0 = max(Int(min(a.0, b.0) - half - 1), 0), x1 = min(Int(max(a.0, b.0) + half + 1), canvas.size - 1)
    let y0 = max(Int(min(a.1, b.1) - half - 1), 0), y1 = min(Int(max(a.1, b.1) + half + 1), canvas.size - 1)
    guard x0 <= x1, y0 <= y1 else { return }
    let (vx, vy) = (b.0 - a.0, b.1 - a.1)
    let length2 = max(vx * vx + vy * vy, 1e-12)
    for y in y0...y1 {
      for x in x0...x1 {
        let (px, py) = (Double(x) + 0.5 - a.0, Double(y) + 0.5 - a.1)
        let t = min(max((px * vx + py * vy) / length2, 0), 1)
        let (ex, ey) = (px - t * vx, py - t * vy)
        let coverage = min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)
        if coverage > 0 { canvas.blend(x: x, y: y, color: color, alpha: alpha * Float(coverage)) }
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
