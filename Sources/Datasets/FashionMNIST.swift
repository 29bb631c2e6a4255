// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017) from Debian's
// `dataset-fashion-mnist`: four gzipped IDX files, 60,000 training and
// 10,000 test images of 28x28 grey pixels in 10 classes.
//
// IDX: big-endian magic 0x00000803 (images) or 0x00000801 (labels), the
// dimension sizes as big-endian UInt32, then one byte per pixel or label.
// Each file's uncompressed content is checked against the CRC-32 pinned
// below (Debian recompressed the files, so the upstream README's MD5s of the
// .gz files do not apply; the content does). Pixels become Float in [0, 1].
import Foundation
import Tensor

public struct FashionMNIST: Sendable {
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]
  public static let defaultFolder = "/usr/share/datasets/fashion-mnist"
  static let packageHint = "install Debian's dataset-fashion-mnist, or pass --data-dir"

  /// File name -> (CRC-32 of the uncompressed content, its length).
  public static let expected: [String: (crc32: String, bytes: Int)] = [
    "train-images-idx3-ubyte.gz": ("b4f29f28", 47_040_016),
    "train-labels-idx1-ubyte.gz": ("741a4657", 60_008),
    "t10k-images-idx3-ubyte.gz": ("678fe0b1", 7_840_016),
    "t10k-labels-idx1-ubyte.gz": ("80142c1f", 10_008),
  ]

  /// Images (N, 1, 28, 28) in [0, 1].
  public var images: Tensor
  public var labels: [Int]
  /// Class names short enough for a figure's panel title.
  public static let shortClassNames = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]

  /// Every file name of the data set, sorted.
  public static var files: [String] { expected.keys.sorted() }

  /// File name -> "crc32:xxxxxxxx" of the bytes `load` accepts (it checks them).
  public static var expectedChecksums: [String: String] { expected.mapValues { "crc32:" + $0.crc32 } }

  /// File name -> "crc32:xxxxxxxx", for provenance.
  public var checksums: [String: String]

  public var count: Int { labels.count }

  public enum Split: String, Sendable, Codable { case train, test }

  /// Loads one split; `limit` keeps the first images only.
  public static func load(_ split: Split, folder: String = defaultFolder, limit: Int? = nil) throws -> FashionMNIST {
    let prefix = split == .train ? "train" : "t10k"
    let (imageBytes, imageSum) = try verified(folder, "\(prefix)-images-idx3-ubyte.gz")
    let (labelBytes, labelSum) = try verified(folder, "\(prefix)-labels-idx1-ubyte.gz")
    let imageFile = folder + "/\(prefix)-images-idx3-ubyte.gz"
    let labelFile = folder + "/\(prefix)-labels-idx1-ubyte.gz"
    let imageDims = try idxHeader(imageBytes, magic: 0x0803, dimensions: 3, file: imageFile)
    let labelDims = try idxHeader(labelBytes, magic: 0x0801, dimensions: 1, file: labelFile)
    guard imageDims[0] == labelDims[0], imageDims[1] == 28, imageDims[2] == 28 else {
      throw DatasetError(file: imageFile, message: "expected \(labelDims[0]) images of 28x28, found \(imageDims)")
    }
    let n = min(imageDims[0], limit ?? Int.max)
    var pixels = [Float](repeating: 0, count: n * 784)
    imageBytes.withUnsafeBufferPointer { src in
      pixels.withUnsafeMutableBufferPointer { dst in
        for i in 0..<(n * 784) { dst[i] = Float(src[16 + i]) / 255 }
      }
    }
    let labels = (0..<n).map { Int(labelBytes[8 + $0]) }
    guard labels.allSatisfy({ $0 < 10 }) else { throw DatasetError(file: labelFile, message: "a label is not in 0..9") }
    return FashionMNIST(
      images: Tensor(shape: [n, 1, 28, 28], scalars: pixels), labels: labels,
      checksums: [
        "\(prefix)-images-idx3-ubyte.gz": "crc32:" + imageSum, "\(prefix)-labels-idx1-ubyte.gz": "crc32:" + labelSum,
      ])
  }

  static func verified(_ folder: String, _ name: String) throws -> ([UInt8], String) {
    let path = folder + "/" + name
    let bytes = try GzipFile.read(path, hint: packageHint)
    let sum = GzipFile.crc32Hex(bytes)
    if let expected = expected[name], expected.crc32 != sum || expected.bytes != bytes.count {
      throw DatasetError(
        file: path,
        message: "content checksum crc32:\(sum) (\(bytes.count) bytes) differs from the expected crc32:\(expected.crc32) (\(expected.bytes) bytes); reinstall dataset-fashion-mnist")
    }
    return (bytes, sum)
  }

  static func idxHeader(_ bytes: [UInt8], magic: UInt32, dimensions: Int, file: String) throws -> [Int] {
    func word(_ i: Int) -> UInt32 {
      (UInt32(bytes[i]) << 24) | (UInt32(bytes[i + 1]) << 16) | (UInt32(bytes[i + 2]) << 8) | UInt32(bytes[i + 3])
    }
    guard bytes.count >= 4 + 4 * dimensions, word(0) == magic else {
      throw DatasetError(file: file, message: "not an IDX file with magic 0x\(String(magic, radix: 16))")
    }
    let dims = (0..<dimensions).map { Int(word(4 + 4 * $0)) }
    // (three UInt32 sizes can overflow Int: such a header promises more than any file holds)
    var expected = 4 + 4 * dimensions
    var product = 1
    for d in dims {
      let (p, overflow) = product.multipliedReportingOverflow(by: d)
      guard !overflow, p <= Int.max - expected else {
        throw DatasetError(file: file, message: "has \(bytes.count) bytes, its header promises \(dims.map(String.init).joined(separator: " x ")) values")
      }
      product = p
    }
    expected += product
    guard bytes.count == expected else {
      throw DatasetError(file: file, message: "has \(bytes.count) bytes, its header promises \(expected)")
    }
    return dims
  }
}
