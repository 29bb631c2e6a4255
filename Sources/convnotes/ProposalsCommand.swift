// `convnotes proposals`: region proposals for a user's own images (PNG, or
// binary PGM/PPM), as COCO-style [x, y, width, height] boxes, best ranked
// first, ready to feed an R-CNN. Every image is read before any output, so an
// unreadable one stops the command (naming the file) with nothing printed.
import ArgumentParser
import Detection
import Foundation
import Plot

struct ProposalsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "proposals",
    abstract: "Region proposals (Selective Search or EdgeBoxes) for PNG or PPM images, as COCO [x, y, w, h] boxes.",
    discussion: """
      EdgeBoxes (Zitnick and Dollár 2014) scores windows by the edge groups wholly inside them (here on a
      gradient edge map; --strategy does not apply; boxes of at least 100 pixels or 1/250 of the
      image, the paper's 1000 pixels on a 500 px photo).
      Selective Search (Uijlings et al. 2013) on graph-based segments: the "fast" strategy has 8
      hierarchies (HSV and Lab, k = 50 and 100, C+T+S+F and T+S+F), "quality" 80, "single" 1.
      Boxes are in continuous pixel coordinates, ranked as the paper ranks them (hierarchy level
      times a random number from --seed), duplicates removed. With --json, one JSON object per
      image and line: {"file", "width", "height", "method", "strategy", "boxes": [[x, y, w, h], ...]}.
      """)

  enum Method: String, ExpressibleByArgument, CaseIterable {
    case selectiveSearch = "selective-search"
    case edgeBoxes = "edge-boxes"
  }

  @Argument(help: "PNG, PGM or PPM images.")
  var images: [String]

  @Option(name: .long, help: "selective-search | edge-boxes.")
  var method: Method = .selectiveSearch

  @Option(name: .long, help: "Selective Search's strategy: fast | quality | single.")
  var strategy: String = "fast"

  @Option(name: .long, help: "At most this many proposals per image (the best ranked).")
  var max: Int?

  @Option(name: .long, help: "Seed of the ranking's random numbers.")
  var seed: UInt64 = 0

  @Flag(name: .long, help: "One JSON object per image and line, instead of a summary.")
  var json = false

  func validate() throws {
    guard !images.isEmpty else { throw ValidationError("proposals: name at least one image") }
    guard SelectiveSearch.Mode(rawValue: strategy) != nil else {
      throw ValidationError("--strategy: expected fast, quality or single, got '\(strategy)'")
    }
    if let max, max < 1 { throw ValidationError("--max: expected a positive number of proposals, got \(max)") }
  }

  func run() throws {
    // Read (and check) every image first: a bad file stops the command before any output.
    var decoded: [(String, PlanarImage)] = []
    for path in images {
      let image = try ImageFile.read(URL(fileURLWithPath: path))
      decoded.append((path, PlanarImage(width: image.width, height: image.height, channels: image.channels, values: image.values)))
    }
    let search = SelectiveSearch(SelectiveSearch.Mode(rawValue: strategy)!)
    var lines: [String] = []
    for (path, image) in decoded {
      var boxes = method == .edgeBoxes ? EdgeBoxes(minBoxArea: Swift.max(100, Double(image.pixelCount) / 250)).proposals(image).map { $0.box } : search.proposals(image, seed: seed)
      if let max { boxes = Array(boxes.prefix(max)) }
      lines.append(json ? jsonLine(path, image, boxes) : summary(path, image, boxes))
    }
    print(lines.joined(separator: "\n"))
  }

  /// A COCO box with integral values printed as integers.
  static func coco(_ b: Box) -> String {
    "[" + [b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { $0 == $0.rounded() ? String(Int($0)) : String($0) }.joined(separator: ", ") + "]"
  }

  func jsonLine(_ path: String, _ image: PlanarImage, _ boxes: [Box]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let file = String(data: try! encoder.encode(path), encoding: .utf8)!
    return "{\"file\": \(file), \"width\": \(image.width), \"height\": \(image.height), \"method\": \"\(method.rawValue)\", "
      + "\"strategy\": \"\(method == .edgeBoxes ? "" : strategy)\", \"boxes\": [" + boxes.map(Self.coco).joined(separator: ", ") + "]}"
  }

  func summary(_ path: String, _ image: PlanarImage, _ boxes: [Box]) -> String {
    var text = "\(path): \(image.width)x\(image.height), \(boxes.count) proposals (\(method.rawValue), \(strategy))"
    for (rank, b) in boxes.prefix(5).enumerated() { text += "\n  \(rank + 1). \(Self.coco(b))" }
    if boxes.count > 5 { text += "\n  ... (--json for all)" }
    return text
  }
}
