// `convnotes bench`: speed of the hot paths, validated before timed, printed
// beside the machine's sgemm peak. Never part of `swift test`.
import ArgumentParser
import SpeedBenchmarks
import Foundation

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Time NMS, detection evaluation and sgemm (validated first).")

  @Flag(help: "Print JSON.")
  var json = false

  @Option(help: "Repetitions per benchmark (the best is reported).")
  var repeats: Int = 7

  func run() throws {
    let results = try BenchmarkSuite.runAll(repeats: max(repeats, 1), log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    print(json ? BenchmarkSuite.json(results) : BenchmarkSuite.table(results), terminator: "")
  }
}
