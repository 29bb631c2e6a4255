// t-SNE's repulsive forces by polynomial interpolation on a grid and FFT
// convolution: FIt-SNE (Linderman, Rachh, Hoskins, Steinerberger & Kluger,
// "Fast interpolation-based t-SNE for improved visualization of single-cell
// RNA-seq data", Nature Methods 2019), on openTSNE's grid.
//
// With w_ij = 1 / (1 + |y_i - y_j|²), the gradient needs, for every point i,
//   Z_i = Σ_j w_ij   and   F_i = Σ_j w_ij² (y_i - y_j)      (j ≠ i).
// All three are convolutions of the points' unit charges with fixed kernels
// of the lag d = y_i - y_j:
//   W(d) = 1 / (1 + |d|²),   Kx(d) = d_x W(d)²,   Ky(d) = d_y W(d)².
// (FIt-SNE and openTSNE convolve four charges (1, x, y, x² + y²) with W²
// and recombine them: four forward and four inverse transforms. Three
// kernels need one forward and three inverse, and recombine nothing. Per
// node count they are not more accurate: on the test's ten clusters with 3
// nodes, four charges gave Z within 0.75% and the worst force within 5.5%
// of the largest; three kernels Z within 0.29%, the worst force 11.5% (RMS
// 4.9%). The transforms saved pay for a fourth node: RMS 1.4% at about the
// same cost.)
//
// Grid (openTSNE's): the square [lo, hi]² spanning both coordinates is cut
// into B x B boxes, one per unit of span (at least 50), B rounded up so that
// the FFT length 6B has no prime factor above 7. Each box holds p = 3
// equispaced nodes per axis, at (j + 1/2) / p of its side. A point's charge
// is spread to its box's 3 x 3 nodes with Lagrange weights; node-to-node
// sums are linear convolutions with each kernel sampled at node lags, done
// by zero-padded real FFTs of side 2Bp (FFTW, FFTW_ESTIMATE plans: the same
// input gives the same bits); potentials are interpolated back with the same
// weights. Per iteration: one forward and three inverse transforms; the
// kernels' transforms are kept while the node spacing stays the same.
// Cost: O(N) + O((Bp)² log(Bp)), whatever N.
import CFFTW
import Dispatch
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// FFTW's planner is not thread-safe; plans are made and destroyed under this lock.
private let fftwPlanner = PlannerLock()

/// A process-wide pthread mutex (Swift's Mutex cannot be held across the
/// initialiser's assignments to stored properties).
private final class PlannerLock: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func lock() { pthread_mutex_lock(&mutex) }
  func unlock() { pthread_mutex_unlock(&mutex) }
}

/// Interpolation-grid repulsion with reusable FFT plans and buffers (one
/// per grid size seen). Not shared between threads; its FFTs run on the
/// run's threads.
final class FFTRepulsion {
  static let minimumBoxes = 50
  /// Interpolation nodes per box and axis (openTSNE's default is 3).
  let nodesPerBox: Int
  private var workspaces: [Int: Workspace] = [:]

  init(nodesPerBox: Int = 3) {
    precondition((2...8).contains(nodesPerBox), "FFTRepulsion: 2 to 8 interpolation nodes per box, got \(nodesPerBox)")
    self.nodesPerBox = nodesPerBox
  }

  /// Plans and buffers for one grid side L (= 2 * nodes per axis).
  final class Workspace {
    let side: Int
    let kernels: [UnsafeMutablePointer<Double>]  // W, Kx, Ky: L x L real, at node lags
    let kernelHats: [UnsafeMutablePointer<fftw_complex>]  // their transforms, L x (L/2 + 1)
    let charges: UnsafeMutablePointer<Double>  // L x L real
    let chargeHat: UnsafeMutablePointer<fftw_complex>
    let potentials: [UnsafeMutablePointer<Double>]  // 3 x (L x L): Z_i, F_x, F_y at the nodes
    let products: [UnsafeMutablePointer<fftw_complex>]  // 3 x (L x (L/2 + 1)), destroyed by c2r
    /// The whole 2-D real transform (the kernels').
    let forward: fftw_plan
    /// The charge grid's transform and the potentials' inverses, pruned: only
    /// the first L/2 rows of the charge grid can be non-zero, and only the
    /// first L/2 rows of a potential are read, so the row transforms skip
    /// the other half (the column transforms cannot).
    /// Each pass is two plans over disjoint halves of its rows or columns,
    /// made for these very buffers and run side by side on two threads.
    let rowsForward: [fftw_plan]  // r2c of rows 0 ..< L/2 of `charges`
    let columnsForward: [fftw_plan]  // c2c along every column of `chargeHat`, in place
    let columnsInverse: [[fftw_plan]]  // per potential: c2c back along every column of its product
    let rowsInverse: [[fftw_plan]]  // per potential: c2r of rows 0 ..< L/2
    /// The node spacing the kernels were sampled at.
    var kernelSpacing: Double? = nil

    /// Runs two plans, on two threads when there are.
    static func run(_ plans: [fftw_plan], threads: Int) {
      let both = SendablePlans(plans)
      if threads > 1 { DispatchQueue.concurrentPerform(iterations: 2) { fftw_execute(both.plans[$0]) } } else { plans.forEach { fftw_execute($0) } }
    }

    init(side: Int) {
      self.side = side
      let real = side * side, complex = side * (side / 2 + 1)
      func reals() -> UnsafeMutablePointer<Double> {
        fftw_malloc(real * MemoryLayout<Double>.stride)!.bindMemory(to: Double.self, capacity: real)
      }
      func complexes() -> UnsafeMutablePointer<fftw_complex> {
        fftw_malloc(complex * MemoryLayout<fftw_complex>.stride)!.bindMemory(to: fftw_complex.self, capacity: complex)
      }
      let (kernels, kernelHats) = ((0..<3).map { _ in reals() }, (0..<3).map { _ in complexes() })
      let (charges, chargeHat) = (reals(), complexes())
      let (potentials, products) = ((0..<3).map { _ in reals() }, (0..<3).map { _ in complexes() })
      (self.kernels, self.kernelHats, self.charges, self.chargeHat) = (kernels, kernelHats, charges, chargeHat)
      (self.potentials, self.products) = (potentials, products)
      let n = Int32(side)
      let flags = UInt32(FFTW_ESTIMATE)
      let (rows, half) = (side / 2, side / 2 + 1)
      var length = n
      // Halves [0, a) and [a, count) of `count` rows or columns.
      func halves(_ count: Int) -> [(start: Int, count: Int)] { [(0, count / 2), (count / 2, count - count / 2)] }
      func rowPlans(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<fftw_complex>) -> [fftw_plan] {
        halves(rows).map { h in
          fftw_plan_many_dft_r2c(1, &length, Int32(h.count), input + h.start * side, nil, 1, n, output + h.start * half, nil, 1, Int32(half), flags)
        }
      }
      func columnPlans(_ data: UnsafeMutablePointer<fftw_complex>, _ sign: Int32) -> [fftw_plan] {
        halves(half).map { h in
          fftw_plan_many_dft(1, &length, Int32(h.count), data + h.start, nil, Int32(half), 1, data + h.start, nil, Int32(half), 1, sign, flags)
        }
      }
      func inverseRowPlans(_ input: UnsafeMutablePointer<fftw_complex>, _ output: UnsafeMutablePointer<Double>) -> [fftw_plan] {
        halves(rows).map { h in
          fftw_plan_many_dft_c2r(1, &length, Int32(h.count), input + h.start * half, nil, 1, Int32(half), output + h.start * side, nil, 1, n, flags)
        }
      }
      fftwPlanner.lock()
      forward = fftw_plan_dft_r2c_2d(n, n, kernels[0], kernelHats[0], flags)
      rowsForward = rowPlans(charges, chargeHat)
      columnsForward = columnPlans(chargeHat, FFTW_FORWARD)
      columnsInverse = products.map { columnPlans($0, FFTW_BACKWARD) }
      rowsInverse = (0..<3).map { inverseRowPlans(products[$0], potentials[$0]) }
      fftwPlanner.unlock()
    }

    deinit {
      fftwPlanner.lock()
      for plan in [forward] + rowsForward + columnsForward + columnsInverse.joined() + rowsInverse.joined() { fftw_destroy_plan(plan) }
      fftwPlanner.unlock()
      for p in kernels + potentials + [charges] { fftw_free(p) }
      for p in kernelHats + products + [chargeHat] { fftw_free(p) }
    }

    /// Samples W, Kx and Ky at node lags (lag -m at L - m; lag ±L/2 is never
    /// used) and transforms them, unless the spacing is the one already done.
    func prepareKernels(spacing: Double, nodes: Int, threads: Int) {
      if kernelSpacing == spacing { return }
      kernelSpacing = spacing
      let (w, kx, ky) = (SendablePointer(kernels[0]), SendablePointer(kernels[1]), SendablePointer(kernels[2]))
      let side = self.side
      Parallel.chunks(side, cost: side) { rows in
        for a in rows {
          let la = a < nodes ? a : (a > side - nodes ? a - side : 0)
          let valid = a < nodes || a > side - nodes
          for b in 0..<side {
            let lb = b < nodes ? b : (b > side - nodes ? b - side : 0)
            let e = a * side + b
            guard valid && (b < nodes || b > side - nodes) else {
              (w.base[e], kx.base[e], ky.base[e]) = (0, 0, 0)
              continue
            }
            let (dx, dy) = (Double(la) * spacing, Double(lb) * spacing)
            let q = 1 / (1 + dx * dx + dy * dy)
            (w.base[e], kx.base[e], ky.base[e]) = (q, dx * q * q, dy * q * q)
          }
        }
      }
      let plans = SendableWorkspace(self)
      let transform: @Sendable (Int) -> Void = { k in fftw_execute_dft_r2c(plans.space.forward, plans.space.kernels[k], plans.space.kernelHats[k]) }
      if threads > 1 { DispatchQueue.concurrentPerform(iterations: 3, execute: transform) } else { for k in 0..<3 { transform(k) } }
    }
  }

  /// The smallest B >= `boxes` such that 6B has no prime factor above 7.
  static func fftFriendlyBoxes(_ boxes: Int, nodesPerBox: Int) -> Int {
    var b = max(1, boxes)
    while true {
      var m = 2 * nodesPerBox * b
      for f in [2, 3, 5, 7] { while m % f == 0 { m /= f } }
      if m == 1 { return b }
      b += 1
    }
  }

  /// The grid for points spanning [lo, hi] on both axes: (boxes per axis,
  /// box side). Up to a span of 50, 50 boxes of side span / 50; beyond,
  /// boxes of side 1 (openTSNE's one interval per unit), as many as the
  /// span needs, rounded up for the FFT. Side-1 boxes keep the kernel's
  /// samples, and so its transform, the same from one iteration to the next.
  static func grid(lo: Double, hi: Double, nodesPerBox p: Int) -> (boxes: Int, side: Double) {
    let span = max(hi - lo, 1e-9)
    let fewest = fftFriendlyBoxes(minimumBoxes, nodesPerBox: p)
    if span <= Double(minimumBoxes) { return (fewest, span / Double(fewest)) }
    return (fftFriendlyBoxes(Int(span.rounded(.up)), nodesPerBox: p), 1)
  }

  /// Lagrange weights of the p nodes at (j + 1/2) / p for a position u in
  /// [0, 1], written to weights[0 ..< p].
  @inline(__always)
  static func lagrangeWeights(_ u: Double, nodes p: Int, into weights: UnsafeMutablePointer<Double>) {
    for j in 0..<p {
      let tj = (Double(j) + 0.5) / Double(p)
      var w = 1.0
      for l in 0..<p where l != j {
        let tl = (Double(l) + 0.5) / Double(p)
        w *= (u - tl) / (tj - tl)
      }
      weights[j] = w
    }
  }

  /// Z and the unnormalised repulsive forces F_i (x then y per point,
  /// written into `forces`, 2N values) of the points (xs[i], ys[i]).
  func repulsion(xs: [Double], ys: [Double], forces: inout [Double], threads: Int) -> Double {
    let n = xs.count
    let lo = min(xs.min() ?? 0, ys.min() ?? 0), hi = max(xs.max() ?? 0, ys.max() ?? 0)
    let p = nodesPerBox
    let (boxes, box) = Self.grid(lo: lo, hi: hi, nodesPerBox: p)
    let nodes = boxes * p  // per axis
    let side = 2 * nodes
    let half = side / 2 + 1
    let spacing = box / Double(p)
    let origin = (lo + hi) / 2 - Double(boxes) * box / 2  // the grid is centred on the points
    let space = workspaces[side] ?? Workspace(side: side)
    workspaces[side] = space
    space.prepareKernels(spacing: spacing, nodes: nodes, threads: threads)

    // Each point's box and its p + p weights (shared by spreading and
    // gathering); the unit charges spread onto the nodes, in point order.
    var cells = [Int32](repeating: 0, count: 2 * n)
    var weights = [Double](repeating: 0, count: 2 * p * n)
    let charges = space.charges
    charges.update(repeating: 0, count: side * nodes)  // rows past `nodes` are never written
    cells.withUnsafeMutableBufferPointer { c in
      weights.withUnsafeMutableBufferPointer { wb in
        for i in 0..<n {
          let gx = (xs[i] - origin) / box, gy = (ys[i] - origin) / box
          let bx = min(boxes - 1, max(0, Int(gx))), by = min(boxes - 1, max(0, Int(gy)))
          (c[2 * i], c[2 * i + 1]) = (Int32(bx), Int32(by))
          let w = wb.baseAddress! + 2 * p * i
          Self.lagrangeWeights(gx - Double(bx), nodes: p, into: w)
          Self.lagrangeWeights(gy - Double(by), nodes: p, into: w + p)
          for jx in 0..<p {
            let row = charges + (bx * p + jx) * side + by * p
            for jy in 0..<p { row[jy] += w[jx] * w[p + jy] }
          }
        }
      }
    }
    Workspace.run(space.rowsForward, threads: threads)
    (space.chargeHat + nodes * half).update(repeating: (0, 0), count: (side - nodes) * half)  // the zero rows' transforms
    Workspace.run(space.columnsForward, threads: threads)

    // Three products with the kernels' transforms, back to node potentials.
    let scale = 1 / Double(side * side)
    for k in 0..<3 {
      let (product, charge, kernel) = (SendablePointer(space.products[k]), SendablePointer(space.chargeHat), SendablePointer(space.kernelHats[k]))
      Parallel.chunks(side, cost: half) { rows in
        for e in (rows.lowerBound * half)..<(rows.upperBound * half) {
          let (ar, ai) = charge.base[e], (kr, ki) = kernel.base[e]
          product.base[e] = ((ar * kr - ai * ki) * scale, (ar * ki + ai * kr) * scale)
        }
      }
      Workspace.run(space.columnsInverse[k], threads: threads)
      Workspace.run(space.rowsInverse[k], threads: threads)
    }
    // Interpolate the potentials back to the points.
    var zParts = [Double](repeating: 0, count: n)
    forces.withUnsafeMutableBufferPointer { fb in
      zParts.withUnsafeMutableBufferPointer { zb in
        cells.withUnsafeBufferPointer { cb in
          weights.withUnsafeBufferPointer { wb in
            let (fp, zp, cp, wp) = (SendablePointer(fb.baseAddress!), SendablePointer(zb.baseAddress!), SendableConstPointer(cb.baseAddress!), SendableConstPointer(wb.baseAddress!))
            let (pw, px, py) = (SendableConstPointer(UnsafePointer(space.potentials[0])), SendableConstPointer(UnsafePointer(space.potentials[1])), SendableConstPointer(UnsafePointer(space.potentials[2])))
            Parallel.chunks(n, cost: 64) { range in
              for i in range {
                let bx = Int(cp.base[2 * i]) * p, by = Int(cp.base[2 * i + 1]) * p
                let w = wp.base + 2 * p * i
                var (z, fx, fy) = (0.0, 0.0, 0.0)
                for jx in 0..<p {
                  let offset = (bx + jx) * side + by
                  for jy in 0..<p {
                    let weight = w[jx] * w[p + jy]
                    z += weight * pw.base[offset + jy]
                    fx += weight * px.base[offset + jy]
                    fy += weight * py.base[offset + jy]
                  }
                }
                (zp.base[i], fp.base[2 * i], fp.base[2 * i + 1]) = (z, fx, fy)
              }
            }
          }
        }
      }
    }
    // Each point's own term: W(0) = 1, Kx(0) = Ky(0) = 0.
    return zParts.reduce(0, +) - Double(n)
  }
}

/// FFTW plans handed to concurrent tasks (each runs a different plan).
struct SendablePlans: @unchecked Sendable {
  let plans: [fftw_plan]
  init(_ plans: [fftw_plan]) { self.plans = plans }
}

/// A workspace handed to concurrent tasks (each touches only its own buffers).
struct SendableWorkspace: @unchecked Sendable {
  let space: FFTRepulsion.Workspace
  init(_ space: FFTRepulsion.Workspace) { self.space = space }
}
