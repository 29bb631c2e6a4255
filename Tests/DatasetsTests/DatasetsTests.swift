import Detection
import TestSupport
import Foundation
import Testing

@testable import Datasets
@testable import Tensor


/// gzip-compresses `data` into `url` with the system's gzip.
func gzip(_ data: Data, to url: URL) throws {
  let raw = url.deletingPathExtension()
  try data.write(to: raw)
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/bin/gzip")
  p.arguments = ["-f", raw.path]
  try p.run()
  p.waitUntilExit()
}

struct FashionMNISTTests {
  @Test func testSplitLoadsWithTheKnownFirstLabels() throws {
    let test = try FashionMNIST.load(.test, limit: 10)
    #expect(test.images.shape == [10, 1, 28, 28])
    #expect(test.labels == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])  // as read independently with Python's gzip
    #expect(test.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(test.checksums["t10k-labels-idx1-ubyte.gz"] == "crc32:80142c1f")
  }

  @Test func missingFilesNameTheFileAndThePackage() throws {
    let folder = try TestSupport.temporaryFolder("datasets")
    do {
      _ = try FashionMNIST.load(.test, folder: folder.path)
      Issue.record("expected an error")
    } catch let error as DatasetError {
      #expect(error.file == folder.path + "/t10k-images-idx3-ubyte.gz")
      #expect(error.message.contains("dataset-fashion-mnist"))
    }
  }

  @Test func truncatedAndAlteredFilesAreRejected() throws {
    let folder = try TestSupport.temporaryFolder("datasets")
    let source = URL(fileURLWithPath: FashionMNIST.defaultFolder)
    for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
      try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    // Truncate the labels file: zlib notices the missing trailer.
    let labels = folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
    let bytes = try Data(contentsOf: labels)
    try bytes.prefix(bytes.count - 20).write(to: labels)
    #expect(throws: DatasetError.self) { try FashionMNIST.load(.test, folder: folder.path) }
    // A well-formed gzip file whose content changed: the checksum notices.
    var content = Data(try GzipFile.read(source.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path, hint: ""))
    content[8] = (content[8] + 1) % 10
    try gzip(content, to: labels)
    do {
      _ = try FashionMNIST.load(.test, folder: folder.path)
      Issue.record("expected an error")
    } catch let error as DatasetError {
      #expect(error.message.contains("differs from the expected crc32:80142c1f"), "\(error)")
    }
  }

  @Test func readmeBenchmarkTable() throws {
    let rows = FashionMNISTReadme.parse("""
      |Classifier | Preprocessing | Fashion test accuracy | MNIST test accuracy | Submitter| Code |
      |---|---|---|---|---|---|
      |2 Conv+pooling | None | 0.876 | - | someone | link |
      |2 Conv+pooling | None | 0.916| - |other | link|
      """)
    #expect(rows.count == 2)
    #expect(FashionMNISTReadme.best("2 Conv+pooling", in: rows) == 0.916)
    let installed = try FashionMNISTReadme.benchmarks()
    #expect(FashionMNISTReadme.best("3 Conv+pooling+BN", in: installed) == 0.903)
  }
}

struct BatchTests {
  @Test func batchesCoverEveryImageOnceAndRepeatWithTheSeed() {
    let images = Tensor(shape: [10, 1], scalars: (0..<10).map(Float.init))
    var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
    let first = shuffledBatches(images: images, labels: Array(0..<10), batchSize: 4, using: &a)
    let again = shuffledBatches(images: images, labels: Array(0..<10), batchSize: 4, using: &b)
    #expect(first.map(\.labels) == again.map(\.labels))
    #expect(first.map(\.labels.count) == [4, 4, 2])
    #expect(first.flatMap(\.labels).sorted() == Array(0..<10))
    #expect(first[0].images.scalars == first[0].labels.map(Float.init))  // images follow their labels
    #expect(first.flatMap(\.labels) != Array(0..<10))
  }
}
