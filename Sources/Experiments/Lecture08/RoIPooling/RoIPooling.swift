// RoI pooling (Girshick, "Fast R-CNN", ICCV 2015, §2.1) and RoI Align (He
// et al., "Mask R-CNN", ICCV 2017, §3) on a real conv feature map. Chapter:
// chapters/09-roi-pooling.md. Operators: Sources/Layers/RegionOfInterest.
//
// Inputs: the scene classifier's trunk (Models/SceneNetwork) up to conv3's
// ReLU: 64 channels, stride 4; on a 128 px `detection` scene a 28 x 28 map
// whose cell s is centred on image pixel 4 s + 8.5 (valid convolutions), so
// image boxes are shifted by -7 px before the spatial scale 1/4: cell s then
// covers [4 s, 4 s + 4) of the shifted image, the geometry both operators
// assume (torchvision's roi_pool, and roi_align with aligned=True).
// Algorithm and numbers:
//   - the 7 x 7 grids of both operators over one object's box (figure);
//   - quantization (RoIPooling+Quantization.swift): over random RoIs of 1 to
//     16 cells a side, the IoU between the RoI and what RoIPool / RoIAlign
//     (aligned or not) read, per RoI size;
//   - conventions: on the boxes of the test scenes (and jittered copies, as
//     proposals), the numeric difference between aligned and not, sampling
//     ratios, pooling's rounding rules, pool and align;
//   - gradient checks of both on the real map, and 1- vs 2-thread bits;
//   - forward + backward time for N RoIs (measured, noisy).
import Datasets
import Detection
import ExperimentKit
import Foundation
import Layers
import Models
import Plot
import Tensor

public enum RoIPooling: Experiment {
  public static let id = "roi-pooling"
  public static let title = "RoI pooling and RoI Align"
  public static let lecture = Lecture.localizationAndDetection
  public static let requires: [any Experiment.Type] = []
  public static let folder = "Lecture08/RoIPooling"
  public static let uses = ["Layers", "Datasets", "Detection", "Plot", SceneClassifier.folder]
  public static let dataFiles = FashionMNIST.files

  public struct Config: Codable, Sendable {
    /// Detection test scenes whose boxes feed the conventions table.
    public var scenes: Int
    /// Jittered copies of each box (proposal-like regions).
    public var jitters: Int
    /// Random regions per size bucket for the quantization measure.
    public var randomRoIs: Int
    /// Region counts timed (forward + backward), best of `speedRepeats`.
    public var speedCounts: [Int]
    public var speedRepeats: Int
    /// Coordinates sampled by each gradient check.
    public var gradientSamples: Int
  }

  public static let quick = Config(scenes: 8, jitters: 4, randomRoIs: 400, speedCounts: [16, 64, 256], speedRepeats: 3, gradientSamples: 20)
  public static let full = Config(scenes: 64, jitters: 8, randomRoIs: 4_000, speedCounts: [16, 64, 256, 1024], speedRepeats: 5, gradientSamples: 60)

  static let stride: Float = 4
  /// Image x of feature cell s's left footprint edge is 4 s + 7 (its centre 4 s + 9 in continuous pixels).
  static let offset = 7.0
  static let bins = 7
  /// Size buckets of the quantization measure, in feature cells (lower bounds; each to twice that).
  static let buckets = [1.0, 2, 4, 8]

  static func region(_ box: Box, image: Int = 0) -> RegionOfInterest {
    RegionOfInterest(batchIndex: image, x1: Float(box.x1 - offset), y1: Float(box.y1 - offset), x2: Float(box.x2 - offset), y2: Float(box.y2 - offset))
  }

  static var poolOp: RoIPool { RoIPool(outputHeight: bins, outputWidth: bins, spatialScale: 1 / stride) }
  static func alignOp(ratio: Int = 0, aligned: Bool = true) -> RoIAlign {
    RoIAlign(outputHeight: bins, outputWidth: bins, spatialScale: 1 / stride, samplingRatio: ratio, aligned: aligned)
  }

  /// The trunk up to `last` (a layer name) of the scene classifier.
  static func trunk(_ net: LocalizationNetwork, through last: String) -> Sequential {
    let end = net.trunk.layers.firstIndex { $0.name == last }!
    return Sequential(Array(net.trunk.layers[...end]))
  }

  public static func run(_ config: Config, in context: RunContext) throws {
    // 1. Inputs: the trained trunk, detection test scenes, their conv3 maps.
    let net = try context.timed("load network") { try context.model(SceneClassifier(profile: context.profile)).network }
    let items = try context.fashionMNIST(.test)
    let scenes = SceneSets.scenes("detection", .test, count: config.scenes, source: items, runSeed: context.seed)
    let images = LocalizationNetwork.normalized(scenes.images)
    let features = context.timed("features") { trunk(net, through: "relu3").forward(images, mode: .test) }
    let (mapH, mapW) = (features.shape[2], features.shape[3])
    context.record("map.channels", features.shape[1])
    context.record("map.side", mapW)
    context.record("scene.side", scenes.spec.size, unit: "px")
    context.record("map.stride", Int(stride), unit: "px")
    context.record("roi.bins", bins)
    context.record("roi.fcInput", features.shape[1] * bins * bins)

    // 2. Quantization: what each operator reads, over random RoIs per size bucket.
    var rng = context.rng.derived("quantization")
    let methods: [(key: String, label: String, read: (RegionOfInterest) -> [ReadRegion])] = [
      ("pool", "RoIPool", { readRegions(poolOp, $0, height: 64, width: 64) }),
      ("align", "RoIAlign (aligned)", { readRegions(alignOp(), $0, height: 64, width: 64) }),
      ("unaligned", "RoIAlign (aligned=False)", { readRegions(alignOp(aligned: false), $0, height: 64, width: 64) }),
    ]
    var curves: [String: [QuantizationScore]] = [:]
    for low in buckets {
      var sums = [String: QuantizationScore]()
      for _ in 0..<config.randomRoIs {
        // Sides log-uniform in [low, 2 low) cells, corners anywhere (continuous) well inside a 64-cell map.
        let w = low * exp2(rng.nextUniform()), h = low * exp2(rng.nextUniform())
        let x1 = rng.uniform(8, 56 - w), y1 = rng.uniform(8, 56 - h)
        let roi = RegionOfInterest(x1: Float(x1) * stride, y1: Float(y1) * stride, x2: Float(x1 + w) * stride, y2: Float(y1 + h) * stride)
        let cells = (x1: Double(roi.x1 / stride), y1: Double(roi.y1 / stride), x2: Double(roi.x2 / stride), y2: Double(roi.y2 / stride))
        for m in methods {
          let s = score(bins: m.read(roi), roi: cells, h: bins, w: bins)
          var t = sums[m.key] ?? QuantizationScore(roiIoU: 0, binIoU: 0, centreOffset: 0)
          t.roiIoU += s.roiIoU / Double(config.randomRoIs)
          t.binIoU += s.binIoU / Double(config.randomRoIs)
          t.centreOffset += s.centreOffset / Double(config.randomRoIs)
          sums[m.key] = t
        }
      }
      for m in methods { curves[m.key, default: []].append(sums[m.key]!) }
    }
    var quantRows: [[JSONValue]] = []
    for (b, low) in buckets.enumerated() {
      let name = "cells\(Int(low))to\(Int(2 * low))"
      var row: [JSONValue] = [.string("\(Int(low))-\(Int(2 * low)) cells (\(Int(low * 4))-\(Int(low * 8)) px)")]
      for m in methods {
        let s = curves[m.key]![b]
        context.record("quant.\(m.key).roiIoU.\(name)", s.roiIoU, format: ".3f")
        context.record("quant.\(m.key).binIoU.\(name)", s.binIoU, format: ".3f")
        context.record("quant.\(m.key).offset.\(name)", s.centreOffset, unit: "cells", format: ".3f")
        row += [.number(s.roiIoU), .number(s.binIoU), .number(s.centreOffset)]
      }
      quantRows.append(row)
    }
    context.record("quant.roisPerBucket", config.randomRoIs)
    context.table(
      "quantization", caption: "What each operator reads, against the RoI: IoU for the whole RoI, mean IoU per bin, offset of the read centre (cells, + = right/down).",
      columns: ["RoI side", "pool IoU", "pool bin IoU", "pool offset", "align IoU", "align bin IoU", "align offset", "unaligned IoU", "unaligned bin IoU", "unaligned offset"],
      formats: ["", ".3f", ".3f", "+.2f", ".3f", ".3f", "+.2f", ".3f", ".3f", "+.2f"], rows: quantRows)

    // 3. Conventions on the real maps: every box of the test scenes and jittered copies.
    var boxRng = context.rng.derived("jitter")
    var rois: [RegionOfInterest] = []
    for (i, objects) in scenes.objects.enumerated() {
      for o in objects {
        rois.append(region(o.box, image: i))
        for _ in 0..<config.jitters {
          let (w, h) = (o.box.width(), o.box.height())
          let dx = boxRng.uniform(-0.2, 0.2) * w, dy = boxRng.uniform(-0.2, 0.2) * h
          let sw = exp(boxRng.uniform(-0.3, 0.3)), sh = exp(boxRng.uniform(-0.3, 0.3))
          let (cx, cy) = (o.box.centerX + dx, o.box.centerY + dy)
          rois.append(region(Box(x1: cx - sw * w / 2, y1: cy - sh * h / 2, x2: cx + sw * w / 2, y2: cy + sh * h / 2), image: i))
        }
      }
    }
    context.record("conventions.rois", rois.count)
    let conventions = conventionsTable(features, rois: rois, context: context)
    context.table("conventions", caption: "Numeric differences between conventions on the conv3 maps of the test scenes (\(rois.count) regions x 64 channels x 49 bins).",
                  columns: ["compared", "with", "mean |difference| / mean |value|", "max |difference|", "outputs that differ"],
                  formats: ["", "", ".3f", ".3f", ".1%"], rows: conventions)

    // 4. Gradient checks on scene 0's map (conv3 before its ReLU, so max pooling meets no ties), and thread bits.
    try gradientChecks(net, images.slice(0..<1), rois: rois.filter { $0.batchIndex == 0 }, samples: config.gradientSamples, context: context)

    // 5. Speed: forward + backward for N random regions on one map.
    speed(features.slice(0..<1), counts: config.speedCounts, repeats: config.speedRepeats, mapSide: mapW, context: context)

    // 6. Figures.
    let example = scenes.objects.indices.max { scenes.objects[$0].map { $0.box.area() }.max()! < scenes.objects[$1].map { $0.box.area() }.max()! }!
    let object = scenes.objects[example].max { $0.box.area() < $1.box.area() }!
    try context.figure("grids", caption: "One object's box on the conv3 map of its scene (the mean over its 64 channels, viridis from 0 to the map's maximum: brighter is larger; each cell drawn over its 4 px footprint): RoIPool's 7 x 7 windows snap to cells and overlap, RoIAlign's bins are exact and sampled at bilinear points.",
                       gridsFigure(scenes, example, object: object, features: features, mapSide: (mapH, mapW)))
    try context.figure("quantization", caption: "IoU between a RoI and the region each operator reads, by RoI size (random RoIs; feature cells of 4 px).",
                       quantizationFigure(curves, labels: methods.map { ($0.key, $0.label) }))
  }
}
