// FashionScenes: generated RGB scenes of tinted, scaled Fashion-MNIST items
// on cluttered procedural backgrounds, with tight boxes and class labels —
// the detection data of the lecture-8 chapters.
//
// Conventions: images are (N, 3, size, size) Float in [0, 1]; boxes are in
// continuous pixel coordinates (x1 <= x < x2, as Detection.Box), tight around
// the item's pixels whose coverage exceeds `coverageThreshold`. Scene i is
// drawn from its own generator, `SplitMix64(seed).derived("scene i")`, so a
// scene does not change when the count does, and generation can run in
// parallel with the same bits.
import Detection
import Tensor

/// What the generator draws.
public struct SceneSpec: Sendable, Codable, Equatable {
  /// Side of the square canvas in pixels.
  public var size: Int
  /// Objects per scene (a single value for "exactly K").
  public var objects: ClosedRange<Int>
  /// Side, in pixels, of the 28x28 item after scaling.
  public var objectSize: ClosedRange<Int>
  public var clutter: Clutter
  /// Largest IoU allowed between two objects of one scene.
  public var maxOverlap: Double

  public init(size: Int, objects: ClosedRange<Int>, objectSize: ClosedRange<Int>, clutter: Clutter = .busy, maxOverlap: Double = 0.1) {
    (self.size, self.objects, self.objectSize, self.clutter, self.maxOverlap) = (size, objects, objectSize, clutter, maxOverlap)
  }
}

public struct FashionScenes: Sendable {
  /// Item pixels with coverage above this count as the object (box and mask).
  public static let coverageThreshold: Float = 0.1

  public let spec: SceneSpec
  /// (N, 3, size, size) in [0, 1].
  public var images: Tensor
  /// The objects of each scene, in drawing order.
  public var objects: [[LabeledBox]]
  /// Per scene, each pixel's largest item coverage (size * size, in [0, 1]; the
  /// object is where it exceeds `coverageThreshold`), for saliency and segmentation.
  public var masks: [[Float]]

  public var count: Int { objects.count }

  /// Generates `count` scenes from the items of `source` (each scene's items drawn uniformly from it).
  public static func generate(_ spec: SceneSpec, count: Int, source: FashionMNIST, seed: UInt64) -> FashionScenes {
    precondition(spec.size >= spec.objectSize.upperBound, "FashionScenes: objects up to \(spec.objectSize.upperBound) px do not fit a \(spec.size) px canvas")
    precondition(spec.objects.lowerBound >= 0 && spec.objectSize.lowerBound >= 4, "FashionScenes: bad spec \(spec)")
    precondition(source.count > 0, "FashionScenes: no source items")
    let plane = 3 * spec.size * spec.size
    var pixels = [Float](repeating: 0, count: count * plane)
    var objects = [[LabeledBox]](repeating: [], count: count)
    var masks = [[Float]](repeating: [], count: count)
    let root = SplitMix64(seed: seed)
    pixels.withUnsafeMutableBufferPointer { px in
      objects.withUnsafeMutableBufferPointer { ob in
        masks.withUnsafeMutableBufferPointer { mk in
          let (p, o, m) = (SendablePointer(px.baseAddress!), SendablePointer(ob.baseAddress!), SendablePointer(mk.baseAddress!))
          Parallel.chunks(count, cost: 1 << 14) { range in
            for i in range {
              var rng = root.derived("scene \(i)")
              let scene = drawScene(spec, source: source, using: &rng)
              (p.base + i * plane).update(from: scene.canvas.pixels, count: plane)
              o.base[i] = scene.boxes
              m.base[i] = scene.mask
            }
          }
        }
      }
    }
    return FashionScenes(spec: spec, images: Tensor(shape: [count, 3, spec.size, spec.size], scalars: pixels), objects: objects, masks: masks)
  }

  static func drawScene(_ spec: SceneSpec, source: FashionMNIST, using rng: inout SplitMix64) -> (canvas: Canvas, boxes: [LabeledBox], mask: [Float]) {
    // A scene whose objects cannot all be placed (the first ones left no room)
    // is drawn again from the next numbers of its generator.
    while true {
      var canvas = SceneBackground.paint(size: spec.size, clutter: spec.clutter, using: &rng)
      var mask = [Float](repeating: 0, count: spec.size * spec.size)
      let wanted = spec.objects.lowerBound + rng.nextInt(below: spec.objects.count)
      var boxes: [LabeledBox] = []
      for _ in 0..<wanted {
        // Draw until the item is visible and overlaps the others little enough.
        var placed: (item: ScaledItem, x: Int, y: Int, box: LabeledBox)? = nil
        for _ in 0..<60 {
          let index = rng.nextInt(below: source.count)
          let side = spec.objectSize.lowerBound + rng.nextInt(below: spec.objectSize.count)
          guard let item = ScaledItem(source: source, index: index, side: side) else { continue }
          let x = rng.nextInt(below: spec.size - side + 1), y = rng.nextInt(below: spec.size - side + 1)
          let box = item.box(atX: x, y: y)
          if boxes.allSatisfy({ $0.box.intersectionOverUnion(with: box.box) <= spec.maxOverlap }) {
            placed = (item, x, y, box)
            break
          }
        }
        guard let p = placed else { break }
        paint(p.item, x: p.x, y: p.y, on: &canvas, mask: &mask, using: &rng)
        boxes.append(p.box)
      }
      if boxes.count == wanted { return (canvas, boxes, mask) }
    }
  }

  /// Paints an item in a tint that stands out from the background under it.
  static func paint(_ item: ScaledItem, x: Int, y: Int, on canvas: inout Canvas, mask: inout [Float], using rng: inout SplitMix64) {
    var mean = RGB(r: 0, g: 0, b: 0)
    var n: Float = 0
    for j in 0..<item.side { for i in 0..<item.side where item.coverage[j * item.side + i] > coverageThreshold {
      let c = canvas.color(x: x + i, y: y + j)
      mean.r += c.r; mean.g += c.g; mean.b += c.b; n += 1
    } }
    mean = RGB(r: mean.r / max(n, 1), g: mean.g / max(n, 1), b: mean.b / max(n, 1))
    var tint = RGB.hsv(hue: rng.uniform(0, 1), saturation: rng.uniform(0.4, 1), value: rng.uniform(0.55, 1))
    for _ in 0..<12 where tint.distance(to: mean) < 0.45 {
      tint = RGB.hsv(hue: rng.uniform(0, 1), saturation: rng.uniform(0.4, 1), value: rng.uniform(0.05, 1))
    }
    for j in 0..<item.side {
      for i in 0..<item.side {
        let m = item.coverage[j * item.side + i]
        guard m > 0.02 else { continue }
        let shade = 0.45 + 0.55 * m  // the garment's own texture survives the tint
        canvas.blend(x: x + i, y: y + j, color: RGB(r: tint.r * shade, g: tint.g * shade, b: tint.b * shade), alpha: min(1, m * 1.6))
        let k = (y + j) * canvas.size + x + i
        mask[k] = max(mask[k], m)
      }
    }
  }
}

/// A Fashion-MNIST item resized to side x side, with its tight box inside that square.
struct ScaledItem {
  let side: Int
  let label: Int
  let coverage: [Float]
  let minX: Int, minY: Int, maxX: Int, maxY: Int

  init?(source: FashionMNIST, index: Int, side: Int) {
    let item = source.images.slice(index..<(index + 1)).reshaped([1, 1, 28, 28])
    let scaled = item.resizedBilinear(height: side, width: side).scalars
    var (minX, minY, maxX, maxY) = (side, side, -1, -1)
    for j in 0..<side {
      for i in 0..<side where scaled[j * side + i] > FashionScenes.coverageThreshold {
        (minX, minY, maxX, maxY) = (min(minX, i), min(minY, j), max(maxX, i), max(maxY, j))
      }
    }
    // Skip near-empty items (a box a few pixels wide is not an object).
    guard maxX - minX >= side / 4, maxY - minY >= side / 4 else { return nil }
    (self.side, self.label, coverage) = (side, source.labels[index], scaled)
    (self.minX, self.minY, self.maxX, self.maxY) = (minX, minY, maxX, maxY)
  }

  func box(atX x: Int, y: Int) -> LabeledBox {
    LabeledBox(label: label, x1: Double(x + minX), y1: Double(y + minY), x2: Double(x + maxX + 1), y2: Double(y + maxY + 1))
  }
}
