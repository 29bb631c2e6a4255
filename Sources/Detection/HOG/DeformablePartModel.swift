// A star-structured deformable part model, one component (Felzenszwalb,
// Girshick, McAllester and Ramanan, "Object Detection with Discriminatively
// Trained Part-Based Models", PAMI 2010, sections 2-3).
//
// score(p0, p1..pn) = R(p0) + sum_i [ P_i(p_i) - d_i . (dx, dx^2, dy, dy^2) ] + b
// with the root filter R at level l and the parts P_i at level
// l + perOctave (twice the resolution), p_i = 2 p0 + anchor_i + (dx, dy) in
// blocks of the part level. The best placement of every part for every root
// position comes from the generalized distance transform of the part's
// response (DistanceTransform.swift), so scoring a level costs the
// correlations plus O(map size) per part.
// Conventions: our features are the 36-d HOG blocks of HOGBlocks.swift, not
// DPM's 31-d projected cells; one component (no mixture: our class keeps
// one aspect ratio); no bounding-box prediction from part positions; a part
// anchor outside its level's map leaves that root position unscored.
// The latent-SVM feature vector of a placement is
// [root blocks, part 1 blocks, -(dx, dx^2, dy, dy^2) of part 1, part 2 ...],
// whose dot product with `vector` (plus the bias) is the score.
public struct DeformablePartModel: Sendable, Codable {
  public struct Part: Sendable, Codable {
    public var filter: LinearFilter
    /// Anchor (row, column) in part-level blocks, relative to twice the root position.
    public var anchorRow: Int, anchorColumn: Int
    /// Costs of (dx, dx^2, dy, dy^2); the squares' must stay positive.
    public var deformation: [Float]

    public init(filter: LinearFilter, anchorRow: Int, anchorColumn: Int, deformation: [Float]) {
      precondition(deformation.count == 4, "DeformablePartModel.Part: 4 deformation costs, got \(deformation.count)")
      (self.filter, self.anchorRow, self.anchorColumn, self.deformation) = (filter, anchorRow, anchorColumn, deformation)
    }
  }

  public var root: LinearFilter
  public var parts: [Part]
  public var bias: Float
  /// Levels between the root's level and its parts' (the pyramid's levels per octave).
  public var partLevelOffset: Int

  public init(root: LinearFilter, parts: [Part], bias: Float, partLevelOffset: Int) {
    (self.root, self.parts, self.bias, self.partLevelOffset) = (root, parts, bias, partLevelOffset)
  }

  /// One scored placement: root level and block, and each part's block at the part level.
  public struct Placement: Sendable {
    public var level: Int, row: Int, column: Int
    public var score: Float
    public var parts: [(row: Int, column: Int)]
  }

  public var dimension: Int { root.weights.count + parts.reduce(0) { $0 + $1.filter.weights.count + 4 } }

  /// The model as one weight vector (the latent SVM's w, without the bias).
  public var vector: [Float] {
    var w = root.weights
    for p in parts { w += p.filter.weights; w += p.deformation }
    return w
  }

  /// The model with the weights of `vector` (the layout of `vector`), deformation squares kept >= `minimumQuadratic`.
  public func with(vector w: [Float], bias: Float, minimumQuadratic: Float = 0.01) -> DeformablePartModel {
    precondition(w.count == dimension, "DeformablePartModel.with: \(w.count) weights for \(dimension)")
    var m = self
    var k = root.weights.count
    m.root.weights = Array(w[0..<k])
    for i in parts.indices {
      let n = parts[i].filter.weights.count
      m.parts[i].filter.weights = Array(w[k..<(k + n)])
      var d = Array(w[(k + n)..<(k + n + 4)])
      d[1] = max(d[1], minimumQuadratic)
      d[3] = max(d[3], minimumQuadratic)
      m.parts[i].deformation = d
      k += n + 4
    }
    m.bias = bias
    return m
  }

  /// Every root position of level `level` with its score and best part placements (nil when the part level is missing).
  public func placements(_ pyramid: FeaturePyramid, level: Int) -> [Placement]? {
    let partLevel = level + partLevelOffset
    guard partLevel < pyramid.levels.count else { return nil }
    let r = root.responses(pyramid.levels[level].features)
    guard r.rows > 0 && r.columns > 0 else { return [] }
    var scores = r.values.map { $0 + bias }
    var valid = [Bool](repeating: true, count: scores.count)
    var where_ = [[(row: Int, column: Int)]](repeating: [], count: scores.count)
    for part in parts {
      let p = part.filter.responses(pyramid.levels[partLevel].features)
      guard p.rows > 0 && p.columns > 0 else { return [] }
      let d = part.deformation
      let dt = DistanceTransform.transform2D(p.values, rows: p.rows, columns: p.columns, ax: Double(d[1]), bx: Double(d[0]), ay: Double(d[3]), by: Double(d[2]))
      for y in 0..<r.rows {
        for x in 0..<r.columns {
          let i = y * r.columns + x
          let (ay, ax) = (2 * y + part.anchorRow, 2 * x + part.anchorColumn)
          guard valid[i], ay >= 0, ax >= 0, ay < p.rows, ax < p.columns else { valid[i] = false; continue }
          let j = ay * p.columns + ax
          scores[i] += dt.values[j]
          where_[i].append((Int(dt.argRow[j]), Int(dt.argColumn[j])))
        }
      }
    }
    var out: [Placement] = []
    for y in 0..<r.rows {
      for x in 0..<r.columns where valid[y * r.columns + x] {
        let i = y * r.columns + x
        out.append(Placement(level: level, row: y, column: x, score: scores[i], parts: where_[i]))
      }
    }
    return out
  }

  /// The latent-SVM feature vector of a placement (see the header); w . phi + bias = its score.
  public func features(_ pyramid: FeaturePyramid, _ p: Placement) -> [Float] {
    var phi = pyramid.levels[p.level].features.window(row: p.row, column: p.column, height: root.rows, width: root.columns)
    let partMap = pyramid.levels[p.level + partLevelOffset].features
    for (part, at) in zip(parts, p.parts) {
      phi += partMap.window(row: at.row, column: at.column, height: part.filter.rows, width: part.filter.columns)
      let dx = Float(at.column - (2 * p.column + part.anchorColumn)), dy = Float(at.row - (2 * p.row + part.anchorRow))
      phi += [-dx, -dx * dx, -dy, -dy * dy]
    }
    return phi
  }
}
