import ExperimentKit
import Models
import Detection
import TestSupport
import Foundation
import Report
import Layers
import Tensor
import Testing

@testable import Experiments

let repositoryRoot = TestSupport.repositoryRoot

func temporaryResults() -> URL {
  TestSupport.temporaryURL("results")
}

struct CatalogTests {
  @Test func idsAreKebabCaseUniqueAndHaveAChapter() throws {
    let ids = Catalog.all.map { $0.id }
    #expect(Set(ids).count == ids.count)
    let chapters = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("chapters").path)
    for id in ids {
      #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
      #expect(chapters.contains { $0.hasSuffix("-\(id).md") }, "no chapter for \(id)")
    }
  }

  /// `convnotes list`, the index and the shard plan read these; an experiment without one would show "—" and count 60 s.
  @Test func everyExperimentHasAReferenceTime() {
    let ids = Catalog.all.map { $0.id }.sorted()
    let quick = ReferenceTimes.seconds(.quick)
    let full = ReferenceTimes.seconds(.full)
    #expect(quick.keys.sorted() == ids)
    #expect(full.keys.sorted() == ids)
    #expect(!quick.values.contains { $0 <= 0 } && !full.values.contains { $0 <= 0 })
  }

  @Test func nearestIdForATypo() {
    #expect(Catalog.nearest(to: "map-evalution") == "map-evaluation")
  }
}

struct MeanAveragePrecisionTests {
  @Test func quickRunRecordsEveryKeyItsChapterUsesAndTheClaimsHold() throws {
    let results = temporaryResults()
    try Runner.run([MeanAveragePrecision.self], options: RunOptions(profile: .quick, seed: 0, threads: BLAS.threads, resultsRoot: results), log: { _ in })
    let site = Site(
      chaptersFolder: repositoryRoot.appendingPathComponent("chapters"), resultsRoot: results,
      siteFolder: results.appendingPathComponent("site"), sourceRoot: repositoryRoot)
    let report = site.verify()
    let mine = report.problems.filter { $0.file.hasSuffix("-map-evaluation.md") }
    #expect(mine.isEmpty, "\(mine.map(\.description).joined(separator: "\n"))")
    #expect(report.claims.count >= 9)
  }

  @Test func sameSeedGivesByteIdenticalResultsAndFigures() throws {
    let a = temporaryResults(), b = temporaryResults()
    for root in [a, b] {
      try Runner.run([MeanAveragePrecision.self], options: RunOptions(profile: .quick, seed: 5, threads: BLAS.threads, resultsRoot: root), log: { _ in })
    }
    let folder = "map-evaluation"
    let files = try FileManager.default.contentsOfDirectory(atPath: a.appendingPathComponent("\(folder)/figures").path)
    #expect(files.count == 8)
    for file in ["results.json"] + files.map({ "figures/" + $0 }) {
      #expect(try Data(contentsOf: a.appendingPathComponent("\(folder)/\(file)")) == Data(contentsOf: b.appendingPathComponent("\(folder)/\(file)")), "\(file)")
    }
    // a different seed gives different detections
    let c = temporaryResults()
    try Runner.run([MeanAveragePrecision.self], options: RunOptions(profile: .quick, seed: 6, threads: BLAS.threads, resultsRoot: c), log: { _ in })
    #expect(try Data(contentsOf: a.appendingPathComponent("\(folder)/results.json")) != Data(contentsOf: c.appendingPathComponent("\(folder)/results.json")))
  }

  @Test func resultsCarryProvenance() throws {
    let root = temporaryResults()
    try Runner.run([MeanAveragePrecision.self], options: RunOptions(profile: .quick, seed: 3, threads: BLAS.threads, resultsRoot: root), log: { _ in })
    let results = try JSONDecoder().decode(ExperimentResults.self, from: Data(contentsOf: root.appendingPathComponent("map-evaluation/results.json")))
    #expect(results.provenance.seed == 3 && results.provenance.threads == BLAS.threads && results.provenance.profile == .quick)
    #expect(!results.provenance.swift.isEmpty && !results.provenance.openblasCore.isEmpty && results.provenance.gemmKernel == BLAS.gemmKernel)
    #expect(results.values["images"]?.value == 150)
    let timings = try #require(Runner.lastRun(of: "map-evaluation", in: root))
    #expect(timings.seconds > 0)
  }
}

/// An experiment that records a value and then fails, to test atomic replacement.
enum FailingExperiment: Experiment {
  static let id = "failing-test"
  static let title = "fails on purpose"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = []
  static let folder = "Failing"
  struct Config: Codable, Sendable { var fail: Bool }
  static let quick = Config(fail: false)
  static let full = Config(fail: true)
  struct Failure: Error {}
  static func run(_ config: Config, in context: RunContext) throws {
    context.record("value", config.fail ? 2 : 1)
    if config.fail { throw Failure() }
  }
}

struct RunnerTests {
  @Test func aFailedRunLeavesTheLastGoodResults() throws {
    let root = temporaryResults()
    try Runner.run([FailingExperiment.self], options: RunOptions(profile: .quick, resultsRoot: root), log: { _ in })
    let good = try Data(contentsOf: root.appendingPathComponent("failing-test/results.json"))
    #expect(throws: FailingExperiment.Failure.self) {
      try Runner.run([FailingExperiment.self], options: RunOptions(profile: .full, resultsRoot: root), log: { _ in })
    }
    #expect(try Data(contentsOf: root.appendingPathComponent("failing-test/results.json")) == good)
    // No staging left; the results folder's lock file stays (ResultsFolderLock).
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [ResultsFolderLock.fileName, "failing-test"])
  }

  @Test func progressNamesTheExperimentAndItsPlace() throws {
    var lines: [String] = []
    try Runner.run([FailingExperiment.self], options: RunOptions(profile: .quick, resultsRoot: temporaryResults()), log: { lines.append($0) })
    #expect(lines.first == "[1/1] failing-test (quick) ...")
    #expect(lines.last?.hasPrefix("[1/1] failing-test done in ") == true)
  }
}

struct SimulatedDetectorTests {
  @Test func boxesStayInsideTheImageAndCountsAreAsConfigured() {
    var rng = SplitMix64(seed: 1)
    let config = SimulatedDetectorConfig(images: 50)
    let scene = SimulatedDetector.generate(config, using: &rng)
    #expect(scene.dataset.imageIds.count == 50)
    let perImage = Dictionary(grouping: scene.dataset.objects, by: \.imageId).mapValues(\.count)
    #expect(perImage.values.allSatisfy { $0 >= config.minObjects && $0 <= config.maxObjects })
    for b in scene.dataset.objects.map(\.bbox) + scene.detections.map(\.bbox) {
      #expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= config.imageWidth + 1e-9 && b.y + b.height <= config.imageHeight + 1e-9)
      #expect(b.width > 0 && b.height > 0)
    }
  }
}

struct ClassifierTests {
  @Test func tinyRunRecordsEveryKeyOfItsChapterAndTheSecondRunLoadsTheModel() throws {
    let root = temporaryResults()
    let models = root.appendingPathComponent("models")
    let config = Classifier.Config(model: .init(trainImages: 256, testImages: 128, epochs: 1), accuracyBar: 0.1)
    func runOnce(_ folder: String) throws -> (RunContext, Data) {
      let out = root.appendingPathComponent(folder)
      try FileManager.default.createDirectory(at: out.appendingPathComponent("figures"), withIntermediateDirectories: true)
      let context = RunContext(
        id: "classifier", profile: .quick, seed: 0, threads: BLAS.threads, folder: out, resultsRoot: root,
        modelCache: ModelCache(folder: models))
      try Classifier.run(config, in: context)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      return (context, try encoder.encode(context.values))
    }
    let (first, firstValues) = try runOnce("a")
    #expect(first.notes["model.fashion-classifier"]?.hasPrefix("trained") == true)
    let (second, secondValues) = try runOnce("b")
    #expect(second.notes["model.fashion-classifier"]?.hasPrefix("loaded") == true)
    #expect(firstValues == secondValues)
    // Every key, figure and table the chapter names exists.
    let chapter = try String(contentsOf: repositoryRoot.appendingPathComponent("chapters/01-classifier.md"), encoding: .utf8)
    for match in chapter.matches(of: /\{result\} ([A-Za-z0-9.]+)/) {
      #expect(first.values[String(match.1)] != nil, "missing key \(match.1)")
    }
    for match in chapter.matches(of: /figure:([a-z-]+)/) {
      #expect(first.figures[String(match.1)] != nil, "missing figure \(match.1)")
    }
    #expect(first.tables["perClass"] != nil)
    #expect(first.values["parameters"]?.value == 421_642)
  }
}
