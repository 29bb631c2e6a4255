import Foundation
import Testing

@testable import Embedding
@testable import Tensor

/// Two Gaussian blobs in 10 dimensions, 40 points each, centres 10 apart.
func twoBlobs(seed: UInt64 = 1) -> Tensor {
  var rng = SplitMix64(seed: seed)
  var values: [Float] = []
  for i in 0..<80 { for d in 0..<10 { values.append(Float(rng.nextGaussian()) + (i < 40 || d > 0 ? 0 : 10)) } }
  return Tensor(shape: [80, 10], scalars: values)
}

struct PCATests {
  @Test func recoversTheAxesOfAStretchedCloud() {
    // x along (1, 1)/√2 with variance 9, y along (1, -1)/√2 with variance 1, plus a mean.
    var rng = SplitMix64(seed: 3)
    var values: [Float] = []
    for _ in 0..<4000 {
      let (a, b) = (3 * rng.nextGaussian(), rng.nextGaussian())
      values += [Float((a + b) / 2.0.squareRoot() + 5), Float((a - b) / 2.0.squareRoot() - 2)]
    }
    let pca = PCA(fitting: Tensor(shape: [4000, 2], scalars: values), components: 2)
    #expect(abs(pca.variances[0] - 9) < 0.5 && abs(pca.variances[1] - 1) < 0.1)
    let c = pca.components.scalars
    #expect(abs(abs(c[0]) - Float(0.5.squareRoot())) < 0.01 && abs(c[0] - c[1]) < 0.02)  // (1, 1)/√2, sign: largest coordinate positive
    #expect(c[0] > 0)
    #expect(abs(pca.mean[0] - 5) < 0.2 && abs(pca.mean[1] + 2) < 0.2)
  }

  @Test func jacobiDiagonalizesASymmetricMatrixByHand() {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    let (values, _) = PCA.jacobiEigen([2, 1, 1, 2], size: 2)
    #expect(abs(values.sorted()[0] - 1) < 1e-12 && abs(values.sorted()[1] - 3) < 1e-12)
  }
}

struct NeighborsTests {
  @Test func blockedSearchEqualsBruteForce() {
    var rng = SplitMix64(seed: 4)
    let points = Tensor.randomNormal(shape: [700, 5], std: 1, using: &rng)  // more than one 512-row block
    let nn = Neighbors.exact(points, k: 6)
    for i in [0, 1, 511, 512, 699] {
      let d = (0..<700).map { j -> Double in
        j == i ? .infinity : (0..<5).reduce(0.0) { let e = Double(points.scalars[i * 5 + $1] - points.scalars[j * 5 + $1]); return $0 + e * e }
      }
      let expected = d.indices.sorted { d[$0] < d[$1] }.prefix(6).map(Int32.init)
      #expect(Array(nn.indices[(i * 6)..<(i * 6 + 6)]) == expected)
      #expect(abs(Double(nn.distances[i * 6]) - d[Int(expected[0])]) < 1e-4)
    }
  }
}

struct AffinityTests {
  @Test func eachRowHasThePerplexityAndPIsSymmetricAndSumsToOne() {
    let data = twoBlobs()
    let nn = Neighbors.exact(data, k: 30)
    let p = SparseAffinities.compute(nn, count: 80, perplexity: 10)
    #expect(abs(p.values.reduce(0, +) - 1) < 1e-9)
    var dense = [[Double]](repeating: [Double](repeating: 0, count: 80), count: 80)
    for i in 0..<80 { for e in p.rowStart[i]..<p.rowStart[i + 1] { dense[i][Int(p.columns[e])] = p.values[e] } }
    for i in 0..<80 { for j in 0..<80 { #expect(abs(dense[i][j] - dense[j][i]) < 1e-15) } }
  }
}

struct TSNETests {
  @Test func theGradientIsTheDerivativeOfKL() {
    // Exact (θ = 0) gradient against centred differences of the exact KL, at a random layout.
    let data = twoBlobs()
    let p = SparseAffinities.compute(Neighbors.exact(data, k: 30), count: 80, perplexity: 10)
    var rng = SplitMix64(seed: 9)
    let y = (0..<160).map { _ in rng.nextGaussian() }
    var gradient = [Double](repeating: 0, count: 160)
    TSNE.computeGradient(p, y, alpha: 1, theta: 0, into: &gradient, klWanted: false)
    var scratch = gradient
    for c in [0, 1, 17, 80, 159] {
      let h = 1e-5
      var plus = y, minus = y
      plus[c] += h
      minus[c] -= h
      let kp = TSNE.computeGradient(p, plus, alpha: 1, theta: 0, into: &scratch, klWanted: true)!
      let km = TSNE.computeGradient(p, minus, alpha: 1, theta: 0, into: &scratch, klWanted: true)!
      let numeric = (kp - km) / (2 * h)
      #expect(abs(numeric - 4 * gradient[c]) < 1e-6 * max(1, abs(numeric)), "coordinate \(c): \(numeric) vs \(4 * gradient[c])")
    }
  }

  @Test func barnesHutApproachesTheExactRepulsion() {
    var rng = SplitMix64(seed: 2)
    let xs = (0..<300).map { _ in rng.nextGaussian() * 5 }, ys = (0..<300).map { _ in rng.nextGaussian() * 5 }
    let tree = QuadTree(x: xs, y: ys)
    var stack: [Int] = []
    for i in [0, 150, 299] {
      let exact = TSNE.exactRepulsion(i, xs, ys)
      let zero = tree.repulsion(of: i, px: xs[i], py: ys[i], theta: 0, stack: &stack)
      // The traversal sums in Float: θ = 0 equals the exact Double sums to Float precision.
      #expect(abs(zero.z - exact.z) / exact.z < 1e-5 && abs(zero.fx - exact.fx) < 1e-5 * max(1, abs(exact.fx)))
      let approx = tree.repulsion(of: i, px: xs[i], py: ys[i], theta: 0.5, stack: &stack)
      #expect(abs(approx.z - exact.z) / exact.z < 0.02)
    }
  }

  /// Settings for the 80 points of `twoBlobs`: perplexity 10, 300 iterations
  /// (100 exaggerated), and scikit-learn's "auto" rate max(N / 12 / 4, 50):
  /// the default 200 is meant for thousands of points; on 80 it can fling a
  /// point across to the other blob during early exaggeration (seen: one
  /// point of 80, depending on the last bits of the PCA start).
  static func blobOptions(_ method: RepulsionMethod) -> TSNEOptions {
    var options = TSNEOptions()
    options.perplexity = 10
    options.iterations = 300
    options.exaggerationIterations = 100
    options.learningRate = 50
    options.method = method
    return options
  }

  @Test func twoBlobsStaySeparatedAndTheSameSeedGivesTheSameBits() {
    let options = Self.blobOptions(.barnesHut)
    let data = twoBlobs()
    let a = TSNE.embed(data, options: options)
    let b = TSNE.embed(data, options: options)
    #expect(a.embedding == b.embedding)
    #expect(a.klDivergence > 0 && a.klDivergence < 2)
    // Every point's nearest embedded neighbour is from its own blob, and the blob centres are far apart.
    let y = a.embedding.scalars
    let m0 = (0..<40).reduce((0.0, 0.0)) { ($0.0 + Double(y[2 * $1]) / 40, $0.1 + Double(y[2 * $1 + 1]) / 40) }
    let m1 = (40..<80).reduce((0.0, 0.0)) { ($0.0 + Double(y[2 * $1]) / 40, $0.1 + Double(y[2 * $1 + 1]) / 40) }
    #expect(hypot(m0.0 - m1.0, m0.1 - m1.1) > 10)
    for i in 0..<80 {
      let j = (0..<80).filter { $0 != i }.min { hypot(Double(y[2 * i] - y[2 * $0]), Double(y[2 * i + 1] - y[2 * $0 + 1])) < hypot(Double(y[2 * i] - y[2 * $1]), Double(y[2 * i + 1] - y[2 * $1 + 1])) }!
      #expect((i < 40) == (j < 40), "point \(i) at (\(y[2 * i]), \(y[2 * i + 1])), nearest \(j) at (\(y[2 * j]), \(y[2 * j + 1]))")
    }
  }
}

struct LeaveOneOutTests {
  @Test func accuracyByHandOnALine() {
    // Points 0, 1, 2 (class 0) and 10, 11, 30 (class 1), k = 2: 0, 1, 2 see only class 0 (right); 30 sees 11 and 10
    // (right); 10 sees 11 and 2 and 11 sees 10 and 2, 1-1 ties broken towards class 0 (wrong). 4 of 6.
    let points = Tensor(shape: [6, 1], scalars: [0, 1, 2, 10, 11, 30])
    #expect(abs(Neighbors.leaveOneOutAccuracy(points, labels: [0, 0, 0, 1, 1, 1], k: 2) - 4.0 / 6.0) < 1e-12)
  }
}

struct FFTRepulsionTests {
  /// Ten clusters of 150 points spread over a span of about 130 (a late-stage
  /// embedding).
  static func clusters() -> (xs: [Double], ys: [Double]) {
    var rng = SplitMix64(seed: 4)
    var xs: [Double] = [], ys: [Double] = []
    for c in 0..<10 {
      let (cx, cy) = (60 * cos(Double(c) * 0.63), 60 * sin(Double(c) * 0.63))
      for _ in 0..<150 {
        xs.append(cx + 4 * rng.nextGaussian())
        ys.append(cy + 4 * rng.nextGaussian())
      }
    }
    return (xs, ys)
  }

  /// (relative error of Z, RMS force error / RMS force) against the exact pair sums.
  static func errors(nodes: Int, _ xs: [Double], _ ys: [Double]) -> (z: Double, force: Double) {
    var forces = [Double](repeating: 0, count: 2 * xs.count)
    let z = FFTRepulsion(nodesPerBox: nodes).repulsion(xs: xs, ys: ys, forces: &forces, threads: 2)
    var exactZ = 0.0, squaredError = 0.0, squared = 0.0
    for i in xs.indices {
      let e = TSNE.exactRepulsion(i, xs, ys)
      exactZ += e.z
      squaredError += (forces[2 * i] - e.fx) * (forces[2 * i] - e.fx) + (forces[2 * i + 1] - e.fy) * (forces[2 * i + 1] - e.fy)
      squared += e.fx * e.fx + e.fy * e.fy
    }
    return (abs(z - exactZ) / exactZ, (squaredError / squared).squareRoot())
  }

  /// Interpolation of degree p - 1 on boxes of side 1: the error falls
  /// fast with p (measured: force RMS 4.9%, 1.4%, 0.46% for p = 3, 4, 5).
  @Test func interpolationConvergesToTheExactSums() {
    let (xs, ys) = Self.clusters()
    let three = Self.errors(nodes: 3, xs, ys), five = Self.errors(nodes: 5, xs, ys)
    #expect(three.z < 1e-2 && three.force < 0.06, "p = 3: \(three)")
    #expect(five.z < 5e-4 && five.force < 0.01, "p = 5: \(five)")
    #expect(five.force < three.force / 5)
  }

  /// A small span uses 50 boxes of side span / 50: a few points, nearly exact.
  @Test func aCompactCloudIsNearlyExact() {
    var rng = SplitMix64(seed: 8)
    let xs = (0..<200).map { _ in rng.nextGaussian() }, ys = (0..<200).map { _ in rng.nextGaussian() }
    let e = Self.errors(nodes: 3, xs, ys)
    #expect(e.z < 1e-5 && e.force < 1e-4, "\(e)")
  }

  @Test func gridSizesFactorIntoSmallPrimes() {
    #expect(FFTRepulsion.fftFriendlyBoxes(50, nodesPerBox: 3) == 50)  // 300 = 2² 3 5²
    #expect(FFTRepulsion.fftFriendlyBoxes(53, nodesPerBox: 3) == 54)  // 324 = 2² 3⁴; 318 = 2 3 53 is not
    #expect(FFTRepulsion.grid(lo: -10, hi: 10, nodesPerBox: 3) == (50, 0.4))
    #expect(FFTRepulsion.grid(lo: -60.5, hi: 60, nodesPerBox: 3).boxes == 125)  // 121 -> 125 (750 = 2 3 5³)
  }

  /// The FFT method keeps two blobs apart and gives the same bits for the
  /// same seed (plans are FFTW_ESTIMATE; the split halves do not depend on timing).
  @Test func fftMethodSeparatesTwoBlobsDeterministically() {
    let options = TSNETests.blobOptions(.fft)
    let data = twoBlobs()
    let a = TSNE.embed(data, options: options), b = TSNE.embed(data, options: options)
    #expect(a.embedding == b.embedding)
    // Each transform half, kernel row and gathered point is computed the same way on any thread.
    let one = Parallel.$threadOverride.withValue(1) { TSNE.embed(data, options: options) }
    let two = Parallel.$threadOverride.withValue(2) { TSNE.embed(data, options: options) }
    #expect(one.embedding == two.embedding)
    let y = a.embedding.scalars
    for i in 0..<80 {
      let j = (0..<80).filter { $0 != i }.min { hypot(Double(y[2 * i] - y[2 * $0]), Double(y[2 * i + 1] - y[2 * $0 + 1])) < hypot(Double(y[2 * i] - y[2 * $1]), Double(y[2 * i + 1] - y[2 * $1 + 1])) }!
      #expect((i < 40) == (j < 40))
    }
  }
}
