// DeepDream: gradient ascent on an image that boosts every activation of one
// layer (Mordvintsev, Olah & Tyka, "Inceptionism: Going Deeper into Neural
// Networks", Google Research blog, June 2015; their code is google/deepdream's
// dream.ipynb: `objective_L2`, `make_step`, `deepdream`). CS231n lecture 9:
// "forward to a layer; set the gradient equal to its activation; backward;
// update the image".
//
// Objective: L(x) = ½ Σ a(x)², a the output of `layer`. Its gradient with
// respect to a is a itself (dream.ipynb's objective_L2: dst.diff = dst.data),
// seeded there and replayed back to the pixels by the Trace.
// Step (make_step): roll the image by a random jitter (dy, dx), move it by
// η g / mean|g| (the mean over each image's channels and pixels, so η is the
// mean absolute change per pixel), roll it back, clip to the pixel range.
// Octaves (deepdream): the image shrunk octaves − 1 times by 1/scale
// (bilinear, each from the previous one; sizes rounded as scipy's nd.zoom
// does); the dream starts at the smallest; after each octave its detail
// (image − that octave's base) is resized to the next size and added to the
// next base.
// Conventions: NCHW, any number of images (each normalized by its own
// gradient, one jitter for the batch); the image stays in pixel space and
// the net sees scale · (x + offset), an affine input normalization such as
// LocalizationNetwork's (x − 0.5) · 4, whose factor the gradient carries.
import Tensor

/// The knobs of `deepDream` (dream.ipynb's defaults: 4 octaves, scale 1.4,
/// 10 iterations per octave, step 1.5 on 0...255 pixels, jitter 32, clip).
public struct DreamSettings: Sendable, Codable, Equatable {
  public var octaves: Int
  public var octaveScale: Double
  public var iterations: Int
  /// η: the mean absolute pixel change of one step.
  public var stepSize: Float
  /// The largest jitter shift, in pixels, along each axis.
  public var jitter: Int
  /// Pixels are clipped to this range after every step (nil: no clipping).
  public var pixelRange: ClosedRange<Float>?

  public init(octaves: Int, octaveScale: Double, iterations: Int, stepSize: Float, jitter: Int, pixelRange: ClosedRange<Float>? = 0...1) {
    precondition(octaves >= 1, "DreamSettings: octaves must be at least 1, got \(octaves)")
    precondition(octaveScale >= 1, "DreamSettings: octaveScale must be at least 1, got \(octaveScale)")
    (self.octaves, self.octaveScale, self.iterations) = (octaves, octaveScale, iterations)
    (self.stepSize, self.jitter, self.pixelRange) = (stepSize, jitter, pixelRange)
  }
}

/// What one octave did: its size and the objective at its base (the original
/// at that size), at its start (base + detail of the coarser octaves) and at
/// its end, without jitter; and the objective before each step (jittered).
public struct DreamOctave: Sendable, Codable, Equatable {
  public var height: Int
  public var width: Int
  public var base: Float
  public var start: Float
  public var end: Float
  public var steps: [Float]
}

// snippet.objective
/// ½ Σ a², a = `layer`'s output for input scale · (x + offset), and its gradient w.r.t. x.
public func dreamObjective(_ net: Sequential, layer: String, inputScale: Float = 1, inputOffset: Float = 0) -> Objective {
  guard let last = net.layers.firstIndex(where: { $0.name == layer }) else {
    preconditionFailure("dreamObjective: no layer named \(layer) (have \(net.layers.map(\.name)))")
  }
  let head = Sequential(Array(net.layers[...last]))  // the forward stops at the dreamed layer
  return { x in
    var trace = Trace()
    let a = head.forward(x.map { ($0 + inputOffset) * inputScale }, mode: .test, trace: &trace)
    let value = a.dot(a) / 2
    var gradient = trace.backward(seeds: [layer: a])  // objective_L2: the gradient at the layer is the activation
    gradient.scale(by: inputScale)
    return (Float(value), gradient)
  }
}
// snippet.end

// snippet.step
/// One ascent step (make_step): jitter, x += η g / mean|g| per image, unjitter, clip.
/// Returns the objective of the jittered image before the step.
@discardableResult
public func dreamStep(_ x: inout Tensor, objective: Objective, stepSize: Float, jitter: Jitter, pixelRange: ClosedRange<Float>?) -> Float {
  var shifted = jitter(x)
  let (value, g) = objective(shifted)
  let n = x.shape[0], size = x.count / n
  for i in 0..<n {
    let range = (i * size)..<((i + 1) * size)
    let meanAbs = range.reduce(0.0) { $0 + Double(abs(g.scalars[$1])) } / Double(size)
    guard meanAbs > 0 else { continue }
    let s = stepSize / Float(meanAbs)
    for j in range { shifted.scalars[j] += s * g.scalars[j] }
  }
  x = jitter.inverse(shifted)
  if let r = pixelRange { x = x.map { min(max($0, r.lowerBound), r.upperBound) } }
  return value
}
// snippet.end

/// The octave sizes, largest (the image's own) first: each the previous one
/// divided by `scale`, rounded to the nearest integer (scipy's nd.zoom).
public func octaveSizes(height: Int, width: Int, octaves: Int, scale: Double) -> [(height: Int, width: Int)] {
  var sizes = [(height, width)]
  for _ in 1..<max(octaves, 1) {
    let (h, w) = sizes.last!
    sizes.append((max(1, Int((Double(h) / scale).rounded())), max(1, Int((Double(w) / scale).rounded()))))
  }
  return sizes
}

// snippet.octaves
/// The dream of `image` (N, C, H, W) under `objective`, coarse octave to fine.
public func deepDream(_ image: Tensor, objective: Objective, settings: DreamSettings, using rng: inout SplitMix64) -> (image: Tensor, octaves: [DreamOctave]) {
  let sizes = octaveSizes(height: image.shape[2], width: image.shape[3], octaves: settings.octaves, scale: settings.octaveScale)
  var bases = [image]
  for (h, w) in sizes.dropFirst() { bases.append(bases.last!.resizedBilinear(height: h, width: w)) }
  var detail = Tensor(zeros: bases.last!.shape)
  var x = image
  var records: [DreamOctave] = []
  for base in bases.reversed() {
    let (h, w) = (base.shape[2], base.shape[3])
    if detail.shape != base.shape { detail = detail.resizedBilinear(height: h, width: w) }
    x = base + detail
    var record = DreamOctave(height: h, width: w, base: objective(base).value, start: objective(x).value, end: 0, steps: [])
    for _ in 0..<settings.iterations {
      let jitter = Jitter.random(maximum: settings.jitter, using: &rng)
      record.steps.append(dreamStep(&x, objective: objective, stepSize: settings.stepSize, jitter: jitter, pixelRange: settings.pixelRange))
    }
    record.end = objective(x).value
    records.append(record)
    detail = x - base
  }
  return (x, records)
}
// snippet.end
