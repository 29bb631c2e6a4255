import Foundation
import TestSupport
import Testing

@testable import Detection

struct HOGTests {
  /// The formulas of scripts/crosscheck_hog.py, channel-major.
  static func grey(_ h: Int, _ w: Int) -> [Float] {
    var out = [Float]()
    for y in 0..<h { for x in 0..<w {
      let (xd, yd) = (Double(x), Double(y))
      out.append(Float(0.5 + 0.3 * sin(0.7 * xd + 0.3 * yd) + 0.2 * cos(0.45 * yd - 0.02 * xd * xd)))
    } }
    return out
  }

  static func rgb(_ h: Int, _ w: Int) -> [Float] {
    var planes = [[Float]](repeating: [], count: 3)
    for y in 0..<h { for x in 0..<w {
      let (xd, yd) = (Double(x), Double(y))
      planes[0].append(Float(0.5 + 0.4 * sin(0.5 * xd - 0.2 * yd)))
      planes[1].append(Float(0.5 + 0.4 * cos(0.3 * xd + 0.6 * yd)))
      planes[2].append(Float(0.5 + 0.4 * sin(0.05 * xd * yd)))
    } }
    return planes.flatMap { $0 }
  }

  @Test(arguments: ["grey", "rgb"])
  func nearestVotingEqualsScikitImage(kind: String) throws {
    // skimage 0.26 hog(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys"),
    // written by scripts/crosscheck_hog.py.
    let url = TestSupport.fixture("DetectionTests", "Fixtures").appendingPathComponent("hog-skimage.json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let entry = try #require(json[kind] as? [String: Any])
    let expected = try #require(entry["descriptor"] as? [Double])
    let pixels = kind == "grey" ? Self.grey(24, 32) : Self.rgb(24, 32)
    let ours = HOG.descriptor(pixels, channels: kind == "grey" ? 1 : 3, height: 24, width: 32)
    #expect(ours.count == expected.count)  // 2 x 3 blocks of 36
    let worst = zip(ours, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
    #expect(worst < 1e-4, "max |ours - skimage| = \(worst)")
  }

  @Test func horizontalRampVotesIntoBinZeroWithBorderGradientsZero() {
    // I = x on 16 x 16: dx = 2 inside, 0 in the first and last column; dy = 0; angle 0 -> bin 0.
    let pixels = (0..<256).map { Float($0 % 16) }
    let cells = HOG.cells(pixels, channels: 1, height: 16, width: 16)
    #expect(cells.rows == 2 && cells.columns == 2)
    for cell in 0..<4 {
      // 7 of 8 columns have a gradient: 7 * 8 * 2 / 64.
      #expect(abs(cells.values[cell * 9] - 1.75) < 1e-6)
      #expect(cells.values[(cell * 9 + 1)..<(cell * 9 + 9)].allSatisfy { $0 == 0 })
    }
  }

  @Test func bilinearVotingSplitsAnEdgeOnABinBoundaryEqually() {
    // Angle 0 lies halfway between the centres 170 and 10 degrees (bins 8 and 0).
    let pixels = (0..<256).map { Float($0 % 16) }
    let cells = HOG.cells(pixels, channels: 1, height: 16, width: 16, parameters: HOGParameters(voting: .bilinear))
    for cell in 0..<4 {
      let h = Array(cells.values[(cell * 9)..<(cell * 9 + 9)])
      #expect(h[0] > 0 && abs(h[0] - h[8]) < 1e-6)
      #expect(h[1..<8].allSatisfy { $0 == 0 })
    }
  }

  @Test func l2HysClipsAndRenormalizes() {
    // One block of 4 cells whose energy is all in one bin: normalized to 1, clipped to 0.2, renormalized to 1.
    var values = [Float](repeating: 0, count: 36)
    values[0] = 3
    values[10] = 0.001
    let map = HOG.blocks(HOGCells(rows: 2, columns: 2, orientations: 9, values: values))
    #expect(map.rows == 1 && map.columns == 1)
    // After the clip: 0.2 and 0.001/3; renormalized by their norm.
    let (a, b) = (0.2, 0.001 / 3.0)
    let n = (a * a + b * b).squareRoot()
    #expect(abs(Double(map.values[0]) - a / n) < 1e-5)
    #expect(abs(Double(map.values[10]) - b / n) < 1e-5)
  }

  @Test func windowsOfTheFeatureMapAreItsBlockRows() {
    let map = HOG.features(Self.grey(40, 48), channels: 1, height: 40, width: 48)
    #expect(map.rows == 4 && map.columns == 5)
    let w = map.window(row: 1, column: 2, height: 2, width: 3)
    #expect(w.count == 6 * 36)
    #expect(Array(w[(3 * 36)..<(4 * 36)]) == Array(map.values[((2 * 5 + 2) * 36)..<((2 * 5 + 3) * 36)]))
  }
}
