// Levenshtein edit distance, for "did you mean" suggestions in the CLI
// (experiment ids) and in the report (result keys).

/// The number of single-character insertions, deletions and substitutions
/// that turn `a` into `b`.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a), b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}

/// The candidate closest to `word` (ties: alphabetical), nil when there are none.
public func nearestString(to word: String, in candidates: some Sequence<String>) -> String? {
  candidates.min { (editDistance($0, word), $0) < (editDistance($1, word), $1) }
}
