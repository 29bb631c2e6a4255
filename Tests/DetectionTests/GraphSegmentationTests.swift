import Foundation
import Testing

@testable import Detection

struct GraphSegmentationTests {
  /// The synthetic 16 x 12 image of scripts/crosscheck_proposals.py (`synthetic()`), as 8-bit values / 255.
  static func synthetic(width: Int = 16, height: Int = 12) -> PlanarImage {
    let n = width * height
    var v = [Float](repeating: 0, count: 3 * n)
    for y in 0..<height {
      for x in 0..<width {
        let i = y * width + x
        v[i] = Float(((x * 37 + y * 11) % 256) * (x < 8 ? 1 : 0)) / 255
        v[n + i] = Float(((x * 5 + y * 29) % 256) * (y < 6 ? 1 : 0) + 40) / 255
        v[2 * n + i] = Float(((x / 4 + y / 3) % 2) * 200) / 255
      }
    }
    return PlanarImage(width: width, height: height, channels: 3, values: v)
  }

  /// skimage 0.26 felzenszwalb(synthetic(), scale=20, sigma=0.5, min_size=4), labels as letters a-z, A-Z.
  static let skimageLabels =
    "aaabcddeffffggggaaabcddeffffggggbbbbcddehhhhiiiiccccjjjkeeeellllmmccjjkknnnnoooommccjjkknnnnooooppqqrrssttttuuuuppqqrsssvvvvwwwwppqqrsssvvvvwwwwxxrrqyyyzzzwvAAAxxrryyyyzBBzACCCxxrryyyyzBBzACCC"

  @Test func labelsEqualScikitImageOnTheSyntheticImage() {
    let result = GraphSegmentation(k: 20, sigma: 0.5, minSize: 4).segment(Self.synthetic())
    let letters = result.labels.map { v -> Character in
      v < 26 ? Character(UnicodeScalar(UInt8(97 + v))) : Character(UnicodeScalar(UInt8(65 + v - 26)))
    }
    #expect(result.count == 29)
    #expect(String(letters) == Self.skimageLabels)
  }

  @Test func aFlatImageIsOneSegmentAndTwoFlatHalvesAreTwo() {
    let flat = PlanarImage(width: 10, height: 8, channels: 1, values: [Float](repeating: 0.3, count: 80))
    #expect(GraphSegmentation(k: 1, sigma: 0, minSize: 1).segment(flat).count == 1)
    // Left half 0, right half 1: the one jump (weight 1 = 255 on 0-255) exceeds k / |C| for k = 100.
    let halves = PlanarImage(width: 10, height: 8, channels: 1, values: (0..<80).map { $0 % 10 < 5 ? 0 : 1 })
    let r = GraphSegmentation(k: 100, sigma: 0, minSize: 1).segment(halves)
    #expect(r.count == 2)
    #expect(r.labels[0] == 0 && r.labels[9] == 1)
    // min-size larger than a half joins the halves.
    #expect(GraphSegmentation(k: 100, sigma: 0, minSize: 41).segment(halves).count == 1)
  }

  @Test func gaussianTapsAreScipys() {
    // scipy: radius int(4 * 0.8 + 0.5) = 3, taps exp(-x^2 / 1.28) normalized.
    let t = GaussianSmoothing.taps(sigma: 0.8)
    #expect(t.count == 4)
    let raw = (0...3).map { exp(-Double($0 * $0) / 1.28) }
    let total = raw[0] + 2 * (raw[1] + raw[2] + raw[3])
    for j in 0...3 { #expect(abs(t[j] - raw[j] / total) < 1e-15) }
    // reflect: -1 -> 0, -2 -> 1, n -> n - 1.
    #expect(GaussianSmoothing.reflect(-1, 5) == 0 && GaussianSmoothing.reflect(-2, 5) == 1 && GaussianSmoothing.reflect(5, 5) == 4)
  }
}
