// Tensor images to Plot rasters (Plot never sees a Tensor).
import Plot
import Tensor

public enum ImageRasters {
  /// Image `index` of an (N, 3, H, W) tensor in [0, 1] as an RGB raster.
  public static func rgb(_ images: Tensor, _ index: Int) -> Raster {
    let (h, w) = (images.shape[2], images.shape[3])
    let plane = h * w
    let base = index * 3 * plane
    var bytes = [UInt8](repeating: 255, count: plane * 4)
    for i in 0..<plane {
      for c in 0..<3 { bytes[4 * i + c] = UInt8((min(max(images.scalars[base + c * plane + i], 0), 1) * 255).rounded()) }
    }
    return Raster(width: w, height: h, rgba: bytes)
  }

  /// Image `index` of an (N, 1, H, W) tensor (or one channel of it) in grey, `range` mapped to black...white.
  public static func grey(_ images: Tensor, _ index: Int, range: ClosedRange<Double> = 0...1) -> Raster {
    let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
    let base = index * c * h * w
    return Raster(values: (0..<(h * w)).map { Double(images.scalars[base + $0]) }, width: w, height: h, colormap: .grey, range: range)
  }
}

extension Axes {
  /// A panel that shows an image in pixel coordinates over [lower, upper]²:
  /// no ticks or frame, y downwards, square pixels.
  public static func imagePanel(_ range: ClosedRange<Double>, title: String? = nil) -> Axes {
    var ax = Axes()
    ax.decorations = false
    ax.yInverted = true
    ax.equalAspect = true
    ax.xLimits = range
    ax.yLimits = range
    ax.title = title
    return ax
  }
}
