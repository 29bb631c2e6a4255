// Faults around `convnotes run` (issue 23): a run killed with SIGKILL at
// several moments, a disk that fills, read-only results and model folders.
// What must hold: the previous results stay readable and verify passes on
// them; the next run sweeps what the killed one left; errors name the path
// and come before any work. The mounts (tmpfs) need root; without it those
// tests say so and pass nothing off as checked.
import TestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Starts the built `convnotes` without waiting (stdout and stderr to /dev/null).
func startConvnotes(_ arguments: [String]) throws -> Process {
  let process = Process()
  process.executableURL = try binary()
  process.arguments = arguments
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  return process
}

/// A results folder with one quick run of map-evaluation, and a chapters
/// folder with its chapter (verify checks its 17 claims).
struct MapEvaluationRun {
  let root: URL
  var results: URL { root.appendingPathComponent("results") }
  var chapters: URL { root.appendingPathComponent("chapters") }
  var resultsFile: URL { results.appendingPathComponent("map-evaluation/results.json") }

  init(results: URL? = nil) throws {
    root = try TestSupport.temporaryFolder("faults")
    try copyMapChapter(into: chapters)
  }

  func run(_ out: URL, extra: [String] = []) throws -> (status: Int32, out: String, err: String) {
    try convnotes(["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--out", out.path, "--models", root.appendingPathComponent("models").path] + extra)
  }

  func verify(_ out: URL) throws -> (status: Int32, out: String, err: String) {
    try convnotes(["verify", "--results", out.path, "--chapters", chapters.path], in: repository)
  }

  /// Names in the results folder that a finished run does not leave.
  func leftovers(_ out: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.hasPrefix(".staging-") || $0.contains(".old-") }
  }
}

/// Runs `command` through /bin/sh; true when it exits 0.
@discardableResult
func shell(_ command: String) -> Bool {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/bin/sh")
  p.arguments = ["-c", command]
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  guard (try? p.run()) != nil else { return false }
  p.waitUntilExit()
  return p.terminationStatus == 0
}

/// Mounts a tmpfs of `size` (e.g. "2m") at a new folder, or nil (with the reason) when that is not possible.
func mountTmpfs(_ size: String, readOnly: Bool = false) -> (URL?, String) {
  guard getuid() == 0 else { return (nil, "not root: cannot mount a tmpfs") }
  let url = TestSupport.temporaryURL("tmpfs")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  guard shell("mount -t tmpfs -o size=\(size)\(readOnly ? ",ro" : "") tmpfs '\(url.path)'") else {
    return (nil, "mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?)")
  }
  return (url, "")
}

func unmount(_ url: URL) {
  shell("umount '\(url.path)'")
  try? FileManager.default.removeItem(at: url)
}

@Suite(.serialized)
struct FaultTests {
  /// SIGKILL at several moments of a run that replaces earlier results.
  @Test func aRunKilledAtAnyMomentKeepsThePreviousResults() throws {
    let fixture = try MapEvaluationRun()
    defer { try? FileManager.default.removeItem(at: fixture.root) }
    let start = Date()
    let first = try fixture.run(fixture.results)
    #expect(first.status == 0, "\(first.err)")
    let seconds = Date().timeIntervalSince(start)
    let before = try Data(contentsOf: fixture.resultsFile)
    var leftStaging = 0
    // Early (setup), mid-way (computing, figures), late (writing and renaming).
    for fraction in [0.1, 0.4, 0.7, 0.95] {
      let child = try startConvnotes([
        "run", "map-evaluation", "--profile", "quick", "--threads", "1", "--force", "--out", fixture.results.path,
        "--models", fixture.root.appendingPathComponent("models").path,
      ])
      usleep(useconds_t(fraction * seconds * 1e6))
      kill(child.processIdentifier, SIGKILL)
      child.waitUntilExit()
      if !fixture.leftovers(fixture.results).isEmpty { leftStaging += 1 }
      // The results are the first run's or a complete new one (the same bytes: same seed and threads).
      #expect(try Data(contentsOf: fixture.resultsFile) == before, "results changed after a kill at \(fraction) of the run")
      let verify = try fixture.verify(fixture.results)
      #expect(verify.status == 0, "verify after a kill at \(fraction): \(verify.out)")
    }
    print("kill test: a run takes \(String(format: "%.1f", seconds)) s; \(leftStaging) of 4 kills left a staging folder")
    // The next run sweeps what the killed ones left, and succeeds.
    let next = try fixture.run(fixture.results, extra: ["--force"])
    #expect(next.status == 0, "\(next.err)")
    #expect(fixture.leftovers(fixture.results).isEmpty)
    #expect(try Data(contentsOf: fixture.resultsFile) == before)
  }

  /// A disk that fills during a run: a clear error naming the path; the old results stay.
  @Test func aFullDiskIsAClearErrorAndTheOldResultsStay() throws {
    let (mount, why) = mountTmpfs("1400k")
    guard let mount else {
      print("skipped: disk-full test: \(why)")
      return
    }
    defer { unmount(mount) }
    let fixture = try MapEvaluationRun()
    defer { try? FileManager.default.removeItem(at: fixture.root) }
    let out = mount.appendingPathComponent("results")
    let first = try fixture.run(out)
    #expect(first.status == 0, "the first run should fit in 1.4 MB: \(first.err)")
    let before = try Data(contentsOf: out.appendingPathComponent("map-evaluation/results.json"))
    let full = try fixture.run(out, extra: ["--force"])  // its staging copy does not fit
    #expect(full.status != 0)
    let line = full.err.split(separator: "\n").first { $0.hasPrefix("convnotes: ") }.map(String.init) ?? ""
    // e.g. `<out>/.staging-map-evaluation-<pid>/figures/interpolation.png: cannot write PNG (... There isn’t enough space.)`
    #expect(line.hasPrefix("convnotes: \(out.path)/") && (line.contains("enough space") || line.contains("No space left")), "\(full.err)")
    #expect(try Data(contentsOf: out.appendingPathComponent("map-evaluation/results.json")) == before)
    #expect(fixture.leftovers(out).isEmpty, "\(fixture.leftovers(out))")
    #expect(try fixture.verify(out).status == 0)
  }

  /// Read-only results or models: the run stops before any work, naming the folder.
  @Test func readOnlyFoldersAreRefusedBeforeAnyWork() throws {
    let (mount, why) = mountTmpfs("1m", readOnly: true)
    guard let mount else {
      print("skipped: read-only test: \(why)")
      return
    }
    defer { unmount(mount) }
    let fixture = try MapEvaluationRun()
    defer { try? FileManager.default.removeItem(at: fixture.root) }
    let results = try convnotes(["run", "map-evaluation", "--profile", "quick", "--out", mount.path, "--models", fixture.root.appendingPathComponent("models").path])
    #expect(results.status == 1)
    #expect(results.err == "convnotes: \(mount.path)/.convnotes.lock: cannot open the results folder's lock (Read-only file system); is the folder writable?\n", "\(results.err)")
    let models = try convnotes(["run", "map-evaluation", "--profile", "quick", "--out", fixture.results.path, "--models", mount.path])
    #expect(models.status == 1)
    #expect(models.err == "convnotes: \(mount.path): the model cache folder is not writable (Read-only file system); it holds lock files and trained networks; pass a writable --models (or CONVNOTES_MODELS)\n", "\(models.err)")
    #expect(!FileManager.default.fileExists(atPath: fixture.results.appendingPathComponent("map-evaluation").path))
    // A model folder that cannot even be created (under the read-only mount).
    let nested = try convnotes(["run", "map-evaluation", "--profile", "quick", "--out", fixture.results.path, "--models", mount.path + "/m"])
    #expect(nested.status == 1 && nested.err.hasPrefix("convnotes: \(mount.path)/m: cannot create the model cache folder ("), "\(nested.err)")
  }
}
