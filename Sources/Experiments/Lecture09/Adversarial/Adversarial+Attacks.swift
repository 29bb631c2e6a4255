// The attacks of the adversarial chapter.
//
// - fgsm: Goodfellow, Shlens & Szegedy, "Explaining and Harnessing
//   Adversarial Examples", ICLR 2015: x̃ = clip(x + ε sign ∇ₓ J(θ, x, y), 0, 1).
// - smallestPerturbations: Szegedy et al., "Intriguing properties of neural
//   networks", ICLR 2014, section 4.1: minimize c‖r‖² + loss_f(x + r, l)
//   subject to x + r ∈ [0, 1]ⁿ with box-constrained L-BFGS, and a search over
//   c (the largest c whose minimizer is classified l gives the smallest r).
//   Squared norm as in common implementations (L-BFGS wants a smooth
//   objective); the norm reported is the paper's √(Σ r² / n).
// - evolveFoolingImages: Nguyen, Yosinski & Clune, "Deep Neural Networks are
//   Easily Fooled", CVPR 2015: MAP-Elites with a direct encoding (one gene
//   per pixel), one niche per class, fitness = the net's softmax confidence.
// - ascendFoolingImages: gradient ascent on log p(class) from noise, in sign
//   steps kept in [0, 1].
// Conventions: images (N, 1, 28, 28) in [0, 1]; all nets in test mode.
import Datasets
import ExperimentKit
import Layers
import Models
import Tensor

extension Adversarial {
  /// Logits and ∇ₓ of each image's own cross-entropy for `labels`.
  static func inputGradient(_ net: Sequential, _ x: Tensor, labels: [Int]) -> (logits: Tensor, loss: Float, gradient: Tensor) {
    var trace = Trace()
    let logits = net.forward(x, mode: .test, trace: &trace)
    var (loss, dlogits) = softmaxCrossEntropy(logits: logits, labels: labels)
    dlogits.scale(by: Float(labels.count))  // the sum of the per-image losses, not their mean
    net.zeroGrad()
    return (logits, loss * Float(labels.count), trace.backward(seeds: [net.outputName: dlogits]))
  }

  // snippet.fgsm
  /// sign ∇ₓ J(θ, x, y): the direction FGSM moves every pixel.
  static func gradientSign(_ net: Sequential, _ x: Tensor, labels: [Int]) -> Tensor {
    inputGradient(net, x, labels: labels).gradient.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
  }

  /// The fast gradient sign method, x + ε sign ∇ₓJ, kept in the valid image range unless `clip` is false.
  static func fgsm(_ net: Sequential, _ x: Tensor, labels: [Int], epsilon: Float, clip: Bool = true) -> Tensor {
    step(x, along: gradientSign(net, x, labels: labels), epsilon: epsilon, clip: clip)
  }

  /// x + ε sign(direction), by Layers' `fastGradientSign` (the visualization
  /// assignment's function, so a student's FGSM drives this chapter's numbers).
  static func step(_ x: Tensor, along sign: Tensor, epsilon: Float, clip: Bool = true) -> Tensor {
    fastGradientSign(image: x, lossGradient: sign, epsilon: epsilon, range: clip ? 0...1 : nil)
  }
  // snippet.end

  /// FGSM in `steps` steps of ε / 4, each projected back into the ε-ball and [0, 1]
  /// (Kurakin et al. 2016's basic iterative method): a check that a defence did not just mask the gradient.
  static func iterativeFGSM(_ net: Sequential, _ x: Tensor, labels: [Int], epsilon: Float, steps: Int) -> Tensor {
    var current = x
    for _ in 0..<steps {
      let next = fgsm(net, current, labels: labels, epsilon: epsilon / 4)
      for i in 0..<current.count { current.scalars[i] = min(max(next.scalars[i], x.scalars[i] - epsilon), x.scalars[i] + epsilon) }
    }
    return current
  }

  /// Predictions and softmax probabilities, 500 images at a time.
  static func probabilities(_ net: Sequential, _ x: Tensor) -> Tensor {
    var rows: [Float] = []
    for start in Swift.stride(from: 0, to: x.shape[0], by: 500) {
      rows += softmax(net.forward(x.slice(start..<min(start + 500, x.shape[0])), mode: .test)).scalars
    }
    return Tensor(shape: [x.shape[0], 10], scalars: rows)
  }

  /// The per-pixel RMS of r, Szegedy et al.'s distortion √(Σ r² / n).
  static func rms(_ r: ArraySlice<Float>) -> Double {
    (r.map { Double($0) * Double($0) }.reduce(0, +) / Double(r.count)).squareRoot()
  }

  struct SmallestPerturbation {
    var adversarial: Tensor  // (B, 1, 28, 28): x + r, or x where no c succeeded
    var success: [Bool]
    var c: [Double]
  }

  // snippet.szegedy
  /// For each image x_b and target t_b, the smallest r found with x_b + r
  /// classified t_b: every round minimizes c_b‖r_b‖² + CE(f(x_b + r_b), t_b) in
  /// [0, 1] with L-BFGS (all pairs at once: the objective is a sum of
  /// independent terms), then moves each c_b: ×10 up after a success, ÷10
  /// after a failure, and log-space bisection once both sides are known.
  static func smallestPerturbations(
    _ net: Sequential, _ x: Tensor, targets: [Int], rounds: Int, iterations: Int, initialC: Double = 1
  ) -> SmallestPerturbation {
    let b = targets.count
    let plane = x.count / b
    var c = [Double](repeating: initialC, count: b)
    var succeeded = [Double?](repeating: nil, count: b), failed = [Double?](repeating: nil, count: b)
    var best = SmallestPerturbation(adversarial: x, success: [Bool](repeating: false, count: b), c: [Double](repeating: 0, count: b))
    var bestNorm = [Double](repeating: .infinity, count: b)
    for _ in 0..<rounds {
      let weights = c.map(Float.init)
      let objective: Objective = { z in
        let (_, loss, g) = inputGradient(net, z, labels: targets)
        var gradient = g
        var penalty = 0.0
        for i in 0..<z.count {
          let r = z.scalars[i] - x.scalars[i]
          penalty += Double(weights[i / plane] * r * r)
          gradient.scalars[i] += 2 * weights[i / plane] * r
        }
        return (loss + Float(penalty), gradient)
      }
      let z = minimizeLBFGSInBox(objective, from: x, lower: 0, upper: 1, iterations: iterations).x
      let predicted = net.forward(z, mode: .test).argmaxRows()
      for k in 0..<b {
        if predicted[k] == targets[k] {
          let r = (0..<plane).map { z.scalars[k * plane + $0] - x.scalars[k * plane + $0] }
          let norm = rms(r[...])
          if norm < bestNorm[k] {
            bestNorm[k] = norm
            best.adversarial.scalars.replaceSubrange((k * plane)..<((k + 1) * plane), with: z.scalars[(k * plane)..<((k + 1) * plane)])
            (best.success[k], best.c[k]) = (true, c[k])
          }
          succeeded[k] = max(succeeded[k] ?? 0, c[k])
        } else {
          failed[k] = min(failed[k] ?? .infinity, c[k])
        }
        switch (succeeded[k], failed[k]) {
        case (let s?, let f?): c[k] = (s * f).squareRoot()
        case (_?, nil): c[k] *= 10
        default: c[k] /= 10
        }
      }
    }
    return best
  }
  // snippet.end

  struct Elites {
    var images: Tensor  // (10, 1, 28, 28): the best image found for each class
    var confidence: [Double]
    /// The generation at which every niche first reached the threshold (nil: never).
    var generationsToThreshold: Int?
    var generations: Int
    var bestPerGeneration: [[Double]] = []
  }

  // snippet.mapElites
  /// MAP-Elites over the ten classes with a direct encoding: start from uniform
  /// noise; each generation mutates elites of niches still below the
  /// threshold, chosen at random (every pixel with
  /// probability `rate` gets Gaussian noise of σ 0.15, clipped to [0, 1]) and
  /// each child replaces the elite of every class it is more confident about.
  static func evolveFoolingImages(
    _ net: Sequential, generations: Int, children: Int, threshold: Double, rate: Double = 0.1, using rng: inout SplitMix64
  ) -> Elites {
    let plane = 784
    let start = Tensor.randomUniform(shape: [children, 1, 28, 28], low: 0, high: 1, using: &rng)
    var elites = Elites(images: Tensor(zeros: [10, 1, 28, 28]), confidence: [Double](repeating: -1, count: 10), generationsToThreshold: nil, generations: 0)
    func consider(_ batch: Tensor) {
      let p = probabilities(net, batch)
      for i in 0..<batch.shape[0] {
        for k in 0..<10 where Double(p.scalars[10 * i + k]) > elites.confidence[k] {
          elites.confidence[k] = Double(p.scalars[10 * i + k])
          elites.images.scalars.replaceSubrange((k * plane)..<((k + 1) * plane), with: batch.scalars[(i * plane)..<((i + 1) * plane)])
        }
      }
    }
    consider(start)
    for generation in 1...generations {
      var batch = Tensor(zeros: [children, 1, 28, 28])
      // Parents from the niches still below the threshold (a child competes in every niche).
      let open = (0..<10).filter { elites.confidence[$0] < threshold }
      for i in 0..<children {
        let parent = open[rng.nextInt(below: open.count)]
        for j in 0..<plane {
          var v = elites.images.scalars[parent * plane + j]
          if rng.nextUniform() < rate { v = min(max(v + Float(0.15 * rng.nextGaussian()), 0), 1) }
          batch.scalars[i * plane + j] = v
        }
      }
      consider(batch)
      elites.generations = generation
      elites.bestPerGeneration.append(elites.confidence)
      if elites.confidence.allSatisfy({ $0 >= threshold }) {
        elites.generationsToThreshold = generation
        break
      }
    }
    return elites
  }
  // snippet.end

  /// Gradient ascent on log p(k | x) for each class k from noise, in sign
  /// steps of `step`, kept in [0, 1]; stops a class at the threshold.
  static func ascendFoolingImages(
    _ net: Sequential, from noise: Tensor, threshold: Double, step: Float, maxSteps: Int
  ) -> (images: Tensor, confidence: [Double], steps: [Int]) {
    var x = noise
    var steps = [Int](repeating: maxSteps, count: 10)
    var done = [Bool](repeating: false, count: 10)
    let classes = Array(0..<10)
    for s in 0...maxSteps {
      let p = probabilities(net, x)
      for k in 0..<10 where !done[k] && Double(p.scalars[11 * k]) >= threshold { (done[k], steps[k]) = (true, s) }
      if done.allSatisfy({ $0 }) || s == maxSteps { break }
      let g = inputGradient(net, x, labels: classes).gradient  // ∇ of -log p(k): step against it
      for i in 0..<x.count where !done[i / 784] {
        let sign: Float = g.scalars[i] > 0 ? 1 : (g.scalars[i] < 0 ? -1 : 0)
        x.scalars[i] = min(max(x.scalars[i] - step * sign, 0), 1)
      }
    }
    let p = probabilities(net, x)
    return (x, (0..<10).map { Double(p.scalars[11 * $0]) }, steps)
  }
}
