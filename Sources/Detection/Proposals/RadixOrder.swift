// The order that sorts 64-bit keys ascending, ties by index: a least
// significant digit radix sort (Knuth, TAOCP vol. 3, §5.2.5; 8-bit digits,
// eight stable counting passes). Each pass is stable and the first pass
// starts from index order, so equal keys keep their index order: the result
// is exactly that of a comparison sort by (key, index). Passes whose digit
// is the same for every key are skipped (on edge weights the top bytes
// rarely vary). Used by GraphSegmentation to order its edges: an
// 8-neighbour graph of a 128 px image has about 65,000 edges, and the
// comparison sort of (key, index) pairs was most of Selective Search's time.
public enum RadixOrder {
  /// Indices of `keys` in ascending order of key, equal keys by index.
  public static func ascending(_ keys: [UInt64]) -> [Int32] {
    let n = keys.count
    precondition(n <= Int(Int32.max), "RadixOrder: \(n) keys do not fit Int32 indices")
    var order = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
      for i in 0..<n { buffer[i] = Int32(i) }
      count = n
    }
    guard n > 1 else { return order }
    // All eight digit histograms in one pass over the keys.
    var counts = [Int](repeating: 0, count: 8 * 256)
    keys.withUnsafeBufferPointer { k in
      counts.withUnsafeMutableBufferPointer { c in
        for key in k {
          for digit in 0..<8 { c[digit << 8 | Int(truncatingIfNeeded: key >> UInt64(8 * digit)) & 0xFF] += 1 }
        }
      }
    }
    var sortedKeys = keys
    var spareKeys = [UInt64](repeating: 0, count: n)
    var spareOrder = [Int32](repeating: 0, count: n)
    for digit in 0..<8 {
      let shift = UInt64(8 * digit)
      let histogram = counts[(digit << 8)..<((digit + 1) << 8)]
      if histogram.contains(n) { continue }  // one bucket holds every key: this pass would not move anything
      var start = [Int](repeating: 0, count: 256)
      var running = 0
      for (bucket, c) in histogram.enumerated() { (start[bucket], running) = (running, running + c) }
      sortedKeys.withUnsafeBufferPointer { kIn in
        order.withUnsafeBufferPointer { oIn in
          spareKeys.withUnsafeMutableBufferPointer { kOut in
            spareOrder.withUnsafeMutableBufferPointer { oOut in
              start.withUnsafeMutableBufferPointer { s in
                for i in 0..<n {
                  let key = kIn[i]
                  let bucket = Int(truncatingIfNeeded: key >> shift) & 0xFF
                  let j = s[bucket]
                  s[bucket] = j + 1
                  kOut[j] = key
                  oOut[j] = oIn[i]
                }
              }
            }
          }
        }
      }
      swap(&sortedKeys, &spareKeys)
      swap(&order, &spareOrder)
    }
    return order
  }
}
