// R-CNN's region warping (Girshick, Donahue, Darrell and Malik, "Rich feature
// hierarchies for accurate object detection and semantic segmentation", CVPR
// 2014, §2.1 and appendix A): "Regardless of the size or aspect ratio of the
// candidate region, we warp all pixels in a tight bounding box around it to
// the required size", after dilating the box so that the warped frame holds
// p pixels of context around the original box (p = 16 at 227 px; here the
// default is 3 at 48 px, the same 7% of the side).
// Conventions: continuous box coordinates (pixel i covers [i, i + 1), its
// centre at i + 0.5); output pixel (u, v) of an S x S warp of box B samples
// the image at x = B.x1 + (u + 0.5) * B.w / S - 0.5 (bilinear, in pixel-centre
// coordinates, half-pixel aligned like OpenCV's resize). Samples outside the
// image read `fill` (R-CNN fills with the image mean, which is zero after its
// mean subtraction; our scenes' `fill` 0.5 is the same after the net's
// (x - 0.5) / 0.25 normalization). Anisotropic: the aspect ratio is not kept.
import Detection
import Tensor

public enum ProposalWarp {
  /// The box dilated so that, warped to `size`, the original box sits `padding` px inside each edge.
  public static func contextBox(_ box: Box, size: Int, padding: Double) -> Box {
    let scale = Double(size) / (Double(size) - 2 * padding)
    let (w, h) = (box.width() * scale, box.height() * scale)
    return Box(x1: box.centerX - w / 2, y1: box.centerY - h / 2, x2: box.centerX + w / 2, y2: box.centerY + h / 2)
  }

  /// Warps `box` of image `index` of `images` (N, C, H, W) to C x size x size, appended to `out`.
  public static func warp(
    _ images: Tensor, _ index: Int, box: Box, size: Int, padding: Double, fill: Float = 0.5, into out: inout [Float]
  ) {
    let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
    // snippet.warp
    let region = padding > 0 ? contextBox(box, size: size, padding: padding) : box
    let sx = region.width() / Double(size), sy = region.height() / Double(size)
    // Per output column / row: the two source indices and the weight of the second.
    func taps(_ start: Double, _ step: Double, _ limit: Int) -> [(Int, Int, Float)] {
      (0..<size).map { u in
        let x = start + (Double(u) + 0.5) * step - 0.5
        let x0 = Int(x.rounded(.down))
        return (x0, x0 + 1, Float(x - Double(x0)))
      }
    }
    let xs = taps(region.x1, sx, w), ys = taps(region.y1, sy, h)
    let base = out.count
    out.append(contentsOf: repeatElement(0, count: c * size * size))
    images.scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for k in 0..<c {
          let plane = src.baseAddress! + (index * c + k) * h * w
          @inline(__always) func at(_ y: Int, _ x: Int) -> Float { y >= 0 && y < h && x >= 0 && x < w ? plane[y * w + x] : fill }
          for v in 0..<size {
            let (y0, y1, fy) = ys[v]
            for u in 0..<size {
              let (x0, x1, fx) = xs[u]
              let top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx
              let bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx
              dst[base + (k * size + v) * size + u] = top * (1 - fy) + bottom * fy
            }
          }
        }
      }
    }
    // snippet.end
  }

  /// Warps every box (scene index, box) to an (N, C, size, size) tensor.
  public static func warp(_ images: Tensor, regions: [(scene: Int, box: Box)], size: Int, padding: Double, fill: Float = 0.5) -> Tensor {
    var out: [Float] = []
    out.reserveCapacity(regions.count * images.shape[1] * size * size)
    for r in regions { warp(images, r.scene, box: r.box, size: size, padding: padding, fill: fill, into: &out) }
    return Tensor(shape: [regions.count, images.shape[1], size, size], scalars: out)
  }
}
