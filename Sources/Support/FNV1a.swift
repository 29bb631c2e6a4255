// FNV-1a, 64 bits (Fowler, Noll, Vo): a fast, non-cryptographic hash, used
// for cache keys, model-file integrity, figure fingerprints and named random
// sub-streams. Not for anything an adversary controls.

/// FNV-1a 64 of `bytes`.
@inlinable
public func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
  var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // offset basis
  for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
  return hash
}

/// FNV-1a 64 of `bytes` as 16 hex digits.
@inlinable
public func fnv1a64Hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
  let hex = String(fnv1a64(bytes), radix: 16)
  return String(repeating: "0", count: 16 - hex.count) + hex
}
