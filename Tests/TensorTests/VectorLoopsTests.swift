import Testing

@testable import Tensor

/// Every copy of the element-wise loops this CPU can run (AVX-512, AVX2,
/// baseline) gives the same bits: im2col, col2im and the fused ReLU + 2 x 2
/// pooling both ways, on inputs with zeros, negative zeros and ties.
/// (What the loops compute is checked elsewhere: Im2ColTests against the
/// definition, LayersTests' ReLUMaxPoolTests against the unfused layers.)
struct VectorLoopsTests {
  static let isas = VectorISA.allCases.filter(\.isSupported)

  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { i in
      switch i % 9 {
      case 0: 0
      case 4: -0.0
      case 7: 0.5  // ties
      default: Float(rng.nextUniform() * 2 - 1)
      }
    }
  }

  @Test func theCopiesAgreeBitForBit() {
    #expect(Self.isas.contains(.baseline))
    let geometries = [
      ConvGeometry(batch: 3, channels: 4, height: 14, width: 14, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
      ConvGeometry(batch: 2, channels: 3, height: 9, width: 11, kernelHeight: 5, kernelWidth: 5, stride: 2, padding: 2),
      ConvGeometry(batch: 1, channels: 2, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),
    ]
    for g in geometries {
      let x = Self.values(g.batch * g.channels * g.height * g.width, seed: 1)
      let dcol = Self.values(g.rows * g.columns, seed: 2)
      var cols: [[UInt32]] = [], images: [[UInt32]] = []
      for isa in Self.isas {
        var col = [Float](repeating: .nan, count: g.rows * g.columns)
        x.withUnsafeBufferPointer { px in
          col.withUnsafeMutableBufferPointer { VectorLoopsDoor.im2col(px.baseAddress!, g, images: 0..<g.batch, into: $0.baseAddress!, isa: isa) }
        }
        cols.append(col.map(\.bitPattern))
        var scratch = dcol
        var dx = [Float](repeating: 0, count: x.count)
        scratch.withUnsafeMutableBufferPointer { pc in
          dx.withUnsafeMutableBufferPointer { VectorLoopsDoor.col2im(pc.baseAddress!, g, images: 0..<g.batch, into: $0.baseAddress!, isa: isa) }
        }
        images.append(dx.map(\.bitPattern))
      }
      #expect(Set(cols).count == 1, "im2col differs between \(Self.isas) for \(g)")
      #expect(Set(images).count == 1, "col2im differs between \(Self.isas) for \(g)")
    }
    for (planes, h, w) in [(6, 28, 28), (3, 7, 9)] {
      let x = Self.values(planes * h * w, seed: 3)
      let g = Self.values(planes * (h / 2) * (w / 2), seed: 4)
      var forward: [[UInt32]] = [], backward: [[UInt32]] = []
      for isa in Self.isas {
        var y = [Float](repeating: .nan, count: g.count)
        var corners = [UInt8](repeating: 9, count: g.count)
        x.withUnsafeBufferPointer { px in
          y.withUnsafeMutableBufferPointer { py in
            corners.withUnsafeMutableBufferPointer { pc in
              VectorLoopsDoor.reluPoolForward(px.baseAddress!, height: h, width: w, planes: 0..<planes, into: py.baseAddress!, corners: pc.baseAddress!, isa: isa)
            }
          }
        }
        forward.append(y.map(\.bitPattern) + corners.map(UInt32.init))
        for rule in [CornerRule.gradient, .deconvnet, .guided] {
          var dx = [Float](repeating: .nan, count: x.count)
          g.withUnsafeBufferPointer { pg in
            y.withUnsafeBufferPointer { py in
              corners.withUnsafeBufferPointer { pc in
                dx.withUnsafeMutableBufferPointer {
                  VectorLoopsDoor.reluPoolBackward(
                    gradient: pg.baseAddress!, output: py.baseAddress!, corners: pc.baseAddress!, height: h, width: w,
                    planes: 0..<planes, rule: rule, into: $0.baseAddress!, isa: isa)
                }
              }
            }
          }
          #expect(!dx.contains { $0.isNaN }, "every element of dx is written (\(isa), \(rule))")
          backward.append(dx.map(\.bitPattern))
        }
      }
      #expect(Set(forward).count == 1, "pool forward differs between \(Self.isas)")
      for r in 0..<3 {
        #expect(Set(stride(from: r, to: backward.count, by: 3).map { backward[$0] }).count == 1, "pool backward differs, rule \(r)")
      }
    }
  }
}
