// The loops of VectorLoops (im2col, col2im, the fused ReLU + 2 x 2 pooling)
// specialised in a module compiled with `-target-cpu skylake-avx512` (Package.swift),
// so its code may use AVX512; call it only when the CPU has it (Tensor's
// VectorLoopsDoor does).
import VectorLoops

public enum VectorLoopsAVX512 {
  public static func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into col: UnsafeMutablePointer<Float>) {
    im2colLoops(SIMD16<Float>.self, x, g, images: images, into: col)
  }

  public static func col2im(_ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
    col2imLoops(SIMD16<Float>.self, col, g, images: images, into: dx)
  }

  public static func reluPoolForward(
    _ x: UnsafePointer<Float>, height: Int, width: Int, planes: Range<Int>, into y: UnsafeMutablePointer<Float>,
    corners: UnsafeMutablePointer<UInt8>
  ) {
    reluPoolCornersForward(SIMD16<Float>.self, x, height: height, width: width, planes: planes, into: y, corners: corners)
  }

  public static func reluPoolBackward(
    gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, corners: UnsafePointer<UInt8>, height: Int, width: Int,
    planes: Range<Int>, rule: CornerRule, into dx: UnsafeMutablePointer<Float>
  ) {
    reluPoolCornersBackward(
      SIMD16<Float>.self, gradient: gradient, output: output, corners: corners, height: height, width: width, planes: planes,
      rule: rule, into: dx)
  }
}
