import Detection
import Foundation
import Testing

@testable import Datasets
@testable import Tensor

struct FashionScenesTests {
  static let items = try! FashionMNIST.load(.test, limit: 500)
  static let spec = SceneSpec(size: 64, objects: 1...4, objectSize: 16...30, maxOverlap: 0.1)

  @Test func sameSeedSameScenesAndSceneIDoesNotDependOnTheCount() {
    let a = FashionScenes.generate(Self.spec, count: 12, source: Self.items, seed: 7)
    let b = FashionScenes.generate(Self.spec, count: 12, source: Self.items, seed: 7)
    let c = FashionScenes.generate(Self.spec, count: 5, source: Self.items, seed: 7)
    let d = FashionScenes.generate(Self.spec, count: 5, source: Self.items, seed: 8)
    #expect(a.images == b.images)
    #expect(a.objects == b.objects)
    #expect(a.images.slice(0..<5) == c.images)
    #expect(Array(a.objects.prefix(5)) == c.objects)
    #expect(c.images != d.images)
  }

  @Test func oneAndTwoThreadsDrawTheSameBits() {
    let one = Parallel.$threadOverride.withValue(1) { FashionScenes.generate(Self.spec, count: 40, source: Self.items, seed: 3) }
    let two = Parallel.$threadOverride.withValue(2) { FashionScenes.generate(Self.spec, count: 40, source: Self.items, seed: 3) }
    #expect(one.images == two.images)
    #expect(one.masks == two.masks)
  }

  @Test func boxesAreTightAroundTheMaskAndRespectTheSpec() {
    let scenes = FashionScenes.generate(Self.spec, count: 30, source: Self.items, seed: 11)
    #expect(scenes.images.shape == [30, 3, 64, 64])
    #expect(scenes.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    let s = Self.spec.size
    for (mask, boxes) in zip(scenes.masks, scenes.objects) {
      #expect((1...4).contains(boxes.count))
      for (i, a) in boxes.enumerated() {
        #expect(a.box.x1 >= 0 && a.box.y1 >= 0 && a.box.x2 <= 64 && a.box.y2 <= 64)
        #expect(a.box.width() <= 30 && a.box.height() <= 30)
        for b in boxes[(i + 1)...] { #expect(a.box.intersectionOverUnion(with: b.box) <= 0.1 + 1e-12) }
      }
      // Every object pixel lies in a box, and each box edge touches an object pixel (tight).
      for y in 0..<s {
        for x in 0..<s where mask[y * s + x] > FashionScenes.coverageThreshold {
          #expect(boxes.contains { Double(x) >= $0.box.x1 && Double(x) < $0.box.x2 && Double(y) >= $0.box.y1 && Double(y) < $0.box.y2 })
        }
      }
      for b in boxes.map(\.box) {
        let inside = (Int(b.y1)..<Int(b.y2)).flatMap { y in (Int(b.x1)..<Int(b.x2)).map { (x: $0, y: y) } }
          .filter { mask[$0.y * s + $0.x] > FashionScenes.coverageThreshold }
        #expect(inside.contains { $0.x == Int(b.x1) } && inside.contains { $0.x == Int(b.x2) - 1 })
        #expect(inside.contains { $0.y == Int(b.y1) } && inside.contains { $0.y == Int(b.y2) - 1 })
      }
    }
  }

  @Test func labelsComeFromTheSourceItems() {
    // A source of one class only: every box carries that label.
    var trousers = Self.items
    let keep = trousers.labels.indices.filter { trousers.labels[$0] == 1 }
    trousers.images = trousers.images.gather(keep)
    trousers.labels = keep.map { _ in 1 }
    let scenes = FashionScenes.generate(Self.spec, count: 10, source: trousers, seed: 1)
    #expect(scenes.objects.flatMap { $0 }.allSatisfy { $0.label == 1 })
  }

  @Test func overlapIsIoUByHand() {
    let a = LabeledBox(label: 0, x1: 0, y1: 0, x2: 2, y2: 2), b = LabeledBox(label: 0, x1: 1, y1: 1, x2: 3, y2: 3)
    #expect(abs(a.box.intersectionOverUnion(with: b.box) - 1.0 / 7.0) < 1e-12)
    #expect(a.box.intersectionOverUnion(with: Box(x1: 5, y1: 5, x2: 6, y2: 6)) == 0)
  }
}

struct StickFiguresTests {
  @Test func figuresAreDeterministicWithJointsInside() {
    let a = StickFigures.generate(count: 20, size: 48, seed: 4)
    let b = StickFigures.generate(count: 20, size: 48, seed: 4)
    #expect(a.images == b.images)
    #expect(a.joints.count == 20 && a.joints.allSatisfy { $0.count == 14 })
    for (p, q) in zip(a.joints, b.joints) { #expect(zip(p, q).allSatisfy { $0.x == $1.x && $0.y == $1.y }) }
    #expect(a.joints.allSatisfy { $0.allSatisfy { $0.x >= 2 && $0.x <= 46 && $0.y >= 2 && $0.y <= 46 } })
    // Bone lengths follow the torso: the shin is 0.55 x the neck-to-pelvis length.
    for j in a.joints {
      let pelvis = ((j[2].x + j[3].x) / 2, (j[2].y + j[3].y) / 2)
      let torso = hypot(j[12].x - pelvis.0, j[12].y - pelvis.1)
      #expect(abs(hypot(j[0].x - j[1].x, j[0].y - j[1].y) - 0.55 * torso) < 1e-9)
    }
  }

  @Test func pckCountsJointsWithinTheToleranceByHand() {
    // Torso: neck (0, 0) to mid-hip (0, 10) = 10; tolerance at 0.2 is 2 px.
    var truth = [(x: Double, y: Double)](repeating: (0, 5), count: 14)
    truth[2] = (-1, 10)
    truth[3] = (1, 10)
    truth[12] = (0, 0)
    var guess = truth
    guess[0] = (truth[0].x + 1.9, truth[0].y)  // within 2
    guess[1] = (truth[1].x, truth[1].y + 2.1)  // outside
    guess[5] = (truth[5].x + 3, truth[5].y + 4)  // 5 px away
    let pck = StickFigures.pck(predicted: [guess], truth: [truth], fraction: 0.2)
    #expect(pck[0] == 1 && pck[1] == 0 && pck[5] == 0)
    #expect(pck.reduce(0, +) == 12)
    #expect(StickFigures.pck(predicted: [guess], truth: [truth], fraction: 0.5).reduce(0, +) == 14)
  }
}
