import Foundation
import Gemm
import Testing
import TestSupport

import Support
@testable import Tensor

/// The measured kernel choice: the rule, and the record that makes it the same for every process on a machine.
struct GemmChoiceTests {
  @Test func theFastestPackedKernelWinsUnlessOpenBLASIsMoreThanTheMarginFaster() {
    #expect(GemmChoice.choose(seconds: [.avx512: 1.0, .avx2: 1.2, .openblas: 0.90]) == .avx512)  // 11 % faster: within the margin
    #expect(GemmChoice.choose(seconds: [.avx512: 1.0, .avx2: 1.2, .openblas: 0.80]) == .openblas)  // 25 % faster
    #expect(GemmChoice.choose(seconds: [.avx512: 1.3, .avx2: 1.2, .openblas: 1.5]) == .avx2)
    #expect(GemmChoice.choose(seconds: [.openblas: 2.0]) == .openblas)
    #expect(GemmChoice.choose(seconds: [:]) == nil)
  }

  static func record(_ kernel: String) -> GemmChoiceRecord {
    GemmChoiceRecord(seconds: ["avx512": 1, "openblas": 2], rejected: [], kernel: kernel, measuredAt: "2026-12-03T00:00:00Z")
  }

  @Test func aMeasurementIsRecordedAndLaterProcessesReadItWithoutMeasuring() throws {
    let url = TestSupport.temporaryURL("gemm").appendingPathComponent("sub/gemm-kernel.json")
    let first = try GemmChoice.resolve(url: url, machine: "cpu A") { ([.avx2: 1.0, .openblas: 0.5], []) }
    #expect(first.source == .measured && first.record.kernel == "openblas")
    let again = try GemmChoice.resolve(url: url, machine: "cpu A") {
      Issue.record("measured although a record exists")
      return ([.avx2: 0.1], [])
    }
    #expect(again.source == .recorded && again.record == first.record)
    // Another machine sharing the home folder gets its own entry; the first one's stays.
    let other = try GemmChoice.resolve(url: url, machine: "cpu B") { ([.avx512: 1.0, .openblas: 1.0], [.avx2]) }
    #expect(other.source == .measured && other.record.kernel == "avx512" && other.record.rejected == ["avx2"])
    let file = try JSONDecoder().decode(GemmChoiceFile.self, from: Data(contentsOf: url))
    #expect(file.machines.keys.sorted() == ["cpu A", "cpu B"])
  }

  @Test func aBadRecordFileNamesItselfAndWhatWasExpected() throws {
    let url = TestSupport.temporaryURL("gemm").appendingPathComponent("gemm-kernel.json")
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("{\"machines\": 3}".utf8).write(to: url)
    #expect { try GemmChoice.resolve(url: url, machine: "m") { ([.avx2: 1], []) } } throws: {
      "\($0)".hasPrefix("\(url.path): not a matrix-kernel record")
    }
    try Data("{\"machines\": {\"m\": {\"kernel\": \"avx9\", \"seconds\": {}, \"rejected\": [], \"measuredAt\": \"x\"}}}".utf8).write(to: url)
    #expect { try GemmChoice.resolve(url: url, machine: "m") { ([.avx2: 1], []) } } throws: {
      "\($0)" == "\(url.path): field `kernel` of `m` is `avx9`, expected one of avx512, avx2, openblas"
    }
  }

  @Test func noKernelPassingValidationIsAnError() {
    #expect(throws: FileError.self) { try GemmChoice.resolve(url: nil, machine: "m") { ([:], [.avx2]) } }
  }

  @Test func theRecordFileFollowsTheEnvironment() {
    #expect(GemmChoice.recordURL(environment: ["CONVNOTES_GEMM_RECORD": "/x/k.json", "HOME": "/h"])?.path == "/x/k.json")
    #expect(GemmChoice.recordURL(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.path == "/c/convnotes/gemm-kernel.json")
    #expect(GemmChoice.recordURL(environment: ["HOME": "/h"])?.path == "/h/.cache/convnotes/gemm-kernel.json")
    #expect(GemmChoice.recordURL(environment: [:]) == nil)
  }

  /// The calibration validates before it times: every supported kernel passes on this machine.
  @Test func theCalibrationValidatesAndTimesEverySupportedKernel() {
    let kernels = GemmKernel.allCases.filter { $0.isSupported(flags: CPUFlags.current) }
    let (seconds, rejected) = GemmCalibration.measure(kernels: kernels, threads: 2, rounds: 1)
    #expect(rejected.isEmpty)
    #expect(Set(seconds.keys) == Set(kernels) && seconds.values.allSatisfy { $0 > 0 })
  }
}
