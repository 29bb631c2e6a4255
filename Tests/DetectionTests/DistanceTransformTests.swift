import Foundation
import Testing
import Tensor

@testable import Detection

struct DistanceTransformTests {
  static func randomMap(_ rows: Int, _ columns: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<(rows * columns)).map { _ in Float(rng.uniform(-2, 2)) }
  }

  @Test(arguments: [UInt64(1), 2, 3, 4])
  func equalsBruteForceMaximization(seed: UInt64) {
    var rng = SplitMix64(seed: seed &+ 100)
    let (rows, columns) = (5 + Int(seed), 9 - Int(seed) % 3)
    let f = Self.randomMap(rows, columns, seed: seed)
    let (ax, bx, ay, by) = (rng.uniform(0.05, 2), rng.uniform(-1, 1), rng.uniform(0.05, 2), rng.uniform(-1, 1))
    let dt = DistanceTransform.transform2D(f, rows: rows, columns: columns, ax: ax, bx: bx, ay: ay, by: by)
    for pr in 0..<rows {
      for pc in 0..<columns {
        var best = -Double.infinity
        for qr in 0..<rows {
          for qc in 0..<columns {
            let (dx, dy) = (Double(qc - pc), Double(qr - pr))
            best = max(best, Double(f[qr * columns + qc]) - ax * dx * dx - bx * dx - ay * dy * dy - by * dy)
          }
        }
        let i = pr * columns + pc
        #expect(abs(Double(dt.values[i]) - best) < 1e-5)
        // The argmax achieves the value.
        let (qr, qc) = (Int(dt.argRow[i]), Int(dt.argColumn[i]))
        let (dx, dy) = (Double(qc - pc), Double(qr - pr))
        let atArg = Double(f[qr * columns + qc]) - ax * dx * dx - bx * dx - ay * dy * dy - by * dy
        #expect(abs(atArg - best) < 1e-5)
      }
    }
  }

  @Test func aSinglePeakSpreadsAsAnInvertedParabola() {
    // f = 0 at the centre, -1000 elsewhere: D(p) = -a d^2 near the peak (by hand).
    var f = [Float](repeating: -1000, count: 9)
    f[4] = 0
    let dt = DistanceTransform.transform2D(f, rows: 1, columns: 9, ax: 0.5, bx: 0, ay: 1, by: 0)
    #expect(dt.values.map { Double($0) } == [-8, -4.5, -2, -0.5, 0, -0.5, -2, -4.5, -8])
    #expect(dt.argColumn.allSatisfy { $0 == 4 })
  }
}

struct DeformablePartModelTests {
  @Test func placementScoresEqualBruteForceOverPartPositions() {
    // A tiny pyramid of two levels (the second at twice the resolution) of a formula image.
    var pixels = [Float]()
    for y in 0..<40 { for x in 0..<40 { pixels.append(Float(0.5 + 0.4 * sin(0.37 * Double(x) + 0.11 * Double(y * y) / 7))) } }
    let image = Tensor(shape: [1, 1, 40, 40], scalars: pixels)
    let pyramid = FeaturePyramid(image: image, scales: [1, 2])
    var rng = SplitMix64(seed: 5)
    func filter(_ r: Int, _ c: Int) -> LinearFilter {
      LinearFilter(rows: r, columns: c, length: 36, weights: (0..<(r * c * 36)).map { _ in Float(rng.uniform(-1, 1)) })
    }
    let parts = [
      DeformablePartModel.Part(filter: filter(2, 2), anchorRow: 0, anchorColumn: 1, deformation: [0.1, 0.3, -0.2, 0.2]),
      DeformablePartModel.Part(filter: filter(1, 2), anchorRow: 2, anchorColumn: 0, deformation: [0, 0.5, 0, 0.4]),
    ]
    let model = DeformablePartModel(root: filter(2, 2), parts: parts, bias: -0.3, partLevelOffset: 1)
    let placements = model.placements(pyramid, level: 0)!
    #expect(!placements.isEmpty)
    let rootMap = pyramid.levels[0].features, partMap = pyramid.levels[1].features
    for p in placements {
      var expected = dot(model.root.weights, rootMap.window(row: p.row, column: p.column, height: 2, width: 2)) + model.bias
      for part in parts {
        var best = -Float.infinity
        for r in 0...(partMap.rows - part.filter.rows) {
          for c in 0...(partMap.columns - part.filter.columns) {
            let (dx, dy) = (Float(c - 2 * p.column - part.anchorColumn), Float(r - 2 * p.row - part.anchorRow))
            let d = part.deformation
            let s = dot(part.filter.weights, partMap.window(row: r, column: c, height: part.filter.rows, width: part.filter.columns))
            best = max(best, s - d[0] * dx - d[1] * dx * dx - d[2] * dy - d[3] * dy * dy)
          }
        }
        expected += best
      }
      #expect(abs(p.score - expected) < 1e-3)
      // The feature vector of the placement reproduces its score.
      let phi = model.features(pyramid, p)
      #expect(abs(dot(model.vector, phi) + model.bias - p.score) < 1e-3)
    }
  }

  func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}
