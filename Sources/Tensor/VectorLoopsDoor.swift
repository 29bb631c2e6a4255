// The door to the element-wise loops of VectorLoops (im2col, col2im, the
// fused ReLU + 2 x 2 pooling): the copy built for the widest instruction set
// this CPU has (AVX-512, else AVX2, else the baseline copy compiled into
// Tensor itself). Every copy gives the same bits (they copy, compare and add
// element by element in the same order; Tests/TensorTests/VectorLoopsTests
// checks it), so unlike the matrix-product kernel the choice needs no record
// and no cache key: it only changes the speed.
import Gemm
import VectorLoops
import VectorLoopsAVX2
import VectorLoopsAVX512

public enum VectorISA: String, CaseIterable, Sendable {
  case avx512, avx2, baseline

  /// Whether this CPU can run the copy.
  public var isSupported: Bool {
    switch self {
    case .avx512: GemmKernel.avx512.isSupported(flags: CPUFlags.current)
    case .avx2: GemmKernel.avx2.isSupported(flags: CPUFlags.current)
    case .baseline: true
    }
  }

  /// The widest supported copy.
  public static let active: VectorISA = allCases.first { $0.isSupported } ?? .baseline
}

public enum VectorLoopsDoor {
  public static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into col: UnsafeMutablePointer<Float>, isa: VectorISA = .active
  ) {
    switch isa {
    case .avx512: VectorLoopsAVX512.im2col(x, g, images: images, into: col)
    case .avx2: VectorLoopsAVX2.im2col(x, g, images: images, into: col)
    case .baseline: im2colLoops(SIMD4<Float>.self, x, g, images: images, into: col)
    }
  }

  public static func col2im(
    _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>, into dx: UnsafeMutablePointer<Float>,
    isa: VectorISA = .active
  ) {
    switch isa {
    case .avx512: VectorLoopsAVX512.col2im(col, g, images: images, into: dx)
    case .avx2: VectorLoopsAVX2.col2im(col, g, images: images, into: dx)
    case .baseline: col2imLoops(SIMD4<Float>.self, col, g, images: images, into: dx)
    }
  }

  public static func reluPoolForward(
    _ x: UnsafePointer<Float>, height: Int, width: Int, planes: Range<Int>, into y: UnsafeMutablePointer<Float>,
    corners: UnsafeMutablePointer<UInt8>, isa: VectorISA = .active
  ) {
    switch isa {
    case .avx512: VectorLoopsAVX512.reluPoolForward(x, height: height, width: width, planes: planes, into: y, corners: corners)
    case .avx2: VectorLoopsAVX2.reluPoolForward(x, height: height, width: width, planes: planes, into: y, corners: corners)
    case .baseline:
      reluPoolCornersForward(SIMD4<Float>.self, x, height: height, width: width, planes: planes, into: y, corners: corners)
    }
  }

  public static func reluPoolBackward(
    gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, corners: UnsafePointer<UInt8>, height: Int, width: Int,
    planes: Range<Int>, rule: CornerRule, into dx: UnsafeMutablePointer<Float>, isa: VectorISA = .active
  ) {
    switch isa {
    case .avx512:
      VectorLoopsAVX512.reluPoolBackward(
        gradient: gradient, output: output, corners: corners, height: height, width: width, planes: planes, rule: rule, into: dx)
    case .avx2:
      VectorLoopsAVX2.reluPoolBackward(
        gradient: gradient, output: output, corners: corners, height: height, width: width, planes: planes, rule: rule, into: dx)
    case .baseline:
      reluPoolCornersBackward(
        SIMD4<Float>.self, gradient: gradient, output: output, corners: corners, height: height, width: width, planes: planes,
        rule: rule, into: dx)
    }
  }
}
