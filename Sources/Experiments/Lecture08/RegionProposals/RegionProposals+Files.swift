// The region-proposals chapter's helpers: the random-box baseline, the
// photo's resizing, and proposals.json (the boxes the R-CNN chapters reuse).
import Detection
import ExperimentKit
import Foundation
import Support
import Tensor

extension RegionProposals {
  /// Hosang et al.'s "uniform" baseline, simplified: both corners of each axis uniform in the image (sorted).
  static func randomBoxes(_ count: Int, side: Double, using rng: inout SplitMix64) -> [Box] {
    (0..<count).map { _ in
      let (a, b, c, d) = (rng.uniform(0, side), rng.uniform(0, side), rng.uniform(0, side), rng.uniform(0, side))
      return Box(x1: min(a, b), y1: min(c, d), x2: max(a, b), y2: max(c, d))
    }
  }

  /// proposals.json: per scene its ranked boxes as COCO [x, y, w, h].
  static func saveProposals(_ proposals: [[Box]], side: Int, config: Config, seed: UInt64, to url: URL) throws {
    var images: [JSONValue] = []
    for (i, boxes) in proposals.enumerated() {
      let kept = boxes.prefix(config.savedProposals).map { b in JSONValue.array([.number(b.x1), .number(b.y1), .number(b.x2 - b.x1), .number(b.y2 - b.y1)]) }
      images.append(.object(["image_id": .number(Double(i)), "width": .number(Double(side)), "height": .number(Double(side)), "boxes": .array(Array(kept))]))
    }
    let document = JSONValue.object([
      "info": .object([
        "method": .string("selective-search"), "strategy": .string("fast"), "scene_set": .string("detection"), "split": .string("test"),
        "run_seed": .string(String(seed)), "box_format": .string("[x, y, width, height], continuous pixels, best ranked first"),
        "image_id": .string("index of the scene in SceneSets.scenes(\"detection\", .test, runSeed: run_seed)"),
      ]),
      "images": .array(images),
    ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try AtomicFile.write(try encoder.encode(document), to: url)
  }

  /// The photo, centre-cropped to a square and box-filtered down to `side`.
  static func resizedPhoto(_ image: PlanarImage, side: Int) -> PlanarImage {
    let s = min(image.width, image.height)
    let (x0, y0) = ((image.width - s) / 2, (image.height - s) / 2)
    let n = image.width * image.height
    var out = [Float](repeating: 0, count: 3 * side * side)
    for c in 0..<3 {
      for y in 0..<side {
        for x in 0..<side {
          let (ya, yb) = (y0 + y * s / side, y0 + max((y + 1) * s / side, y * s / side + 1))
          let (xa, xb) = (x0 + x * s / side, x0 + max((x + 1) * s / side, x * s / side + 1))
          var sum: Float = 0
          for yy in ya..<yb { for xx in xa..<xb { sum += image.values[c * n + yy * image.width + xx] } }
          out[(c * side + y) * side + x] = sum / Float((yb - ya) * (xb - xa))
        }
      }
    }
    return PlanarImage(width: side, height: side, channels: 3, values: out)
  }
}
