import TestSupport
import Foundation
import Tensor
import Testing

import ExperimentKit
import Support
@testable import Experiments

/// The test's configuration knob (only CacheInvalidationTests touches it).
nonisolated(unsafe) var knobValue = 1

enum KnobExperiment: Experiment {
  static let id = "knob-test"
  static let title = "records its knob"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = []
  static let folder = "Knob"
  static let uses: [String] = []
  static let dataFiles = ["knob.bin"]
  struct Config: Codable, Sendable { var knob: Int }
  static var quick: Config { Config(knob: knobValue) }
  static var full: Config { quick }
  static func run(_ config: Config, in context: RunContext) throws { context.record("knob", config.knob) }
}

enum DownstreamExperiment: Experiment {
  static let id = "downstream-test"
  static let title = "reads knob-test's results"
  static let lecture = Lecture.localizationAndDetection
  static let requires: [any Experiment.Type] = [KnobExperiment.self]
  static let folder = "Downstream"
  static let uses: [String] = []
  struct Config: Codable, Sendable {}
  static let quick = Config()
  static let full = Config()
  static func run(_ config: Config, in context: RunContext) throws { context.record("one", 1) }
}

@Suite(.serialized)
struct CacheInvalidationTests {
  @Test func eachChangeRerunsExactlyWhatItShould() throws {
    let root = TestSupport.temporaryURL("cache")
    let source = root.appendingPathComponent("src")
    let data = root.appendingPathComponent("data")
    let knobFile = source.appendingPathComponent("Sources/Experiments/Knob/Knob.swift")
    try FileManager.default.createDirectory(at: knobFile.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try Data("let a = 1\n".utf8).write(to: knobFile)
    try Data([1, 2, 3]).write(to: data.appendingPathComponent("knob.bin"))
    knobValue = 1
    func run(force: Bool = false) throws -> [Bool] {
      // The code fingerprints as a build of `source` would embed them.
      var options = RunOptions(
        profile: .quick, seed: 0, threads: BLAS.threads, resultsRoot: root.appendingPathComponent("results"),
        modelFolder: root.appendingPathComponent("models"), dataFolder: data.path, force: force)
      options.sourceFingerprints = SourceTreeFingerprint.folders(root: source)
      return try Runner.run([KnobExperiment.self, DownstreamExperiment.self], options: options, log: { _ in }).map(\.reused)
    }
    #expect(try run() == [false, false])  // first run
    #expect(try run() == [true, true])  // nothing changed
    knobValue = 2
    #expect(try run() == [false, false])  // config changed; knob-test's results changed, so its dependent reruns
    #expect(try run() == [true, true])
    try Data("let a = 2\n".utf8).write(to: knobFile)
    #expect(try run() == [false, true])  // its code changed; same results, so the dependent is kept
    try Data([1, 2, 4]).write(to: data.appendingPathComponent("knob.bin"))
    #expect(try run() == [false, true])  // its data changed
    #expect(try run(force: true) == [false, false])
    knobValue = 1
  }
}
