// Sums along contiguous runs of floats, vectorized: sixteen partial sums
// (lane l adds the elements at i ≡ l mod 16), added in lane order, then
// the tail in order. A float sum written as one running total is a chain
// of dependent adds, one per ~4 cycles; sixteen chains keep the adder busy.
// The order is fixed by the code alone, so the result does not depend on
// threads or on which processor runs it.

/// The sum of `count` floats starting at `values`.
@inlinable
public func contiguousSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
  var lanes = SIMD16<Float>()
  var i = 0
  let raw = UnsafeRawPointer(values)
  while i &+ 16 <= count {
    lanes += raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
    i &+= 16
  }
  var total: Float = 0
  for l in 0..<16 { total += lanes[l] }
  while i < count {
    total += values[i]
    i &+= 1
  }
  return total
}
