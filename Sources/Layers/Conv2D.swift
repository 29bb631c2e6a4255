// 2-D convolution (cross-correlation, as every framework computes it) by
// im2col + sgemm, one image at a time, images spread over the run's threads
// (each thread owns one image-sized column matrix, which stays in cache, and
// writes its images' outputs straight into NCHW, no permute):
//   col_n (C*KH*KW, OH*OW) = im2col(x_n)
//   y_n   (F, OH*OW)       = b + W (F, C*KH*KW) · col_n
//   dW += dy_n · col_nᵀ,  db += Σ dy_n,  dcol = Wᵀ · dy_n,  dx_n = col2im(dcol)
// The batch is cut into at most 16 chunks by its size alone; each chunk sums
// its dW and db in image order, and the chunks are added in chunk order, so
// the gradients have the same bits on any thread count (the packed sgemm
// does too). The backward pass recomputes col from the cached input rather
// than keeping a batch-sized column matrix.
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

  /// Images per chunk of the backward pass: a function of the batch size
  /// alone (at most 16 chunks), never of the thread count, so the parameter
  /// gradients sum in the same order on any number of threads.
  static func chunkSize(batch: Int) -> Int { max(1, (batch + 15) / 16) }

  /// The geometry of a batch of one image.
  static func single(_ g: ConvGeometry) -> ConvGeometry {
    var one = g
    one.batch = 1
    return one
  }

  public func forward(_ x: Tensor, mode: Mode) -> (output: Tensor, cache: Cache) {
    let g = geometry(for: x)
    precondition(g.outHeight > 0 && g.outWidth > 0, "Conv2D(\(name)): input \(x.shape) is smaller than the kernel")
    let f = outChannels
    let plane = g.outHeight * g.outWidth
    let imageSize = g.channels * g.height * g.width
    let image = Self.single(g)
    var y = Tensor(uninitialized: [g.batch, f, g.outHeight, g.outWidth])  // (N, F, OH, OW)
    let (rows, gemmThreads) = (g.rows, ImageParallel.gemmThreads(images: g.batch))
    x.withPointer { px in
      y.withMutablePointer { py in
        weight.value.withPointer { pw in
          bias.value.withPointer { pb in
            let (px, py, pw, pb) = (SendableConstPointer(px), SendablePointer(py), SendableConstPointer(pw), SendableConstPointer(pb))
            ImageParallel.forEachRange(g.batch) { images in
              let col = UnsafeMutablePointer<Float>.allocate(capacity: rows * plane)  // (C*KH*KW, OH*OW)
              defer { col.deallocate() }
              for n in images {
                im2col(px.base + n * imageSize, image, into: col)
                // y_n (F, OH*OW) = b + W (F, C*KH*KW) · col
                let yn = py.base + n * f * plane
                for k in 0..<f { (yn + k * plane).update(repeating: pb.base[k], count: plane) }
                BLAS.sgemm(
                  transposeA: false, transposeB: false, m: f, n: plane, k: rows, alpha: 1, a: pw.base, lda: rows,
                  b: col, ldb: plane, beta: 1, c: yn, ldc: plane, threads: gemmThreads)
              }
            }
          }
        }
      }
    }
    return (y, Cache(input: x, geometry: g))
  }

  public func backward(_ dout: Tensor, cache: Cache, rule: BackwardRule) -> Tensor {
    // Each image's part of dx is zeroed by the thread that fills it.
    var dx = Tensor(uninitialized: [cache.geometry.batch, cache.geometry.channels, cache.geometry.height, cache.geometry.width])
    dx.withMutablePointer { backwardChunks(dout, cache: cache, dx: SendablePointer($0)) }
    return dx
  }

  /// dW and db only: no dcol product, no col2im.
  public func backwardParameters(_ dout: Tensor, cache: Cache) {
    backwardChunks(dout, cache: cache, dx: nil)
  }

  /// Per image n: col_n = im2col(x_n); dW_chunk += dout_n · col_nᵀ,
  /// db_chunk += Σ dout_n; dcol = Wᵀ · dout_n, dx_n = col2im(dcol). The
  /// chunks' dW and db are then added into the parameters in chunk order.
  func backwardChunks(_ dout: Tensor, cache: Cache, dx: SendablePointer<Float>?) {
    let g = cache.geometry
    precondition(dout.shape == [g.batch, outChannels, g.outHeight, g.outWidth], "Conv2D(\(name)): gradient \(dout.shape) for output (\(g.batch), \(outChannels), \(g.outHeight), \(g.outWidth))")
    let f = outChannels
    let rows = g.rows
    let plane = g.outHeight * g.outWidth
    let imageSize = g.channels * g.height * g.width
    let image = Self.single(g)
    let chunk = Self.chunkSize(batch: g.batch)
    let chunks = (g.batch + chunk - 1) / chunk
    let gemmThreads = ImageParallel.gemmThreads(images: chunks)
    // Chunk c's dW at partials[c * (f*rows + f)], its db right after.
    let stride = f * rows + f
    var partials = [Float](repeating: 0, count: chunks * stride)
    cache.input.withPointer { px in
      dout.withPointer { pd in
        weight.value.withPointer { pw in
          partials.withUnsafeMutableBufferPointer { pp in
            let (px, pd, pw, pp) = (SendableConstPointer(px), SendableConstPointer(pd), SendableConstPointer(pw), SendablePointer(pp.baseAddress!))
            ImageParallel.forEachRange(chunks) { range in
              let col = UnsafeMutablePointer<Float>.allocate(capacity: rows * plane)
              let dcol = UnsafeMutablePointer<Float>.allocate(capacity: dx == nil ? 0 : rows * plane)
              defer {
                col.deallocate()
                dcol.deallocate()
              }
              for c in range {
                let dW = pp.base + c * stride
                let db = dW + f * rows
                for n in (c * chunk)..<min(g.batch, (c + 1) * chunk) {
                  im2col(px.base + n * imageSize, image, into: col)
                  let dn = pd.base + n * f * plane  // dout_n (F, OH*OW)
                  BLAS.sgemm(
                    transposeA: false, transposeB: true, m: f, n: rows, k: plane, alpha: 1, a: dn, lda: plane,
                    b: col, ldb: plane, beta: 1, c: dW, ldc: rows, threads: gemmThreads)
                  for k in 0..<f { db[k] += contiguousSum(dn + k * plane, count: plane) }
                  if let dx {
                    BLAS.sgemm(
                      transposeA: true, transposeB: false, m: rows, n: plane, k: f, alpha: 1, a: pw.base, lda: rows,
                      b: dn, ldb: plane, beta: 0, c: dcol, ldc: plane, threads: gemmThreads)
                    (dx.base + n * imageSize).update(repeating: 0, count: imageSize)
                    col2im(dcol, image, into: dx.base + n * imageSize)
                  }
                }
              }
            }
          }
        }
      }
    }
    // Each gradient element adds the chunks in chunk order; the elements
    // are split over the threads (the order per element is unchanged).
    weight.grad.withMutablePointer { gw in
      bias.grad.withMutablePointer { gb in
        partials.withUnsafeBufferPointer { pp in
          let (gw, pp) = (SendablePointer(gw), SendableConstPointer(pp.baseAddress!))
          Parallel.chunks(f * rows, cost: chunks) { elements in
            for c in 0..<chunks {
              let dW = pp.base + c * stride
              for i in elements { gw.base[i] += dW[i] }
            }
          }
          for c in 0..<chunks {
            for k in 0..<f { gb[k] += pp.base[c * stride + f * rows + k] }
          }
        }
      }
    }
  }
}
