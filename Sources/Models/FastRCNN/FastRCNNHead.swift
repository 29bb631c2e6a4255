// The Fast R-CNN detection head (Girshick, "Fast R-CNN", ICCV 2015, §2):
// RoI max pooling of each region of interest from the shared conv feature
// map, a fully connected layer with ReLU, then two sibling outputs: a softmax
// over C + 1 classes (0 = background) and class-specific box offsets, 4
// numbers per object class. Trained with the multi-task loss (eq. 1)
//   L = (1/R) Σ_i [ -log p_{u_i} + λ [u_i >= 1] Σ_{j in x,y,w,h} smoothL1(t^{u_i}_j - v_{ij}) ]
// over the R sampled regions of a minibatch (λ = 1, smooth L1 with β = 1,
// eq. 3; py-faster-rcnn divides both terms by R the same way).
//
// Conventions (as Experiments/Lecture08/RoIPooling explains): the feature
// map is the scene classifier's trunk up to conv3's ReLU, stride 4, with
// valid convolutions, so an image box is shifted by -7 px and scaled by 1/4
// to reach the map (`region`). Pooling is 4 x 4 (not the paper's 7 x 7) so
// that the pooled 4 x 4 x 64 = 1024 numbers match the scene classifier's
// FC input and its `cls.fc1` (1024 -> 128) can initialize `head.fc`, as
// Fast R-CNN initializes fc6/fc7 from the ImageNet classifier. Box offsets
// are R-CNN's (t_x, t_y, t_w, t_h) (BoxCoder) normalized by `normalization`
// (BoxTargetNormalization, py-faster-rcnn's means 0, stds 0.1/0.1/0.2/0.2
// by default); output column 4 (c - 1) + j holds class c's coordinate j
// (c = 1...C; the background class has no box). New layers start from
// zero-mean Gaussians with std 0.01 (classifier) and 0.001 (box regressor),
// biases 0, as in the paper (§2.3). Decoding (§4 "test"): per object class,
// score p_c, box = the proposal moved by class c's offsets, clipped to the
// image; scores below `scoreThreshold` dropped; per-class NMS at 0.3; at
// most `maxPerImage` detections by score.
import Detection
import Layers
import Tensor

public final class FastRCNNHead {
  /// Object classes C (Fashion-MNIST); the classifier has C + 1 outputs.
  public static let classes = 10
  public static let stride: Float = 4
  /// Image pixels subtracted from a box before the spatial scale (valid convolutions).
  public static let offset = 7.0
  public static let poolSide = 4
  public static let channels = 64
  public static let hidden = 128

  public let pool: RoIPool
  public let fc: Linear  // "head.fc" (1024 -> 128)
  public let relu: ReLU
  public let classifier: Linear  // "head.cls" (128 -> C + 1)
  public let regressor: Linear  // "head.box" (128 -> 4 C)
  /// The three FC layers, for saving, loading and the optimizer.
  public let layers: Sequential
  public var coder: BoxCoder
  public var normalization: BoxTargetNormalization
  /// Image pixels subtracted from a box before the spatial scale, for this head's trunk
  /// (`Self.offset` for the scene classifier's; other trunks derive theirs from their receptive field).
  public let mapOffset: Double

  public init(seed: UInt64, coder: BoxCoder = BoxCoder(), normalization: BoxTargetNormalization = .fastRCNN, mapOffset: Double = FastRCNNHead.offset) {
    var rng = SplitMix64(seed: seed)
    let inputs = Self.channels * Self.poolSide * Self.poolSide
    pool = RoIPool(outputHeight: Self.poolSide, outputWidth: Self.poolSide, spatialScale: 1 / Self.stride)
    fc = Linear(name: "head.fc", inputs: inputs, outputs: Self.hidden, using: &rng)
    relu = ReLU(name: "head.relu")
    classifier = Linear(name: "head.cls", inputs: Self.hidden, outputs: Self.classes + 1, using: &rng)
    regressor = Linear(name: "head.box", inputs: Self.hidden, outputs: 4 * Self.classes, using: &rng)
    classifier.weight.value = Tensor.randomNormal(shape: classifier.weight.value.shape, std: 0.01, using: &rng)
    regressor.weight.value = Tensor.randomNormal(shape: regressor.weight.value.shape, std: 0.001, using: &rng)
    layers = Sequential([fc, relu, classifier, regressor])
    (self.coder, self.normalization, self.mapOffset) = (coder, normalization, mapOffset)
  }

  /// Copies a trained FC layer of the same shape (the scene classifier's `cls.fc1`) into `head.fc`.
  public func initializeHidden(from trained: Linear) {
    precondition(trained.weight.value.shape == fc.weight.value.shape, "FastRCNNHead: cannot initialize head.fc \(fc.weight.value.shape) from \(trained.weight.value.shape)")
    fc.weight.value = trained.weight.value
    fc.bias.value = trained.bias.value
  }

  /// An image box (pixels of scene `image`) as a region on the stride-4 map.
  public static func region(_ box: Box, image: Int) -> RegionOfInterest {
    region(box, image: image, offset: offset)
  }

  /// An image box as a region on this head's map (its trunk's `mapOffset`).
  public func mapRegion(_ box: Box, image: Int) -> RegionOfInterest {
    Self.region(box, image: image, offset: mapOffset)
  }

  static func region(_ box: Box, image: Int, offset: Double) -> RegionOfInterest {
    RegionOfInterest(batchIndex: image, x1: Float(box.x1 - offset), y1: Float(box.y1 - offset), x2: Float(box.x2 - offset), y2: Float(box.y2 - offset))
  }

  /// What `backward` needs from a forward pass.
  public struct Cache {
    let pool: RoIPool.Cache
    let fc: Linear.Cache
    let relu: ReLU.Cache
    let classifier: Linear.Cache
    let regressor: Linear.Cache
  }

  /// Class logits (K, C + 1) and normalized box offsets (K, 4 C) of `rois` over features (N, 64, H, W).
  public func forward(features: Tensor, rois: [RegionOfInterest]) -> (logits: Tensor, deltas: Tensor, cache: Cache) {
    let (pooled, poolCache) = pool.forward(features, rois: rois)  // (K, 64, 4, 4)
    let flat = pooled.reshaped([rois.count, pooled.count / max(rois.count, 1)])  // (K, 1024)
    let (h, fcCache) = fc.forward(flat, mode: .train)  // (K, 128)
    let (a, reluCache) = relu.forward(h, mode: .train)
    let (logits, clsCache) = classifier.forward(a, mode: .train)  // (K, C + 1)
    let (deltas, boxCache) = regressor.forward(a, mode: .train)  // (K, 4 C)
    return (logits, deltas, Cache(pool: poolCache, fc: fcCache, relu: reluCache, classifier: clsCache, regressor: boxCache))
  }

  /// The two terms of the multi-task loss and their gradients with respect to the head's outputs.
  public struct Loss {
    /// (1/R) Σ -log p_u.
    public var classification: Float
    /// (1/R) Σ_{foreground} Σ_j smoothL1 (before λ).
    public var box: Float
    public var lambda: Float
    public var total: Float { classification + lambda * box }
    /// dL/dlogits (K, C + 1) and dL/ddeltas (K, 4 C), λ included.
    public var dLogits: Tensor
    public var dDeltas: Tensor

    public init(classification: Float = 0, box: Float = 0, lambda: Float = 1, dLogits: Tensor, dDeltas: Tensor) {
      (self.classification, self.box, self.lambda, self.dLogits, self.dDeltas) = (classification, box, lambda, dLogits, dDeltas)
    }
  }

  /// The multi-task loss for labels in 0...C (0 = background) and, for foreground
  /// regions, normalized targets (t_x, t_y, t_w, t_h) (nil for background).
  public func loss(logits: Tensor, deltas: Tensor, labels: [Int], targets: [[Double]?], lambda: Float = 1) -> Loss {
    let r = labels.count
    precondition(logits.shape == [r, Self.classes + 1] && deltas.shape == [r, 4 * Self.classes] && targets.count == r,
                  "FastRCNNHead.loss: logits \(logits.shape), deltas \(deltas.shape), \(r) labels, \(targets.count) targets")
    let cls = softmaxCrossEntropy(logits: logits, labels: labels)
    // The true class's four offsets of every region; background rows get target = prediction (no loss, no gradient).
    var chosen = Tensor(zeros: [r, 4]), goal = Tensor(zeros: [r, 4])
    for i in 0..<r {
      let u = labels[i]
      for j in 0..<4 {
        let v = u >= 1 ? deltas.scalars[i * 4 * Self.classes + 4 * (u - 1) + j] : 0
        chosen.scalars[i * 4 + j] = v
        if u >= 1, let t = targets[i] {
          goal.scalars[i * 4 + j] = Float(t[j])
        } else {
          goal.scalars[i * 4 + j] = v
        }
      }
    }
    let box = smoothL1Loss(prediction: chosen, target: goal)  // Σ / R
    var dDeltas = Tensor(zeros: deltas.shape)
    for i in 0..<r where labels[i] >= 1 {
      for j in 0..<4 { dDeltas.scalars[i * 4 * Self.classes + 4 * (labels[i] - 1) + j] = lambda * box.gradient.scalars[i * 4 + j] }
    }
    return Loss(classification: cls.value, box: box.value, lambda: lambda, dLogits: cls.gradient, dDeltas: dDeltas)
  }

  /// The vector-Jacobian product of features -> (logits, deltas) for seeds `dLogits`, `dDeltas` (gradient checks).
  public func backward(dLogits: Tensor, dDeltas: Tensor, cache: Cache) -> Tensor {
    backward(Loss(dLogits: dLogits, dDeltas: dDeltas), cache: cache)
  }

  /// Adds the head's parameter gradients and returns dL/dfeatures (N, 64, H, W), routed through RoI max pooling.
  @discardableResult
  public func backward(_ loss: Loss, cache: Cache) -> Tensor {
    var da = classifier.backward(loss.dLogits, cache: cache.classifier, rule: .gradient)
    da += regressor.backward(loss.dDeltas, cache: cache.regressor, rule: .gradient)
    let dh = relu.backward(da, cache: cache.relu, rule: .gradient)
    let dFlat = fc.backward(dh, cache: cache.fc, rule: .gradient)  // (K, 1024)
    let k = cache.pool.rois.count
    return pool.backward(dFlat.reshaped([k, Self.channels, Self.poolSide, Self.poolSide]), cache: cache.pool)
  }

  /// Detections of one scene: `proposals` (its pixels) and the head's outputs for them, in the same order.
  public func detections(
    logits: Tensor, deltas: Tensor, proposals: [Box], imageSize: Double,
    scoreThreshold: Double = 0.01, nmsIoU: Double = 0.3, maxPerImage: Int = 100
  ) -> [ScoredDetection] {
    let k = proposals.count
    precondition(logits.shape == [k, Self.classes + 1] && deltas.shape == [k, 4 * Self.classes], "FastRCNNHead.detections: logits \(logits.shape), deltas \(deltas.shape), \(k) proposals")
    let p = softmax(logits)
    var found: [ScoredDetection] = []
    for i in 0..<k {
      for c in 1...Self.classes {
        let score = Double(p.scalars[i * (Self.classes + 1) + c])
        guard score >= scoreThreshold else { continue }
        let o = i * 4 * Self.classes + 4 * (c - 1)
        let t = normalization.denormalize((0..<4).map { Double(deltas.scalars[o + $0]) })
        let b = coder.decode(t, relativeTo: proposals[i])
        let clipped = Box(x1: min(max(b.x1, 0), imageSize), y1: min(max(b.y1, 0), imageSize), x2: min(max(b.x2, 0), imageSize), y2: min(max(b.y2, 0), imageSize))
        guard clipped.x2 > clipped.x1, clipped.y2 > clipped.y1 else { continue }
        found.append(ScoredDetection(label: c - 1, box: clipped, score: score))
      }
    }
    let kept = perClassNonMaxSuppression(found.map(\.box), scores: found.map(\.score), classes: found.map(\.label), iouThreshold: nmsIoU)
    return kept.prefix(maxPerImage).map { found[$0] }
  }
}
