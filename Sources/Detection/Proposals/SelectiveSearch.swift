// Selective Search (Uijlings, van de Sande, Gevers and Smeulders, "Selective
// Search for Object Recognition", IJCV 2013): hierarchical grouping of a
// graph-based segmentation, diversified over colour spaces, segmentation
// thresholds k and similarity measures; the boxes of all hierarchies are
// merged, ranked and deduplicated.
//
// Strategies (the paper's Table 5, Section 5.2):
// - single: HSV, C+T+S+F, k = 100;
// - fast: HSV and Lab; C+T+S+F and T+S+F; k = 50 and 100 (8 hierarchies);
// - quality: HSV, Lab, rgI, H and I; C+T+S+F, T+S+F, F and S; k = 50, 100,
//   150 and 300 (80 hierarchies).
// Segmentation: sigma = 0.8 and min-size = k, as the authors' MATLAB code.
// Ranking (Section 5.3): in each hierarchy the region created last (the whole
// image) has position 1, the one before it 2, and so on down to the segments;
// each region's value is its position times a uniform random number in
// [0, 1) from a generator seeded per image and hierarchy; all hierarchies'
// boxes are sorted by increasing value (ties by hierarchy, then position) and
// a box equal to one ranked before it is dropped.
import Foundation
import Tensor

public struct SelectiveSearch: Sendable {
  public struct Strategy: Sendable, Hashable, Codable {
    public var colorSpace: ColorSpace
    public var k: Double
    public var similarity: Similarity
    public init(colorSpace: ColorSpace, k: Double, similarity: Similarity) {
      (self.colorSpace, self.k, self.similarity) = (colorSpace, k, similarity)
    }
    public var name: String { "\(colorSpace.rawValue) k=\(Int(k)) \(similarity.name)" }
  }

  public enum Mode: String, Sendable, Codable, CaseIterable {
    case single, fast, quality
  }

  public var strategies: [Strategy]
  public var sigma = 0.8

  public init(strategies: [Strategy], sigma: Double = 0.8) {
    (self.strategies, self.sigma) = (strategies, sigma)
  }

  public init(_ mode: Mode) {
    let all: Similarity = [.color, .texture, .size, .fill]
    let noColor: Similarity = [.texture, .size, .fill]
    let (spaces, ks, sims): ([ColorSpace], [Double], [Similarity])
    switch mode {
    case .single: (spaces, ks, sims) = ([.hsv], [100], [all])
    case .fast: (spaces, ks, sims) = ([.hsv, .lab], [50, 100], [all, noColor])
    case .quality: (spaces, ks, sims) = ([.hsv, .lab, .rgI, .hue, .intensity], [50, 100, 150, 300], [all, noColor, .fill, .size])
    }
    var list: [Strategy] = []
    for space in spaces { for k in ks { for s in sims { list.append(Strategy(colorSpace: space, k: k, similarity: s)) } } }
    self.init(strategies: list)
  }

  /// One hierarchy's boxes in creation order (segments first, the whole image last).
  public func hierarchies(_ image: PlanarImage) -> [[Box]] {
    var out = [[Box]](repeating: [], count: strategies.count)
    // Strategies sharing a colour space share its texture map and sorted graph; those sharing (space, k) its segments.
    var spaces: [ColorSpace] = []
    for s in strategies where !spaces.contains(s.colorSpace) { spaces.append(s.colorSpace) }
    for space in spaces {
      let converted = space.convert(image)
      let texture = RegionFeatures.textureBinMap(converted)
      var ks: [Double] = []
      for s in strategies where s.colorSpace == space && !ks.contains(s.k) { ks.append(s.k) }
      let graph = GraphSegmentation.graph(converted, sigma: sigma)
      for k in ks {
        let segmentation = GraphSegmentation(k: k, sigma: sigma, minSize: Int(k)).segment(graph)
        let segments = RegionFeatures.initialRegions(segmentation, image: converted, textureBins: texture)
        for (index, s) in strategies.enumerated() where s.colorSpace == space && s.k == k {
          out[index] = HierarchicalGrouping.group(segments, imageSize: image.pixelCount, similarity: s.similarity).map(\.box)
        }
      }
    }
    return out
  }

  /// The ranked, deduplicated proposals of `image`; `seed` drives the ranking's random numbers.
  public func proposals(_ image: PlanarImage, seed: UInt64) -> [Box] {
    SelectiveSearch.rank(hierarchies(image), seed: seed)
  }

  /// The paper's ranking of several hierarchies' boxes (see the header), deduplicated.
  public static func rank(_ hierarchies: [[Box]], seed: UInt64) -> [Box] {
    var keyed: [(value: Double, hierarchy: Int, position: Int, box: Box)] = []
    let root = SplitMix64(seed: seed)
    for (h, boxes) in hierarchies.enumerated() {
      var rng = root.derived("hierarchy \(h)")
      for (created, box) in boxes.enumerated() {
        let position = boxes.count - created
        keyed.append((rng.nextUniform() * Double(position), h, position, box))
      }
    }
    keyed.sort { ($0.value, $0.hierarchy, $0.position) < ($1.value, $1.hierarchy, $1.position) }
    var seen = Set<Box>()
    var ranked: [Box] = []
    for entry in keyed where seen.insert(entry.box).inserted { ranked.append(entry.box) }
    return ranked
  }
}
