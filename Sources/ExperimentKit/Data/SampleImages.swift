// The sample photos and textures committed in assets/images/ (public domain
// and CC0; assets/images/LICENSE.md names each source). Experiments list the
// ones they read in `dataFiles` as "images/<name>.png", so the run's input
// fingerprint hashes their bytes, and load them with `context.sampleImage`,
// which notes the checksum in the provenance.
// Where the folder is: $CONVNOTES_IMAGES when set, else assets/images/ of the
// checkout the binary was built from (BuildInfo.sourceRoot).
import BuildInfo
import Foundation
import Plot
import Support
import Tensor

public enum SampleImages {
  /// The prefix that marks a sample image in `Experiment.dataFiles`.
  public static let dataFilePrefix = "images/"

  public static var folder: URL {
    if let folder = ProcessInfo.processInfo.environment["CONVNOTES_IMAGES"], !folder.isEmpty {
      return URL(fileURLWithPath: folder)
    }
    return URL(fileURLWithPath: BuildInfo.sourceRoot).appendingPathComponent("assets/images")
  }

  /// The file of sample image `name` ("astronaut.png").
  public static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

  /// The checksum of a data file "images/<name>", nil for other files or when it is missing.
  public static func checksum(dataFile: String) -> String? {
    guard dataFile.hasPrefix(dataFilePrefix),
      let bytes = try? Data(contentsOf: url(String(dataFile.dropFirst(dataFilePrefix.count))))
    else { return nil }
    return fnv1a64Hex(bytes)
  }
}

extension RunContext {
  /// Sample image `name` ("astronaut.png") from assets/images/, checksum noted.
  public func sampleImage(_ name: String) throws -> PixelImage {
    let url = SampleImages.url(name)
    guard let bytes = try? Data(contentsOf: url) else {
      throw ImageFileError(file: url.path, reason: "sample image not found (set CONVNOTES_IMAGES to the folder holding assets/images)")
    }
    usedData(SampleImages.dataFilePrefix + name, checksum: fnv1a64Hex(bytes))
    return try ImageFile.read(url)
  }
}

extension PixelImage {
  /// As a (1, channels, height, width) tensor.
  public var tensor: Tensor { Tensor(shape: [1, channels, height, width], scalars: values) }

  /// Image `index` of an (N, C, H, W) tensor with C = 1 or 3, values clamped to [0, 1].
  public init(_ images: Tensor, index: Int = 0) {
    let (c, h, w) = (images.shape[1], images.shape[2], images.shape[3])
    let base = index * c * h * w
    self.init(width: w, height: h, channels: c, values: images.scalars[base..<(base + c * h * w)].map { min(max($0, 0), 1) })
  }
}
