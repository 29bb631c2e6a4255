import Testing

@testable import Tensor

struct RandomTests {
  @Test func splitMix64MatchesTheReferenceSequence() {
    // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    var rng = SplitMix64(seed: 0)
    #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(rng.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func sameSeedSameDrawsAndSubStreamsDiffer() {
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    #expect((0..<5).map { _ in a.nextUniform() } == (0..<5).map { _ in b.nextUniform() })
    var c = SplitMix64(seed: 42).derived("scene")
    var d = SplitMix64(seed: 42).derived("noise")
    #expect(c.next() != d.next())
  }

  @Test func gaussianDrawsHaveUnitVariance() {
    var rng = SplitMix64(seed: 3)
    let draws = (0..<20_000).map { _ in rng.nextGaussian() }
    let mean = draws.reduce(0, +) / Double(draws.count)
    let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
    #expect(abs(mean) < 0.03)
    #expect(abs(variance - 1) < 0.05)
  }

  @Test func integersStayInRange() {
    var rng = SplitMix64(seed: 9)
    let values = (0..<1000).map { _ in rng.nextInt(below: 7) }
    #expect(values.allSatisfy { $0 >= 0 && $0 < 7 })
    #expect(Set(values).count == 7)
  }
}

struct MatmulTests {
  @Test func sgemmMatchesATripleLoop() {
    var rng = SplitMix64(seed: 1)
    let (m, k, n) = (7, 13, 5)
    let a = Tensor(shape: [m, k], scalars: (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) })
    let b = Tensor(shape: [k, n], scalars: (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) })
    let c = Tensor.matmul(a, b)
    #expect(c.shape == [m, n])
    for i in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for p in 0..<k { sum += a.scalars[i * k + p] * b.scalars[p * n + j] }
        #expect(abs(c.scalars[i * n + j] - sum) < 1e-5)
      }
    }
  }

  // (No test changes the BLAS thread count: tests run concurrently in one
  // process, and the count changes sgemm's rounding for every other test.)
  @Test func blasReportsItsKernelAndThreads() {
    #expect(BLAS.threads >= 1)
    #expect(!BLAS.coreName.isEmpty && BLAS.coreName != "unknown")
  }
}

struct ResizeTests {
  @Test func bilinearUpsamplingMatchesTheHalfPixelConvention() {
    // torch.nn.functional.interpolate([[1, 2], [3, 4]], size=4, mode="bilinear", align_corners=False):
    // source x of output i is (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let y = x.resizedBilinear(height: 4, width: 4)
    let expected: [Float] = [
      1, 1.25, 1.75, 2,
      1.5, 1.75, 2.25, 2.5,
      2.5, 2.75, 3.25, 3.5,
      3, 3.25, 3.75, 4,
    ]
    #expect(y.shape == [1, 1, 4, 4])
    #expect(zip(y.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func downsamplingByTwoAveragesPairsAndSameSizeIsIdentity() {
    // Output i reads source 2i + 0.5: the mean of pixels 2i and 2i + 1.
    let x = Tensor(shape: [1, 1, 1, 4], scalars: [0, 2, 4, 8])
    #expect(x.resizedBilinear(height: 1, width: 2).scalars == [1, 6])
    var rng = SplitMix64(seed: 2)
    let r = Tensor.randomNormal(shape: [2, 3, 5, 7], std: 1, using: &rng)
    #expect(r.resizedBilinear(height: 5, width: 7) == r)
  }
}
