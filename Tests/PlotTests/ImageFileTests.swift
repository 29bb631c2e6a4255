import Foundation
import Testing
import TestSupport

@testable import Plot

struct ImageFileTests {
  static let images = TestSupport.repositoryRoot.appendingPathComponent("assets/images")

  /// Pixel values read by Pillow 11 (`numpy.asarray(Image.open(f))[y, x]`) during development.
  @Test func readsTheSamplePhotosAsPillowDoes() throws {
    let astronaut = try ImageFile.read(Self.images.appendingPathComponent("astronaut.png"))
    #expect((astronaut.width, astronaut.height, astronaut.channels) == (512, 512, 3))
    #expect((0..<3).map { astronaut[$0, 0, 0] * 255 } == [154, 147, 151])
    #expect((0..<3).map { astronaut[$0, 100, 37] * 255 } == [8, 3, 24])
    #expect((0..<3).map { astronaut[$0, 200, 300] * 255 } == [232, 219, 221])

    let camera = try ImageFile.read(Self.images.appendingPathComponent("camera.png"))  // an 8-bit grey PNG
    #expect((camera.width, camera.height, camera.channels) == (512, 512, 1))
    #expect([camera[0, 0, 0], camera[0, 100, 37], camera[0, 200, 300]].map { $0 * 255 } == [200, 213, 36])

    // RGBA: (0, 0) is white at alpha 110, which over white stays white; (100, 37) is opaque black.
    let horse = try ImageFile.read(Self.images.appendingPathComponent("horse.png"))
    #expect((horse.width, horse.height) == (400, 328))
    #expect(horse[0, 0, 0] == 1 && horse[0, 100, 37] == 0)
  }

  @Test func readsBinaryPGMAndPPMWithComments() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let ppm = folder.appendingPathComponent("two.ppm")
    try (Data("P6\n# a comment\n2 1\n255\n".utf8) + Data([255, 0, 0, 0, 51, 102])).write(to: ppm)
    let rgb = try ImageFile.read(ppm)
    #expect((rgb.width, rgb.height, rgb.channels) == (2, 1, 3))
    #expect(rgb.values == [1, 0, 0, 0.2, 0, 0.4])  // planar: R R G G B B

    let pgm = folder.appendingPathComponent("wide.pgm")
    try (Data("P5 1 2 65535\n".utf8) + Data([0xFF, 0xFF, 0x80, 0x00])).write(to: pgm)
    let grey = try ImageFile.read(pgm)
    #expect((grey.width, grey.height, grey.channels) == (1, 2, 1))
    #expect(grey.values[0] == 1 && abs(grey.values[1] - 32768 / 65535) < 1e-7)
  }

  @Test func badFilesGetErrorsThatNameTheFile() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    func reason(_ name: String, _ bytes: Data?) -> String {
      let url = folder.appendingPathComponent(name)
      if let bytes { try? bytes.write(to: url) }
      do {
        _ = try ImageFile.read(url)
        return "read"
      } catch let error as ImageFileError {
        #expect(error.file == url.path && error.description.hasPrefix(url.path))
        return error.reason
      } catch { return "\(error)" }
    }
    #expect(reason("missing.png", nil).contains("no such file"))
    #expect(reason("text.png", Data("hello".utf8)).contains("not a PNG or binary PGM/PPM"))
    #expect(reason("cut.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])).contains("not a readable PNG"))
    #expect(reason("short.ppm", Data("P6 4 4 255\n".utf8) + Data([1, 2, 3])).contains("truncated: 48 raster bytes expected, 3 present"))
    #expect(reason("nowidth.pgm", Data("P5 x".utf8)).contains("width"))
    #expect(reason("maxval.pgm", Data("P5 1 1 0\n\0".utf8)).contains("maxval"))
  }

  @Test func cropsAndConvertsToGreyWithRgb2grayWeights() {
    let image = PixelImage(width: 2, height: 2, channels: 3, values: [1, 0, 0, 0,  0, 1, 0, 0,  0, 0, 1, 0])
    #expect(image.grey.values.map { ($0 * 1e4).rounded() } == [2125, 7154, 721, 0])
    let crop = image.cropped(x: 1, y: 0, width: 1, height: 2)
    #expect(crop.values == [0, 0, 1, 0, 0, 0])
  }
}
