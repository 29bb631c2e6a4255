// Two `convnotes` processes at once (issue 23). On one results folder: the
// second refuses at once, naming the first's pid (ResultsFolderLock), and the
// first finishes untouched. On one model cache (different results folders):
// both succeed, one trains while the other waits on the key's lock and then
// loads the file, and the file is intact (a third run loads it, no training).
import TestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized)
struct ConcurrencyTests {
  @Test func aSecondRunOnTheSameResultsFolderRefusesNamingTheFirst() throws {
    let fixture = try MapEvaluationRun()
    defer { try? FileManager.default.removeItem(at: fixture.root) }
    let models = fixture.root.appendingPathComponent("models").path
    let first = Process()
    first.executableURL = try binary()
    first.arguments = ["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--out", fixture.results.path, "--models", models]
    let firstErr = Pipe()
    first.standardError = firstErr
    first.standardOutput = FileHandle.nullDevice
    try first.run()
    // Wait until the first holds the lock (it writes its pid into the lock file).
    let lockFile = fixture.results.appendingPathComponent(".convnotes.lock").path
    var holder = ""
    for _ in 0..<400 where !holder.hasPrefix("pid \(first.processIdentifier) ") {
      usleep(10_000)
      holder = (try? String(contentsOfFile: lockFile, encoding: .utf8)) ?? ""
    }
    #expect(holder.hasPrefix("pid \(first.processIdentifier) on "), "lock file: \(holder)")
    let second = try convnotes(["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--out", fixture.results.path, "--models", models])
    let firstErrText = String(decoding: firstErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    first.waitUntilExit()
    #expect(second.status == 1)
    #expect(
      second.err.hasPrefix("convnotes: \(fixture.results.path): in use by another convnotes run (pid \(first.processIdentifier) on "),
      "\(second.err)")
    #expect(second.err.hasSuffix("); wait for it to finish, or give this run another --out\n"), "\(second.err)")
    #expect(first.terminationStatus == 0, "\(firstErrText)")
    #expect(try fixture.verify(fixture.results).status == 0)
  }

  /// Trains a real model, so it uses the release binary that `make test`
  /// builds first (a debug build trains the quick classifier in ~90 s).
  @Test func twoRunsOnOneModelCacheBothSucceedAndTheFileIsIntact() throws {
    let release = repository.appendingPathComponent(".build/release/convnotes")
    guard FileManager.default.isExecutableFile(atPath: release.path),
      FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
    else {
      print("skipped: model cache concurrency test: needs .build/release/convnotes (make test builds it) and Fashion-MNIST")
      return
    }
    let root = try TestSupport.temporaryFolder("shared-models")
    defer { try? FileManager.default.removeItem(at: root) }
    let models = root.appendingPathComponent("models").path
    func start(_ name: String) throws -> (Process, Pipe) {
      let p = Process()
      p.executableURL = release
      p.arguments = ["run", "classifier", "--profile", "quick", "--threads", "1", "--out", root.appendingPathComponent(name).path, "--models", models]
      let err = Pipe()
      p.standardError = err
      p.standardOutput = FileHandle.nullDevice
      try p.run()
      return (p, err)
    }
    let (a, aErr) = try start("a")
    let (b, bErr) = try start("b")
    let aText = String(decoding: aErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let bText = String(decoding: bErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    a.waitUntilExit()
    b.waitUntilExit()
    #expect(a.terminationStatus == 0 && b.terminationStatus == 0, "a: \(aText)\nb: \(bText)")
    let trained = [aText, bText].filter { $0.contains("(not in the model cache ") }.count
    let waited = [aText, bText].filter { $0.contains("waiting for another job training") }.count
    #expect(trained == 1 && waited == 1, "a: \(aText)\nb: \(bText)")
    // Same model, same data, same seed: the two results are the same bytes.
    let ra = try Data(contentsOf: root.appendingPathComponent("a/classifier/results.json"))
    let rb = try Data(contentsOf: root.appendingPathComponent("b/classifier/results.json"))
    #expect(ra == rb)
    // One model file, no temporary left, and it loads: a third run does not train.
    let files = try FileManager.default.contentsOfDirectory(atPath: models)
    #expect(files.filter { $0.hasSuffix(".safetensors") }.count == 1 && !files.contains { $0.hasSuffix(".tmp") }, "\(files)")
    let (c, cErr) = try start("c")
    let cText = String(decoding: cErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    c.waitUntilExit()
    #expect(c.terminationStatus == 0 && !cText.contains("(not in the model cache ") && !cText.contains("retraining"), "\(cText)")
  }
}
