// Seeded random numbers. Every random draw in ConvNotes goes through a
// generator made here from an explicit seed, so a run is reproducible.
//
// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): 64-bit state, one add and three xor-shift-multiply
// steps per output. Gaussian draws use the Box-Muller transform in Double.

/// A small, fast, seeded generator (SplitMix64). Same seed, same sequence.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The generator's whole state: `SplitMix64(seed: g.state)` continues exactly where `g` is
  /// (what a training checkpoint saves).
  public var currentState: UInt64 { state }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A generator for a named sub-stream, so adding draws in one part of an
  /// experiment does not shift the numbers of another.
  public func derived(_ label: String) -> SplitMix64 {
    SplitMix64(seed: state ^ fnv1a64(label.utf8))
  }
}

extension RandomNumberGenerator {
  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// A uniform Double in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * nextUniform()
  }

  /// A standard normal draw (Box-Muller; the second value is discarded so
  /// every call consumes exactly two uniforms).
  public mutating func nextGaussian() -> Double {
    let u1 = 1.0 - nextUniform()  // (0, 1]: log is finite
    let u2 = nextUniform()
    return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
  }

  /// A uniform integer in 0..<upperBound, without modulo bias.
  public mutating func nextInt(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "nextInt(below:): upper bound \(upperBound) must be positive")
    return Int(next(upperBound: UInt64(upperBound)))
  }
}

import Support

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
