// 2-D convolution (cross-correlation, as every framework computes it) by
// im2col + sgemm, processed in groups of images so the column matrix stays
// in cache; backward by two sgemms + col2im per group.
//
// For each group of G images (x_g: (G, C, H, W)):
//   col (C*KH*KW, G*OH*OW) = im2col(x_g)
//   y'  (F, G*OH*OW)       = W (F, C*KH*KW) · col,   y_g = permute(y') + b
//   dW += dy'_g · colᵀ,  db += Σ dy,  dcol = Wᵀ · dy'_g,  dx_g = col2im(dcol)
// Groups are visited in order, so dW accumulates in a fixed order
// (deterministic). The backward pass recomputes col from the cached input
// rather than keeping a batch-sized column matrix (tens of megabytes).
// OH = (H + 2*padding - KH) / stride + 1. Reference twin: Reference/NaiveReference.swift.
import Tensor

public final class Conv2D: Layer {
  public struct Cache {
    let input: Tensor  // (N, C, H, W)
    let geometry: ConvGeometry
  }

  public let name: String
  public let weight: Parameter  // (F, C, KH, KW)
  public let bias: Parameter  // (F)
  public let stride: Int
  public let padding: Int
  public var parameters: [Parameter] { [weight, bias] }

  public init(
    name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    using rng: inout SplitMix64
  ) {
    self.name = name
    self.stride = stride
    self.padding = padding
    let fanIn = inChannels * kernelSize * kernelSize
    weight = Parameter(name: "weight", heNormal(shape: [outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, using: &rng))
    bias = Parameter(name: "bias", Tensor(zeros: [outChannels]))
  }

  /// A convolution with the given (F, C, K, K) weights and (F) biases.
  public init(name: String, weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0) {
    precondition(weight.rank == 4 && weight.shape[2] == weight.shape[3], "Conv2D(\(name)): weights must be (F, C, K, K), got \(weight.shape)")
    precondition(bias.shape == [weight.shape[0]], "Conv2D(\(name)): bias \(bias.shape) for \(weight.shape[0]) filters")
    self.name = name
    self.stride = stride
    self.padding = padding
    self.weight = Parameter(name: "weight", weight)
    self.bias = Parameter(name: "bias", bias)
  }

  public var outChannels: Int { weight.value.shape[0] }
  public var inChannels: Int { weight.value.shape[1] }
  public var kernelSize: Int { weight.value.shape[2] }

  public func geometry(for x: Tensor) -> ConvGeometry {
    precondition(
      x.rank == 4 && x.shape[1] == inChannels,
      "Conv2D(\(name)): input has shape \(x.shape), weights expect (N, \(inChannels), H, W)")
    return ConvGeometry(
      batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
      kernelHeight: weight.value.shape[2], kernelWidth: weight.value.shape[3], stride: stride, padding: padding)
  }

  /// Images per group: about 1.5 MB of column matrix, at least one image.
  static func groupSize(_ g: ConvGeometry) -> Int {
    let perImage = g.rows * g.outHeight * g.outWidth * 4
    return max(1, min(g.batch, (3 << 19) / max(perImage, 1)))
  }

  /// (geometry of a group of `count` images starting at image `first`).
  static func group(_ g: ConvGeometry, _ count: Int) -> ConvGeometry {
    var sub = g
    sub.batch = count
    return sub
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let g = geometry(for: x)
    precondition(g.outHeight > 0 && g.outWidth > 0, "Conv2D(\(name)): input \(x.shape) is smaller than the kernel")
    let f = outChannels
    let plane = g.outHeight * g.outWidth
    let imageSize = g.channels * g.height * g.width
    let size = Self.groupSize(g)
    let w = weight.value.reshaped([f, g.rows])
    var y = Tensor(uninitialized: [g.batch, f, g.outHeight, g.outWidth])  // (N, F, OH, OW)
    var col = Tensor(uninitialized: [g.rows, size * plane])
    var yGroup = Tensor(uninitialized: [f, size * plane])
    for first in Swift.stride(from: 0, to: g.batch, by: size) {
      let count = min(size, g.batch - first)
      let sub = Self.group(g, count)
      if count < size {
        col = Tensor(uninitialized: [g.rows, count * plane])
        yGroup = Tensor(uninitialized: [f, count * plane])
      }
      x.withPointer { px in col.withMutablePointer { im2col(px + first * imageSize, sub, into: $0) } }
      gemm(w, transposeA: false, col, transposeB: false, into: &yGroup, beta: 0)  // (F, G*OH*OW)
      y.withMutablePointer { py in
        yGroup.withPointer { pp in
          bias.value.withPointer { pb in
            for k in 0..<f {
              let b = pb[k]
              for n in 0..<count {
                let src = pp + (k &* count &+ n) &* plane
                let dst = py + ((first &+ n) &* f &+ k) &* plane
                for i in 0..<plane { dst[i] = src[i] + b }
              }
            }
          }
        }
      }
    }
    return (y, Cache(input: x, geometry: g))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    var dx = Tensor(zeros: [cache.geometry.batch, cache.geometry.channels, cache.geometry.height, cache.geometry.width])
    backwardGroups(dout, cache: cache, dx: &dx)
    return dx
  }

  /// dW and db only: no dcol product, no col2im.
  public func backwardParameters(_ dout: Tensor, cache: Cache) {
    backwardGroups(dout, cache: cache, dx: nil)
  }

  func backwardGroups(_ dout: Tensor, cache: Cache, dx: UnsafeMutablePointer<Tensor>?) {
    let g = cache.geometry
    let f = outChannels
    let plane = g.outHeight * g.outWidth
    let imageSize = g.channels * g.height * g.width
    let size = Self.groupSize(g)
    let w = weight.value.reshaped([f, g.rows])
    var dWeight = weight.grad.reshaped([f, g.rows])
    var col = Tensor(uninitialized: [g.rows, size * plane])
    var doutGroup = Tensor(uninitialized: [f, size * plane])
    var dcol = Tensor(uninitialized: [g.rows, size * plane])
    for first in Swift.stride(from: 0, to: g.batch, by: size) {
      let count = min(size, g.batch - first)
      let sub = Self.group(g, count)
      if count < size {
        col = Tensor(uninitialized: [g.rows, count * plane])
        doutGroup = Tensor(uninitialized: [f, count * plane])
        dcol = Tensor(uninitialized: [g.rows, count * plane])
      }
      cache.input.withPointer { px in col.withMutablePointer { im2col(px + first * imageSize, sub, into: $0) } }
      doutGroup.withMutablePointer { pp in
        dout.withPointer { pd in
          bias.grad.withMutablePointer { db in
            for k in 0..<f {
              var sum: Float = 0
              for n in 0..<count {
                let src = pd + ((first &+ n) &* f &+ k) &* plane
                let dst = pp + (k &* count &+ n) &* plane
                for i in 0..<plane {
                  dst[i] = src[i]
                  sum += src[i]
                }
              }
              db[k] += sum
            }
          }
        }
      }
      gemm(doutGroup, transposeA: false, col, transposeB: true, into: &dWeight, beta: 1)  // (F, C*KH*KW)
      if let dx {
        gemm(w, transposeA: true, doutGroup, transposeB: false, into: &dcol, beta: 0)  // (C*KH*KW, G*OH*OW)
        dcol.withPointer { pc in dx.pointee.withMutablePointer { col2im(pc, sub, into: $0 + first * imageSize) } }
      }
    }
    weight.grad = dWeight.reshaped(weight.value.shape)
  }
}
