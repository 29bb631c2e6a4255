// Cache keys that cannot go stale: they are made from the fingerprints of
// the sources the binary was built from, follow Package.swift's module graph,
// and change exactly when a source they depend on changes.
import BuildInfo
import ExperimentKit
import Foundation
import Models
import Support
import TestSupport
import Testing

@testable import Experiments

@Suite(.serialized)
struct CodeFingerprintTests {
  /// A copy of the checkout's Sources/ and chapters/ to edit.
  func copyOfSources() throws -> URL {
    let root = try TestSupport.temporaryFolder("fingerprints")
    for folder in ["Sources", "chapters"] {
      try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
    }
    return root
  }

  func append(_ text: String, to file: String, in root: URL) throws {
    let url = root.appendingPathComponent(file)
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  }

  @Test func theEmbeddedTableIsTheCheckoutsSources() {
    // swift test has just built from these sources, so hashing them now gives the embedded table.
    #expect(SourceTreeFingerprint.folders(root: TestSupport.repositoryRoot) == BuildInfo.folderFingerprints)
    #expect(SourceFreshness.warning(root: TestSupport.repositoryRoot) == nil)
  }

  @Test func moduleUnitsFollowPackageSwift() {
    let folders = CodeFingerprint.folders(of: ["Datasets"])
    // Datasets imports Detection and Tensor, and Tensor the matrix-product modules.
    for expected in ["Sources/Datasets", "Sources/Detection", "Sources/Tensor", "Sources/Gemm", "Sources/GemmAVX512", "Sources/CZlib"] {
      #expect(folders.contains(expected), "\(expected) missing from \(folders)")
    }
    #expect(!folders.contains("Sources/Plot"))
    #expect(CodeFingerprint.folders(of: ["Models/SceneNetwork"]) == ["Sources/Models/SceneNetwork"])
  }

  @Test func editingDatasetsRetrainsTheClassifierAndAChapterRetrainsNothing() throws {
    let root = try copyOfSources()
    defer { try? FileManager.default.removeItem(at: root) }
    let before = SourceTreeFingerprint.folders(root: root)
    let classifier = FashionClassifier(profile: .quick)
    let key = classifier.cacheKey(seed: 0, threads: 2, sourceFingerprints: before)
    #expect(key == classifier.cacheKey(seed: 0, threads: 2))  // the copy is the code the binary runs

    // A chapter and a README: no code fingerprint moves.
    try append("\nAn extra sentence.\n", to: "chapters/01-classifier.md", in: root)
    try append("\nMore docs.\n", to: "Sources/Datasets/README.md", in: root)
    #expect(SourceTreeFingerprint.folders(root: root) == before)

    // An experiment's own file: its fingerprint moves, the shared models' keys do not.
    try append("\n// a comment\n", to: "Sources/Experiments/Lecture09/Saliency/Saliency.swift", in: root)
    let afterSaliency = SourceTreeFingerprint.folders(root: root)
    #expect(Saliency.codeFingerprint(table: afterSaliency) != Saliency.codeFingerprint(table: before))
    #expect(Occlusion.codeFingerprint(table: afterSaliency) == Occlusion.codeFingerprint(table: before))
    for model in ModelCatalog.all(.quick) {
      #expect(model.cacheKey(seed: 0, threads: 2, sourceFingerprints: afterSaliency) == model.cacheKey(seed: 0, threads: 2, sourceFingerprints: before))
    }

    // Batching in Datasets: the classifier (and every model trained on its batches) retrains.
    try append("\n// a comment\n", to: "Sources/Datasets/Batches.swift", in: root)
    let afterDatasets = SourceTreeFingerprint.folders(root: root)
    #expect(classifier.cacheKey(seed: 0, threads: 2, sourceFingerprints: afterDatasets) != key)
    for model in ModelCatalog.all(.quick) {
      #expect(model.cacheKey(seed: 0, threads: 2, sourceFingerprints: afterDatasets) != model.cacheKey(seed: 0, threads: 2, sourceFingerprints: before))
    }
    // map-evaluation reruns too: ExperimentKit imports Datasets. But t-SNE's
    // module is not among its imports, so an edit there leaves it alone.
    try append("\n// a comment\n", to: "Sources/Embedding/TSNE.swift", in: root)
    let afterEmbedding = SourceTreeFingerprint.folders(root: root)
    #expect(MeanAveragePrecision.codeFingerprint(table: afterEmbedding) == MeanAveragePrecision.codeFingerprint(table: afterDatasets))
    #expect(TSNEMaps.codeFingerprint(table: afterEmbedding) != TSNEMaps.codeFingerprint(table: afterDatasets))

    // The binary now predates these sources, and says which module moved.
    let warning = try #require(SourceFreshness.warning(root: root))
    #expect(warning.contains("Sources/Datasets") && warning.contains("Sources/Experiments"))
  }

  @Test func aModelStartingFromAnotherFollowsItsKey() {
    let config = SceneNetworkConfig.quick
    var changed = config
    changed.classEpochs += 1
    let localizer = SceneLocalizer(SceneLocalizer.variants[0], config: config)
    #expect(localizer.cacheKey(seed: 0, threads: 2) != SceneLocalizer(SceneLocalizer.variants[0], config: changed).cacheKey(seed: 0, threads: 2))
    #expect(localizer.cacheKey(seed: 0, threads: 2) != localizer.cacheKey(seed: 1, threads: 2))
    #expect(localizer.cacheKey(seed: 0, threads: 2) != SceneLocalizer(SceneLocalizer.variants[1], config: config).cacheKey(seed: 0, threads: 2))
  }

  @Test func everyExperimentFolderExists() {
    for e in Catalog.all {
      #expect(BuildInfo.folderFingerprints["Sources/Experiments/" + e.folder] != nil, "\(e.id): no folder Sources/Experiments/\(e.folder)")
    }
  }
}
