// The deepdream chapter's measures of a change image, on images whose values
// are worked out by hand: the correlation with the original, the share of
// the 10% most changed pixels, the low-pass share, RMS from ½Σa².
import Foundation
import Tensor
import Testing

@testable import Experiments

struct DeepDreamMeasuresTests {
  /// A 1 x 3 x 4 x 5 image with distinct values in every channel.
  static let image = Tensor(shape: [1, 3, 4, 5], scalars: (0..<60).map { Float(($0 * 37) % 60) / 60 })

  @Test func aContrastStretchCorrelatesFully() {
    // d = 2 (x − channel mean) is the centred image scaled: correlation 1; −d: −1.
    var change = Self.image
    for c in 0..<3 {
      let plane = Array(Self.image.scalars[(c * 20)..<((c + 1) * 20)])
      let mean = plane.reduce(0, +) / 20
      for i in 0..<20 { change.scalars[c * 20 + i] = 2 * (plane[i] - mean) }
    }
    #expect(abs(DeepDream.contentCorrelation(change, Self.image) - 1) < 1e-6)
    #expect(abs(DeepDream.contentCorrelation(-1 * change, Self.image) + 1) < 1e-6)
  }

  @Test func aUniformShiftDoesNotCorrelate() {
    // d constant: nothing left after centring, correlation 0.
    #expect(DeepDream.contentCorrelation(Tensor(shape: [1, 3, 4, 5], repeating: 0.3), Self.image) == 0)
  }

  @Test func topDecileShareByHand() {
    // 10 x 10 pixels, 2 channels: the top decile is 10 pixels.
    // Uniform change: 10 of 100 pixels hold 10%. One changed pixel: it holds everything.
    #expect(abs(DeepDream.topDecileShare(Tensor(shape: [1, 2, 10, 10], repeating: 0.5)) - 0.1) < 1e-12)
    var spike = Tensor(zeros: [1, 2, 10, 10])
    spike.scalars[37] = 3
    spike.scalars[100 + 37] = -4
    #expect(DeepDream.topDecileShare(spike) == 1)
    // Ten pixels of energy 4 and ninety of energy 1: (10 · 4) / (40 + 90) = 4 / 13.
    var mixed = Tensor(shape: [1, 1, 10, 10], repeating: 1)
    for i in 0..<10 { mixed.scalars[i * 10 + i] = 2 }
    #expect(abs(DeepDream.topDecileShare(mixed) - 4.0 / 13) < 1e-12)
  }

  @Test func lowPassShareOfConstantAndCheckerboard() {
    // The blur keeps a constant (share 1). A ±1 checkerboard's frequency response
    // under σ = 2 is exp(−π²σ²/2) per axis ≈ 3e-9: only the reflected borders leak,
    // 2.0749e-5 of the energy (scipy 1.17.1: ndimage.gaussian_filter(c, 2, mode="reflect")).
    #expect(abs(DeepDream.lowPassShare(Tensor(shape: [1, 1, 16, 16], repeating: 0.7), sigma: 2) - 1) < 1e-5)
    let checker = Tensor(shape: [1, 1, 32, 32], scalars: (0..<1024).map { ($0 / 32 + $0 % 32) % 2 == 0 ? 1 : -1 })
    #expect(abs(DeepDream.lowPassShare(checker, sigma: 2) - 2.0749e-5) < 1e-6)
  }

  @Test func rmsFromTheObjective() {
    // ½ Σ a² = 8 over 4 activations: Σ a² = 16, RMS = √(16 / 4) = 2.
    #expect(DeepDream.rms(8, units: 4) == 2)
  }
}
