// The RPN's proposal layer (Ren et al., "Faster R-CNN", NeurIPS 2015, §3.3;
// py-faster-rcnn's proposal_layer.py): every anchor's deltas decoded into a
// box (BoxCoder, weights 1), clipped to the image, boxes narrower or lower
// than `minSize` removed (py-faster-rcnn's RPN_MIN_SIZE 16 px at the image's
// scale is one stride of VGG16; ours is one stride, 4 px), the `preNMS`
// highest objectness scores kept, greedy NMS at IoU 0.7, then the first
// `postNMS`. The paper's numbers (test 6000 before NMS, 300 after; training
// 12000 / 2000) are for ~20,000 anchors on a 1000 x 600 image; ours are
// scaled with the anchor count (28 x 28 x 9 = 7,056 anchors, a third):
// ProposalLayer.test and .train say what. Proposals carry no gradient (the
// "approximate joint training" of §3.2: RoI pooling is not differentiated
// with respect to the box coordinates).
import Detection
import Foundation

public struct ProposalLayer: Sendable, Codable, Equatable {
  public var preNMS: Int
  public var postNMS: Int
  public var nmsIoU: Double
  public var minSize: Double

  public init(preNMS: Int, postNMS: Int, nmsIoU: Double = 0.7, minSize: Double = 4) {
    (self.preNMS, self.postNMS, self.nmsIoU, self.minSize) = (preNMS, postNMS, nmsIoU, minSize)
  }

  /// Test time: the paper's 6000 / 300, scaled by our third of the anchors.
  public static let test = ProposalLayer(preNMS: 2_000, postNMS: 100)
  /// Training (the head's regions): the paper's 12000 / 2000, scaled likewise.
  public static let train = ProposalLayer(preNMS: 4_000, postNMS: 700)

  /// Proposals and their objectness (sigmoid) by decreasing score.
  public func proposals(anchors: [Box], logits: [Float], deltas: [[Double]], width: Double, height: Double) -> (boxes: [Box], scores: [Double]) {
    let coder = BoxCoder()
    var boxes: [Box] = [], scores: [Double] = []
    boxes.reserveCapacity(anchors.count)
    for n in anchors.indices {
      let b = coder.decode(deltas[n], relativeTo: anchors[n]).clipped(width: width, height: height)
      guard b.width() >= minSize && b.height() >= minSize else { continue }
      boxes.append(b)
      scores.append(1 / (1 + exp(-Double(logits[n]))))
    }
    // Stable order: decreasing score, lower index first on ties.
    let order = boxes.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(preNMS)
    let top = order.map { boxes[$0] }, topScores = order.map { scores[$0] }
    let kept = nonMaxSuppression(top, scores: topScores, iouThreshold: nmsIoU).prefix(postNMS)
    return (kept.map { top[$0] }, kept.map { topScores[$0] })
  }
}
