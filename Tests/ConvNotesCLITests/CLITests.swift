import TestSupport
import Foundation
import Testing

/// Runs the built `convnotes` binary; returns exit status, stdout and stderr.
func convnotes(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
  let process = Process()
  process.executableURL = try binary()
  process.arguments = arguments
  if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
  if let folder { process.currentDirectoryURL = folder }
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

let repository = TestSupport.repositoryRoot

func binary() throws -> URL {
  // The test bundle sits in the build folder next to the executable.
  var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
  candidates.append(repository.appendingPathComponent(".build/debug"))
  for folder in candidates {
    for up in [folder, folder.deletingLastPathComponent()] {
      let url = up.appendingPathComponent("convnotes")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
  }
  throw CLITestError.noBinary
}

enum CLITestError: Error { case noBinary }

let fixtures = repository.appendingPathComponent("Tests/DetectionTests/Fixtures")

/// A chapters folder holding only the map chapter and the references it cites
/// (the other chapters need trained nets, too slow for a debug build).
func copyMapChapter(into chapters: URL) throws {
  try FileManager.default.createDirectory(at: chapters, withIntermediateDirectories: true)
  for name in ["14-map-evaluation.md", "references.yaml"] {
    try FileManager.default.copyItem(at: repository.appendingPathComponent("chapters/" + name), to: chapters.appendingPathComponent(name))
  }
}

struct CLITests {
  @Test func unknownExperimentGetsOneLineWithTheNearestId() throws {
    let r = try convnotes(["run", "map-evalution"])
    #expect(r.status != 0)
    #expect(r.err == "convnotes: unknown experiment `map-evalution`; did you mean `map-evaluation`? (see `convnotes list`)\n")
  }

  @Test func badFlagGetsOneLine() throws {
    let r = try convnotes(["run", "map-evaluation", "--xyz"])
    #expect(r.status != 0)
    #expect(r.err == "convnotes: Unknown option '--xyz'. Did you mean '--out'?\n", "\(r.err)")
    let misspelt = try convnotes(["run", "map-evaluation", "--profil", "quick"])
    #expect(misspelt.status != 0)
    #expect(misspelt.err == "convnotes: `quick` is not an experiment; did you mean `--profile quick`?\n", "\(misspelt.err)")
    let threads = try convnotes(["all", "--threads", "0"])
    #expect(threads.status != 0 && threads.err.contains("--threads must be between 1 and 256"))
    let profile = try convnotes(["all", "--profile", "fast"])
    #expect(profile.status != 0 && profile.err.contains("fast"))
  }

  @Test func anUnknownMatrixKernelIsAClearErrorNotACrash() throws {
    let r = try convnotes(["bench", "--convnet"], environment: ["CONVNOTES_GEMM": "avx9"])
    #expect(r.status == 2)
    #expect(r.err == "convnotes: CONVNOTES_GEMM=avx9: expected one of avx512, avx2, openblas\n", "\(r.err)")
  }

  @Test func listShowsEveryExperiment() throws {
    let r = try convnotes(["list", "--results", "/nonexistent"])
    #expect(r.status == 0)
    #expect(r.out.hasPrefix("id "))
    let lines = r.out.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("map-evaluation ") && $0.contains("Scoring detectors") })
    #expect(lines.contains { $0.hasPrefix("sliding-window ") && $0.contains("8 Detection") })
  }

  @Test func evalDetectionsMatchesPycocotoolsOnTheCrossCheckFiles() throws {
    let r = try convnotes([
      "eval-detections", "--gt", fixtures.appendingPathComponent("crosscheck-1-gt.json").path,
      "--dt", fixtures.appendingPathComponent("crosscheck-1-dt.json").path,
    ])
    #expect(r.status == 0, "\(r.err)")
    // pycocotools 2.0.11 prints these two lines for the same files.
    #expect(r.out.contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.286"))
    #expect(r.out.contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.262"))
    let json = try convnotes([
      "eval-detections", "--gt", fixtures.appendingPathComponent("crosscheck-2-gt.json").path,
      "--dt", fixtures.appendingPathComponent("crosscheck-2-dt.json").path, "--metric", "voc07", "--json",
    ])
    let decoded = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
    let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("crosscheck-2-expected.json"))) as? [String: Any]
    let ours = try #require(decoded?["voc07mAP"] as? Double)
    let theirs = try #require(expected?["voc07mAP"] as? Double)
    #expect(abs(ours - theirs) < 1e-9)
    #expect(decoded?["coco"] == nil)
  }

  @Test func malformedDetectionsNameFileAndFieldAndWriteNothing() throws {
    let folder = TestSupport.temporaryURL("cli")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let dt = folder.appendingPathComponent("dt.json")
    try Data("[{\"image_id\": 1000, \"category_id\": 1, \"bbox\": [1, 2, -3, 4], \"score\": 0.5}]".utf8).write(to: dt)
    let output = folder.appendingPathComponent("out.json")
    let r = try convnotes([
      "eval-detections", "--gt", fixtures.appendingPathComponent("crosscheck-1-gt.json").path, "--dt", dt.path,
      "--output", output.path,
    ])
    #expect(r.status == 1)
    #expect(r.err == "convnotes: \(dt.path): [0].bbox[2]: width must be >= 0, got -3.0\n")
    #expect(!FileManager.default.fileExists(atPath: output.path))
    let missing = try convnotes(["eval-detections", "--gt", folder.appendingPathComponent("nope.json").path, "--dt", dt.path])
    #expect(missing.status == 1 && missing.err.contains("nope.json: cannot read the file"))
  }

  @Test func runThenVerifyThenReport() throws {
    let folder = TestSupport.temporaryURL("cli")
    let results = folder.appendingPathComponent("results").path
    let run = try convnotes(["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--out", results])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.err.contains("[1/1] map-evaluation (quick) ..."))
    // Only the map chapter: the classifier's training is too slow for a debug build.
    let chapters = folder.appendingPathComponent("chapters")
    try copyMapChapter(into: chapters)
    let verify = try convnotes(
      ["verify", "--results", results, "--chapters", chapters.path, "--junit", folder.appendingPathComponent("v.xml").path], in: repository)
    #expect(verify.status == 0, "\(verify.out)")
    #expect(verify.out.contains("verify: ") && verify.out.contains(" 0 failed"))
    let site = folder.appendingPathComponent("site").path
    let report = try convnotes(["report", "--results", results, "--chapters", chapters.path, "--site", site], in: repository)
    #expect(report.status == 0, "\(report.err)")
    #expect(report.out == site + "/index.html\n")
    #expect(FileManager.default.fileExists(atPath: site + "/map-evaluation.html"))
  }

  @Test func verifyFailsWithFileAndLineWhenResultsAreMissing() throws {
    let verify = try convnotes(["verify", "--results", "/nonexistent-results"], in: repository)
    #expect(verify.status == 1)
    #expect(verify.err.isEmpty, "\(verify.err)")  // the problems go to stdout, nothing else to stderr
    #expect(verify.out.contains("chapters/14-map-evaluation.md:2: no results for experiment `map-evaluation`"))
  }

  @Test func reportWithoutChaptersFailsAndWritesNothing() throws {
    let site = TestSupport.temporaryURL("site").path
    let r = try convnotes(["report", "--chapters", "/nonexistent-chapters", "--site", site])
    #expect(r.status == 1)
    #expect(r.err.hasPrefix("convnotes: /nonexistent-chapters: cannot list chapters"), "\(r.err)")
    #expect(!FileManager.default.fileExists(atPath: site))
  }
}

struct TSNECommandTests {
  func write(_ values: [Float]) throws -> URL {
    let url = TestSupport.temporaryURL("tsne", extension: ".bin")
    var data = Data()
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    try data.write(to: url)
    return url
  }

  @Test func embedsAFileAndWritesRowsTimesTwoFloats() throws {
    // Two clusters of 30 points in 3-D.
    let values = (0..<90).map { i -> Float in Float((i * 7919) % 13) / 13 + (i < 45 ? 0 : 20) }
    let input = try write(values)
    let output = input.appendingPathExtension("out")
    let r = try convnotes([
      "tsne", "--input", input.path, "--rows", "30", "--cols", "3", "--output", output.path, "--perplexity", "5", "--iterations", "200",
      "--exaggeration-iterations", "50", "--json",
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("\"rows\": 30") && r.out.contains("\"kl\""))
    #expect(try Data(contentsOf: output).count == 30 * 2 * 4)
  }

  @Test func badSizesAndValuesAreNamedAndNothingIsWritten() throws {
    let input = try write([1, 2, 3, 4, 5, 6, 7, 8])
    let output = input.appendingPathExtension("out")
    let size = try convnotes(["tsne", "--input", input.path, "--rows", "5", "--cols", "3", "--output", output.path, "--perplexity", "2"])
    #expect(size.status != 0 && size.err.contains("32 bytes") && size.err.contains("needs 60"))
    let nan = try write([1, 2, .nan, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    let bad = try convnotes(["tsne", "--input", nan.path, "--rows", "4", "--cols", "3", "--output", output.path, "--perplexity", "2"])
    #expect(bad.status != 0 && bad.err.contains("row 0, column 2"))
    let perplexity = try convnotes(["tsne", "--input", input.path, "--rows", "4", "--cols", "2", "--output", output.path])
    #expect(perplexity.status != 0 && perplexity.err.contains("--perplexity"))
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}

/// The library products serve another package: build Tests/ConvNotesCLITests/Consumer
/// (a package that depends on this checkout by path) and run it. It builds
/// the numeric modules again (a minute or two), so it runs when
/// CONVNOTES_CONSUMER_TEST=1 (`make test` sets it).
@Test(.enabled(if: ProcessInfo.processInfo.environment["CONVNOTES_CONSUMER_TEST"] == "1"))
func aConsumerPackageBuildsAgainstTheLibraryProducts() throws {
  let work = try TestSupport.temporaryFolder("consumer")
  defer { try? FileManager.default.removeItem(at: work) }
  try FileManager.default.copyItem(at: TestSupport.fixture("ConvNotesCLITests", "Consumer"), to: work.appendingPathComponent("Consumer"))
  let package = work.appendingPathComponent("Consumer")
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["swift", "run", "--package-path", package.path, "Consumer", work.appendingPathComponent("plot.png").path]
  var environment = ProcessInfo.processInfo.environment
  environment["CONVNOTES_PATH"] = TestSupport.repositoryRoot.path
  process.environment = environment
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.standardError
  try process.run()
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
  // The second box overlaps the first with IoU 81/119 > 0.5; the nearest of point 0 is point 1.
  #expect(output.contains("kept [0, 2] nearest-of-0 1 png true"), "consumer printed: \(output)")
}

/// Cache keys come from the build, not the working directory: the same from
/// inside the checkout and from a folder outside it.
@Test func keysAreTheSameFromAnyFolder() throws {
  let outside = try TestSupport.temporaryFolder("keys")
  defer { try? FileManager.default.removeItem(at: outside) }
  let inside = try convnotes(["list", "--keys", "--profile", "quick"], in: repository)
  let away = try convnotes(["list", "--keys", "--profile", "quick"], in: outside)
  #expect(inside.status == 0 && away.status == 0)
  #expect(inside.out == away.out)
  #expect(inside.out.contains("experiment saliency code ") && inside.out.contains("model fashion-classifier "))
  #expect(!inside.out.contains("absent"))
}

/// --keep-going: an experiment that fails costs only itself and what reads
/// its results; the rest still run, and the exit status says so at the end.
@Test func keepGoingRunsWhatItCanAndFailsAtTheEnd() throws {
  let out = try TestSupport.temporaryFolder("keep-going")
  defer { try? FileManager.default.removeItem(at: out) }
  let r = try convnotes([
    "run", "fashion-scenes", "localization-regression", "map-evaluation", "--keep-going", "--profile", "quick",
    "--data-dir", out.appendingPathComponent("no-data").path, "--out", out.path, "--models", out.appendingPathComponent("models").path,
  ])
  #expect(r.status == 1)
  #expect(r.err.contains("fashion-scenes failed (exit"))
  #expect(r.err.contains("localization-regression skipped: it reads the results of fashion-scenes"))
  #expect(r.err.contains("1 experiment failed (fashion-scenes); skipped, as they read its results: localization-regression"))
  #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("map-evaluation/results.json").path))
  #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("fashion-scenes/results.json").path))
}

/// --jobs 2: experiments run two at a time, each in its own process with the
/// run's --threads, and write the same bytes as one at a time.
@Test func twoJobsWriteTheSameResultsAsOne() throws {
  let out = try TestSupport.temporaryFolder("jobs")
  defer { try? FileManager.default.removeItem(at: out) }
  let ids = ["fashion-scenes", "map-evaluation"]
  func run(_ folder: String, _ extra: [String]) throws -> (status: Int32, out: String, err: String) {
    try convnotes(["run"] + ids + ["--profile", "quick", "--threads", "2", "--out", out.appendingPathComponent(folder).path,
      "--models", out.appendingPathComponent("models").path] + extra)
  }
  let one = try run("one", []), two = try run("two", ["--jobs", "2"])
  #expect(one.status == 0 && two.status == 0, "\(one.err)\n\(two.err)")
  #expect(two.err.contains("started (2 of 2 jobs running)"), "\(two.err)")
  for id in ids {
    let a = try Data(contentsOf: out.appendingPathComponent("one/\(id)/results.json"))
    let b = try Data(contentsOf: out.appendingPathComponent("two/\(id)/results.json"))
    #expect(a == b, "\(id)/results.json differs between --jobs 1 and 2")
  }
  let bad = try convnotes(["run", "map-evaluation", "--jobs", "0"])
  #expect(bad.status != 0 && bad.err.contains("--jobs must be between 1 and 16, got 0"), "\(bad.err)")
}

/// Without --keep-going a failure stops new starts (what is running finishes).
@Test func twoJobsStartNothingNewAfterAFailure() throws {
  let out = try TestSupport.temporaryFolder("jobs-fail")
  defer { try? FileManager.default.removeItem(at: out) }
  let r = try convnotes([
    "run", "fashion-scenes", "localization-regression", "--jobs", "2", "--profile", "quick",
    "--data-dir", out.appendingPathComponent("no-data").path, "--out", out.path, "--models", out.appendingPathComponent("models").path,
  ])
  #expect(r.status == 1)
  #expect(r.err.contains("fashion-scenes failed (exit 1) after"), "\(r.err)")
  #expect(r.err.contains("starting nothing new"), "\(r.err)")
  #expect(r.err.contains("1 experiment failed (fashion-scenes); skipped, as they read its results: localization-regression"), "\(r.err)")
}
