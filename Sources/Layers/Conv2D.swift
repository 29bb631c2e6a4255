// 2-D convolution (cross-correlation, as every framework computes it) by
// im2col + one sgemm over the whole batch; backward by two sgemms + col2im.
//
//   x (N, C, H, W), W (F, C, KH, KW), b (F) -> y (N, F, OH, OW)
//   col (C*KH*KW, N*OH*OW) = im2col(x)
//   y' (F, N*OH*OW) = W (F, C*KH*KW) · col,  then y = permute(y') + b
//   dW += dy' · colᵀ,  db += Σ dy,  dcol = Wᵀ · dy',  dx = col2im(dcol)
// OH = (H + 2*padding - KH) / stride + 1. Reference twin: Reference/NaiveConv.swift.
import Tensor

public final class Conv2D: Layer {
  public struct Cache {
    let col: Tensor  // (C*KH*KW, N*OH*OW)
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

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let g = geometry(for: x)
    precondition(g.outHeight > 0 && g.outWidth > 0, "Conv2D(\(name)): input \(x.shape) is smaller than the kernel")
    var col = Tensor(uninitialized: [g.rows, g.columns])  // (C*KH*KW, N*OH*OW), im2col writes every entry
    x.withPointer { px in col.withMutablePointer { im2col(px, g, into: $0) } }
    let f = outChannels
    var yPermuted = Tensor(uninitialized: [f, g.columns])  // (F, N*OH*OW), sgemm with beta 0 writes it
    gemm(weight.value.reshaped([f, g.rows]), transposeA: false, col, transposeB: false, into: &yPermuted, beta: 0)
    let plane = g.outHeight * g.outWidth
    var y = Tensor(uninitialized: [g.batch, f, g.outHeight, g.outWidth])  // (N, F, OH, OW)
    y.withMutablePointer { py in
      yPermuted.withPointer { pp in
        bias.value.withPointer { pb in
          let (py, pp, pb) = (SendablePointer(py), SendableConstPointer(pp), SendableConstPointer(pb))
          let (batch, columns) = (g.batch, g.columns)
          Parallel.chunks(f, cost: g.columns) { channels in
            for k in channels {
              let b = pb.base[k]
              for n in 0..<batch {
                let src = pp.base + (k &* columns &+ n &* plane)
                let dst = py.base + (n &* f &+ k) &* plane
                for i in 0..<plane { dst[i] = src[i] + b }
              }
            }
          }
        }
      }
    }
    return (y, Cache(col: col, geometry: g))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    let doutPermuted = accumulateParameterGradients(dout, cache: cache)
    let g = cache.geometry
    var dcol = Tensor(uninitialized: [g.rows, g.columns])  // (C*KH*KW, N*OH*OW), sgemm with beta 0 writes it
    gemm(weight.value.reshaped([outChannels, g.rows]), transposeA: true, doutPermuted, transposeB: false, into: &dcol, beta: 0)
    var dx = Tensor(zeros: [g.batch, g.channels, g.height, g.width])  // (N, C, H, W)
    dcol.withPointer { pc in dx.withMutablePointer { col2im(pc, g, into: $0) } }
    return dx
  }

  /// dW and db only: no dcol product, no col2im.
  public func backwardParameters(_ dout: Tensor, cache: Cache) {
    _ = accumulateParameterGradients(dout, cache: cache)
  }

  /// Adds dW and db; returns dout permuted to (F, N*OH*OW) for the input gradient.
  func accumulateParameterGradients(_ dout: Tensor, cache: Cache) -> Tensor {
    let g = cache.geometry
    let f = outChannels
    let plane = g.outHeight * g.outWidth
    var doutPermuted = Tensor(uninitialized: [f, g.columns])  // (F, N*OH*OW)
    doutPermuted.withMutablePointer { pp in
      dout.withPointer { pd in
        bias.grad.withMutablePointer { db in
          let (pp, pd, db) = (SendablePointer(pp), SendableConstPointer(pd), SendablePointer(db))
          let (batch, columns) = (g.batch, g.columns)
          Parallel.chunks(f, cost: g.columns) { channels in
            for k in channels {
              var sum: Float = 0
              for n in 0..<batch {
                let src = pd.base + (n &* f &+ k) &* plane
                let dst = pp.base + (k &* columns &+ n &* plane)
                for i in 0..<plane {
                  dst[i] = src[i]
                  sum += src[i]
                }
              }
              db.base[k] += sum
            }
          }
        }
      }
    }
    var dWeight = weight.grad.reshaped([f, g.rows])
    gemm(doutPermuted, transposeA: false, cache.col, transposeB: true, into: &dWeight, beta: 1)  // (F, C*KH*KW)
    weight.grad = dWeight.reshaped(weight.value.shape)
    return doutPermuted
  }
}
