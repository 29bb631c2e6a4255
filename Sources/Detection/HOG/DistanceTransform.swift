// The generalized distance transform of a sampled function (Felzenszwalb and
// Huttenlocher, "Distance Transforms of Sampled Functions", Theory of
// Computing 2012), in the form the deformable parts model uses it
// (Felzenszwalb, Girshick, McAllester and Ramanan, PAMI 2010, section 3.2):
//
//   D(p) = max_q  f(q) - a (q - p)^2 - b (q - p),   a > 0,
//
// the best response of a part displaced by d = q - p from its anchor p,
// minus the quadratic deformation cost. It is the lower envelope of the
// parabolas a (p - q)^2 + b (p - q) - f(q), one per q, found left to right
// in O(n) (the intersection of the parabolas of q < r is at
// p = (h(r) - h(q)) / (2 a (r - q)) with h(q) = -f(q) + a q^2 + b q).
// The cost separates in x and y, so the 2-D transform is the 1-D one along
// every row, then along every column of the result (O(rows x columns)).
// Conventions: q ranges over the whole map (no displacement bound);
// displacements are in cells of the part's level; ties go to the smaller q.
public enum DistanceTransform {
  /// D and its argmax q for each p, over a strided 1-D function (n samples `stride` apart).
  public static func transform1D(
    _ f: UnsafePointer<Float>, count n: Int, stride: Int = 1, a: Double, b: Double,
    into out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, outStride: Int = 1,
    scratch: inout Scratch
  ) {
    precondition(a > 0, "DistanceTransform: the quadratic coefficient must be positive, got \(a)")
    guard n > 0 else { return }
    scratch.reserve(n)
    scratch.v.withUnsafeMutableBufferPointer { v in
      scratch.z.withUnsafeMutableBufferPointer { z in
        func h(_ q: Int) -> Double { -Double(f[q * stride]) + a * Double(q * q) + b * Double(q) }
        var k = 0
        v[0] = 0
        z[0] = -.infinity
        z[1] = .infinity
        for q in 1..<n {
          var s = (h(q) - h(v[k])) / (2 * a * Double(q - v[k]))
          while s <= z[k] {
            k -= 1
            s = (h(q) - h(v[k])) / (2 * a * Double(q - v[k]))
          }
          k += 1
          v[k] = q
          z[k] = s
          z[k + 1] = .infinity
        }
        k = 0
        for p in 0..<n {
          while z[k + 1] < Double(p) { k += 1 }
          let q = v[k], d = Double(q - p)
          out[p * outStride] = Float(Double(f[q * stride]) - a * d * d - b * d)
          argmax[p * outStride] = Int32(q)
        }
      }
    }
  }

  /// Working memory of the 1-D transform.
  public struct Scratch {
    var v: [Int] = []
    var z: [Double] = []
    public init() {}
    mutating func reserve(_ n: Int) {
      if v.count < n { v = [Int](repeating: 0, count: n) }
      if z.count < n + 1 { z = [Double](repeating: 0, count: n + 1) }
    }
  }

  /// The 2-D transform of a rows x columns map (row-major), with the cost
  /// ax dx^2 + bx dx + ay dy^2 + by dy of the displacement (dx, dy) = (q - p):
  /// the value and the argmax position (row, column) of every p.
  public static func transform2D(
    _ f: [Float], rows: Int, columns: Int, ax: Double, bx: Double, ay: Double, by: Double
  ) -> (values: [Float], argRow: [Int32], argColumn: [Int32]) {
    precondition(f.count == rows * columns, "DistanceTransform.transform2D: \(f.count) values for \(rows)x\(columns)")
    var along = [Float](repeating: 0, count: f.count), argX = [Int32](repeating: 0, count: f.count)
    var out = along, argY = argX, argColumn = argX
    var scratch = Scratch()
    f.withUnsafeBufferPointer { fp in
      along.withUnsafeMutableBufferPointer { ap in
        argX.withUnsafeMutableBufferPointer { xp in
          for r in 0..<rows {
            transform1D(fp.baseAddress! + r * columns, count: columns, a: ax, b: bx, into: ap.baseAddress! + r * columns, argmax: xp.baseAddress! + r * columns, scratch: &scratch)
          }
          out.withUnsafeMutableBufferPointer { op in
            argY.withUnsafeMutableBufferPointer { yp in
              for c in 0..<columns {
                transform1D(UnsafePointer(ap.baseAddress! + c), count: rows, stride: columns, a: ay, b: by, into: op.baseAddress! + c, argmax: yp.baseAddress! + c, outStride: columns, scratch: &scratch)
              }
            }
          }
        }
      }
    }
    for r in 0..<rows {
      for c in 0..<columns {
        let q = Int(argY[r * columns + c])
        argColumn[r * columns + c] = argX[q * columns + c]
      }
    }
    return (out, argY, argColumn)
  }
}
