// The region-proposals chapter's segmentation against scikit-image on the
// astronaut photo (counts from scripts/crosscheck_proposals.py, skimage 0.26),
// and the helpers the experiment uses to score and save proposals.
import Detection
import Foundation
import Plot
import Tensor
import TestSupport
import Testing

@testable import Experiments

struct RegionProposalsTests {
  @Test func segmentCountsOnAnAstronautCropAreScikitImages() throws {
    // The 128 x 128 crop at (150, 100) (debug builds segment the whole photo slowly; the
    // experiment compares the whole photo): skimage 0.26
    // felzenszwalb(astronaut[100:228, 150:278], scale, sigma, min_size).max() + 1.
    let image = try ImageFile.read(TestSupport.repositoryRoot.appendingPathComponent("assets/images/astronaut.png"))
      .cropped(x: 150, y: 100, width: 128, height: 128)
    let crop = PlanarImage(width: 128, height: 128, channels: image.channels, values: image.values)
    for (k, sigma, minSize, skimage) in [(100.0, 0.5, 50, 41), (400.0, 0.8, 20, 32), (50.0, 0.8, 10, 177)] {
      let count = GraphSegmentation(k: k, sigma: sigma, minSize: minSize).segment(crop).count
      #expect(count == skimage, "k \(k), sigma \(sigma), min-size \(minSize): \(count) segments, skimage \(skimage)")
    }
  }

  @Test func theExperimentQuotesTheSameSkimageCounts() {
    #expect(RegionProposals.segmentationSettings.map { $0.skimage } == [585, 275])
  }

  @Test func randomBoxesLieInsideTheImage() {
    var rng = SplitMix64(seed: 5)
    let boxes = RegionProposals.randomBoxes(500, side: 128, using: &rng)
    #expect(boxes.count == 500)
    #expect(boxes.allSatisfy { $0.x1 >= 0 && $0.y1 >= 0 && $0.x2 <= 128 && $0.y2 <= 128 && $0.x1 <= $0.x2 && $0.y1 <= $0.y2 })
  }

  @Test func theResizedPhotoAveragesBlocks() {
    // A 4 x 4 grey ramp box-filtered to 2 x 2: each output is the mean of a 2 x 2 block.
    let ramp = PlanarImage(width: 4, height: 4, channels: 3, values: (0..<48).map { Float($0 % 16) })
    let small = RegionProposals.resizedPhoto(ramp, side: 2)
    #expect(Array(small.values.prefix(4)) == [2.5, 4.5, 10.5, 12.5])
  }
}
