// Bilinear resizing of NCHW images.
//
// Convention (PyTorch's `interpolate(mode="bilinear", align_corners=False)`,
// OpenCV's INTER_LINEAR without antialiasing): pixel i of the output has its
// centre at input coordinate (i + 0.5) * inSize / outSize - 0.5, clamped to
// [0, inSize - 1]; the value is the bilinear blend of the four input pixels
// around that point. Enlarging by an integer factor therefore repeats the
// edge pixels' values near the border and interpolates inside.

extension Tensor {
  /// The (N, C, H, W) tensor resized to (N, C, height, width).
  public func resizedBilinear(height: Int, width: Int) -> Tensor {
    precondition(rank == 4, "resizedBilinear: expected an (N, C, H, W) tensor, got shape \(shape)")
    precondition(height > 0 && width > 0, "resizedBilinear: target size \(height)x\(width) must be positive")
    let (n, c, inH, inW) = (shape[0], shape[1], shape[2], shape[3])
    let ys = Self.bilinearTaps(inSize: inH, outSize: height)
    let xs = Self.bilinearTaps(inSize: inW, outSize: width)
    var out = Tensor(uninitialized: [n, c, height, width])
    withPointer { src in
      out.withMutablePointer { dst in
        for plane in 0..<(n * c) {
          let s = src + plane * inH * inW
          let d = dst + plane * height * width
          for (oy, ty) in ys.enumerated() {
            let row0 = s + ty.low * inW
            let row1 = s + ty.high * inW
            for (ox, tx) in xs.enumerated() {
              let top = row0[tx.low] * (1 - tx.weight) + row0[tx.high] * tx.weight
              let bottom = row1[tx.low] * (1 - tx.weight) + row1[tx.high] * tx.weight
              d[oy * width + ox] = top * (1 - ty.weight) + bottom * ty.weight
            }
          }
        }
      }
    }
    return out
  }

  /// For each output index: the two input indices and the weight of the higher one.
  static func bilinearTaps(inSize: Int, outSize: Int) -> [(low: Int, high: Int, weight: Float)] {
    let scale = Double(inSize) / Double(outSize)
    return (0..<outSize).map { i in
      let source = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(inSize - 1))
      let low = Int(source.rounded(.down))
      let high = min(low + 1, inSize - 1)
      return (low, high, Float(source - Double(low)))
    }
  }
}
