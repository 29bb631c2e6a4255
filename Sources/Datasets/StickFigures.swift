// Generated stick figures with joint coordinates: the pose data of the
// DeepPose chapter (Toshev & Szegedy, "DeepPose: Human Pose Estimation via
// Deep Neural Networks", CVPR 2014).
//
// Joints follow the Leeds Sports Pose order DeepPose used (14 joints):
// 0 right ankle, 1 right knee, 2 right hip, 3 left hip, 4 left knee,
// 5 left ankle, 6 right wrist, 7 right elbow, 8 right shoulder,
// 9 left shoulder, 10 left elbow, 11 left wrist, 12 neck, 13 head top.
// "Right" is the figure's right; right limbs are drawn in a warm colour and
// left limbs in a cool one, so the two sides can be told apart (a stick
// figure has no face to say which way it looks).
//
// A figure is a kinematic chain: pelvis position, torso length T and tilt,
// then each limb's angle; bone lengths are fixed fractions of T. Coordinates
// are continuous pixels (x right, y down) on a (3, size, size) canvas.
import Tensor

public struct StickFigures: Sendable {
  public static let jointNames = [
    "right ankle", "right knee", "right hip", "left hip", "left knee", "left ankle",
    "right wrist", "right elbow", "right shoulder", "left shoulder", "left elbow", "left wrist", "neck", "head top",
  ]
  /// Bones as pairs of joint indices (the skeleton drawn and the limbs painted).
  public static let bones: [(Int, Int)] = [
    (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 7), (7, 8), (8, 12), (12, 9), (9, 10), (10, 11), (12, 13),
  ]
  static let rightSide: Set<Int> = [0, 1, 2, 6, 7, 8]
  static let leftSide: Set<Int> = [3, 4, 5, 9, 10, 11]

  public let size: Int
  /// (N, 3, size, size) in [0, 1].
  public var images: Tensor
  /// Per figure, 14 joints as (x, y) pixels.
  public var joints: [[(x: Double, y: Double)]]
  public var count: Int { joints.count }

  /// Generates `count` figures on `size` x `size` canvases; figure i from `SplitMix64(seed).derived("figure i")`.
  public static func generate(count: Int, size: Int, clutter: Clutter = .mild, seed: UInt64) -> StickFigures {
    precondition(size >= 32, "StickFigures: canvas \(size) px is too small (at least 32)")
    let plane = 3 * size * size
    var pixels = [Float](repeating: 0, count: count * plane)
    var joints = [[(x: Double, y: Double)]](repeating: [], count: count)
    let root = SplitMix64(seed: seed)
    pixels.withUnsafeMutableBufferPointer { px in
      joints.withUnsafeMutableBufferPointer { jt in
        let (p, j) = (SendablePointer(px.baseAddress!), SendablePointer(jt.baseAddress!))
        Parallel.chunks(count, cost: 1 << 14) { range in
          for i in range {
            var rng = root.derived("figure \(i)")
            let pose = randomPose(size: size, using: &rng)
            var canvas = SceneBackground.paint(size: size, clutter: clutter, using: &rng)
            draw(pose, on: &canvas, using: &rng)
            (p.base + i * plane).update(from: canvas.pixels, count: plane)
            j.base[i] = pose
          }
        }
      }
    }
    return StickFigures(size: size, images: Tensor(shape: [count, 3, size, size], scalars: pixels), joints: joints)
  }

  /// A pose whose joints all lie at least 2 px inside the canvas.
  static func randomPose(size: Int, using rng: inout SplitMix64) -> [(x: Double, y: Double)] {
    let s = Double(size)
    while true {
      let torso = rng.uniform(0.24, 0.3) * s
      let pelvis = (x: rng.uniform(0.3, 0.7) * s, y: rng.uniform(0.5, 0.62) * s)
      let tilt = rng.uniform(-0.35, 0.35)  // radians from vertical
      func at(_ p: (x: Double, y: Double), _ angle: Double, _ length: Double) -> (x: Double, y: Double) {
        // angle measured from "down" (0 = straight down), counter-clockwise on screen.
        (p.x + sin(angle) * length, p.y + cos(angle) * length)
      }
      let up = Double.pi + tilt
      let neck = at(pelvis, up, torso)
      let head = at(neck, up + rng.uniform(-0.3, 0.3), 0.42 * torso)
      let across = tilt + Double.pi / 2  // the figure's left-right axis
      let rightHip = at(pelvis, across, 0.2 * torso), leftHip = at(pelvis, across + .pi, 0.2 * torso)
      let rightShoulder = at(neck, across, 0.3 * torso), leftShoulder = at(neck, across + .pi, 0.3 * torso)
      // Legs hang down within +-1.1 rad, knees bend up to 1.3 rad; arms anywhere but straight up.
      let rightThigh = tilt + rng.uniform(-0.2, 1.1), leftThigh = tilt - rng.uniform(-0.2, 1.1)
      let rightKnee = at(rightHip, rightThigh, 0.6 * torso), leftKnee = at(leftHip, leftThigh, 0.6 * torso)
      let rightAnkle = at(rightKnee, rightThigh - rng.uniform(0, 1.3), 0.55 * torso)
      let leftAnkle = at(leftKnee, leftThigh + rng.uniform(0, 1.3), 0.55 * torso)
      let rightUpper = tilt + rng.uniform(0.1, 2.6), leftUpper = tilt - rng.uniform(0.1, 2.6)
      let rightElbow = at(rightShoulder, rightUpper, 0.5 * torso), leftElbow = at(leftShoulder, leftUpper, 0.5 * torso)
      let rightWrist = at(rightElbow, rightUpper + rng.uniform(-1.8, 1.8), 0.45 * torso)
      let leftWrist = at(leftElbow, leftUpper + rng.uniform(-1.8, 1.8), 0.45 * torso)
      let pose = [rightAnkle, rightKnee, rightHip, leftHip, leftKnee, leftAnkle, rightWrist, rightElbow, rightShoulder, leftShoulder, leftElbow, leftWrist, neck, head]
      if pose.allSatisfy({ $0.x >= 2 && $0.x <= s - 2 && $0.y >= 2 && $0.y <= s - 2 }) { return pose }
    }
  }

  static func draw(_ pose: [(x: Double, y: Double)], on canvas: inout Canvas, using rng: inout SplitMix64) {
    let hue = rng.uniform(0, 1)
    let right = RGB.hsv(hue: 0.02 + 0.1 * hue, saturation: 0.9, value: 0.95)  // reds-oranges
    let left = RGB.hsv(hue: 0.5 + 0.15 * hue, saturation: 0.9, value: 0.85)  // cyans-blues
    let body = RGB.hsv(hue: 0, saturation: 0, value: rng.nextUniform() < 0.5 ? 0.05 : 0.98)
    let width = max(1.5, Double(canvas.size) * 0.045)
    for (a, b) in bones {
      let color = rightSide.contains(a) && rightSide.contains(b) ? right : leftSide.contains(a) && leftSide.contains(b) ? left : body
      SceneBackground.paintSegment(&canvas, from: pose[a], to: pose[b], width: width, color: color, alpha: 1)
    }
    // The head: a disc centred between neck and head top.
    let centre = ((pose[12].x + pose[13].x) / 2, (pose[12].y + pose[13].y) / 2)
    let radius = hypot(pose[13].x - pose[12].x, pose[13].y - pose[12].y) / 2
    SceneBackground.paintSegment(&canvas, from: centre, to: centre, width: 2 * radius, color: body, alpha: 1)
  }

  /// PCK: a joint is correct when its predicted position lies within
  /// `fraction` x torso diameter of the truth; the torso diameter is the
  /// distance from the neck to the midpoint of the hips (our figures have no
  /// LSP-style torso box). Returns the share correct per joint.
  public static func pck(predicted: [[(x: Double, y: Double)]], truth: [[(x: Double, y: Double)]], fraction: Double) -> [Double] {
    precondition(predicted.count == truth.count, "pck: \(predicted.count) predictions, \(truth.count) truths")
    var correct = [Int](repeating: 0, count: jointNames.count)
    for (p, t) in zip(predicted, truth) {
      let pelvis = ((t[2].x + t[3].x) / 2, (t[2].y + t[3].y) / 2)
      let torso = hypot(t[12].x - pelvis.0, t[12].y - pelvis.1)
      for j in 0..<jointNames.count where hypot(p[j].x - t[j].x, p[j].y - t[j].y) <= fraction * torso { correct[j] += 1 }
    }
    return correct.map { Double($0) / Double(max(truth.count, 1)) }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
