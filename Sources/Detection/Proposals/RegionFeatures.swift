// The region descriptors of Selective Search (Uijlings et al., IJCV 2013,
// Section 3.2), computed once per initial segment and propagated on merges:
// - colour: a 25-bin histogram per channel (values in [0, 1]), L1-normalized
//   over all channels together;
// - texture: SIFT-like Gaussian derivatives, sigma = 1, in 8 orientations per
//   channel, a 10-bin histogram of each, L1-normalized over all. Our reading of
//   "8 orientations": the derivative along 0, 45, 90 and 135 degrees, split
//   into its positive part (the orientation) and negative part (the opposite
//   orientation, 180 degrees on), so every response is >= 0 and the histogram
//   of a (channel, orientation) spans [0, the largest response of that channel];
//   derivatives are centred differences [-1, 0, 1] / 2 of the smoothed channel
//   (borders replicated);
// - size (pixels) and bounding box (continuous coordinates, x1 <= x < x2);
// - neighbours: segments touching in the 8-neighbourhood.
import Foundation

public enum RegionFeatures {
  public static let colorBins = 25
  public static let textureBins = 10
  public static let orientations = 8

  /// Per pixel, the texture bin of each (channel, orientation): channels * 8 bytes per pixel,
  /// pixel-major. Depends on the image only, so strategies sharing a colour space share it.
  public static func textureBinMap(_ image: PlanarImage) -> [UInt8] {
    let (w, h, c) = (image.width, image.height, image.channels)
    let n = w * h
    var planes = image.values.map(Double.init)
    GaussianSmoothing.smooth(&planes, width: w, height: h, channels: c, sigma: 1)
    let stride = c * orientations
    var bins = [UInt8](repeating: 0, count: n * stride)
    var responses = [Float](repeating: 0, count: n * orientations)
    let diagonal = Float(0.5.squareRoot())
    for ch in 0..<c {
      let base = ch * n
      var largest: Float = 0
      for y in 0..<h {
        for x in 0..<w {
          let gx = Float(planes[base + y * w + min(x + 1, w - 1)] - planes[base + y * w + max(x - 1, 0)]) / 2
          let gy = Float(planes[base + min(y + 1, h - 1) * w + x] - planes[base + max(y - 1, 0) * w + x]) / 2
          let p = (y * w + x) * orientations
          for o in 0..<4 {
            let d = o == 0 ? gx : o == 1 ? diagonal * (gx + gy) : o == 2 ? gy : diagonal * (gy - gx)
            responses[p + o] = max(d, 0)
            responses[p + o + 4] = max(-d, 0)
            largest = max(largest, abs(d))
          }
        }
      }
      let scale = largest > 0 ? Float(textureBins) / largest : 0
      for i in 0..<n {
        for o in 0..<orientations {
          bins[i * stride + ch * orientations + o] = UInt8(min(Int(responses[i * orientations + o] * scale), textureBins - 1))
        }
      }
    }
    return bins
  }

  /// The initial regions of a segmentation of `image` (in the strategy's colour space).
  public static func initialRegions(_ segmentation: GraphSegmentation.Result, image: PlanarImage, textureBins map: [UInt8]) -> [Region] {
    let (w, h, c) = (image.width, image.height, image.channels)
    let n = w * h
    let count = segmentation.count
    let colorLength = colorBins * c, textureLength = textureBins * orientations * c
    var color = [Float](repeating: 0, count: count * colorLength)
    var texture = [Float](repeating: 0, count: count * textureLength)
    var size = [Int](repeating: 0, count: count)
    var box = [(Int, Int, Int, Int)](repeating: (Int.max, Int.max, Int.min, Int.min), count: count)
    let labels = segmentation.labels
    let stride = c * orientations
    for y in 0..<h {
      for x in 0..<w {
        let i = y * w + x
        let l = Int(labels[i])
        size[l] += 1
        let b = box[l]
        box[l] = (min(b.0, x), min(b.1, y), max(b.2, x), max(b.3, y))
        for ch in 0..<c {
          let bin = min(Int(image.values[ch * n + i] * Float(colorBins)), colorBins - 1)
          color[l * colorLength + ch * colorBins + bin] += 1
          for o in 0..<orientations {
            texture[l * textureLength + (ch * orientations + o) * textureBins + Int(map[i * stride + ch * orientations + o])] += 1
          }
        }
      }
    }
    var neighbours = [Set<Int32>](repeating: [], count: count)
    func touch(_ a: Int32, _ b: Int32) {
      if a != b { neighbours[Int(a)].insert(b); neighbours[Int(b)].insert(a) }
    }
    for y in 0..<h {
      for x in 0..<w {
        let l = labels[y * w + x]
        if x + 1 < w { touch(l, labels[y * w + x + 1]) }
        if y + 1 < h {
          touch(l, labels[(y + 1) * w + x])
          if x + 1 < w { touch(l, labels[(y + 1) * w + x + 1]) }
          if x > 0 { touch(l, labels[(y + 1) * w + x - 1]) }
        }
      }
    }
    return (0..<count).map { l in
      let pixels = Float(size[l] * c)
      let b = box[l]
      return Region(
        size: size[l], box: Box(x1: Double(b.0), y1: Double(b.1), x2: Double(b.2 + 1), y2: Double(b.3 + 1)),
        color: color[(l * colorLength)..<((l + 1) * colorLength)].map { $0 / pixels },
        texture: texture[(l * textureLength)..<((l + 1) * textureLength)].map { $0 / (pixels * Float(orientations)) },
        neighbours: neighbours[l])
    }
  }
}

/// A region of the hierarchy: a segment or the union of two regions.
public struct Region: Sendable {
  public var size: Int
  public var box: Box
  /// L1-normalized colour histogram (25 bins per channel).
  public var color: [Float]
  /// L1-normalized texture histogram (10 bins x 8 orientations per channel).
  public var texture: [Float]
  /// Indices of the live regions it touches.
  public var neighbours: Set<Int32>

  /// The union of `a` and `b` (histograms weighted by size, Eq. 3 of the paper).
  public static func merged(_ a: Region, _ b: Region) -> Region {
    let total = a.size + b.size
    let (wa, wb) = (Float(a.size) / Float(total), Float(b.size) / Float(total))
    var color = a.color, texture = a.texture
    for i in color.indices { color[i] = wa * a.color[i] + wb * b.color[i] }
    for i in texture.indices { texture[i] = wa * a.texture[i] + wb * b.texture[i] }
    let box = Box(x1: min(a.box.x1, b.box.x1), y1: min(a.box.y1, b.box.y1), x2: max(a.box.x2, b.box.x2), y2: max(a.box.y2, b.box.y2))
    return Region(size: total, box: box, color: color, texture: texture, neighbours: a.neighbours.union(b.neighbours))
  }
}
