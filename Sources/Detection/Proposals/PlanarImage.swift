// The image type of the region-proposal code: planar Float channels, as
// Plot's PixelImage and FashionScenes store them (channel-major, row-major
// within a plane, origin top-left), without importing Plot (Detection sits
// below it). Values are in [0, 1] for RGB input; colour-space conversions
// (ColorSpaces.swift) also map every channel into [0, 1].
public struct PlanarImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var channels: Int
  /// `channels * height * width` values, channel-major.
  public var values: [Float]

  public init(width: Int, height: Int, channels: Int, values: [Float]) {
    precondition(width > 0 && height > 0 && channels > 0, "PlanarImage: \(channels)x\(height)x\(width)")
    precondition(values.count == channels * height * width, "PlanarImage: \(values.count) values for \(channels)x\(height)x\(width)")
    (self.width, self.height, self.channels, self.values) = (width, height, channels, values)
  }

  public var pixelCount: Int { width * height }

  /// Channel `c` as its own one-channel image.
  public func channel(_ c: Int) -> PlanarImage {
    let n = pixelCount
    return PlanarImage(width: width, height: height, channels: 1, values: Array(values[(c * n)..<((c + 1) * n)]))
  }

  /// Three channels: a grey image repeated, a colour image unchanged.
  public var rgb: PlanarImage {
    if channels == 3 { return self }
    precondition(channels == 1, "PlanarImage.rgb: \(channels) channels")
    return PlanarImage(width: width, height: height, channels: 3, values: values + values + values)
  }
}
