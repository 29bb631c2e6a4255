// `convnotes run <id> --set key=value`, `convnotes params <id>` and the
// summary `run` prints, end to end with the built binary.
import Foundation
import TestSupport
import Testing

struct VariantRunTests {
  /// A folder laid out like a checkout: chapters/ with the map chapter.
  func checkout() throws -> URL {
    let folder = TestSupport.temporaryURL("variant")
    let chapters = folder.appendingPathComponent("chapters")
    try copyMapChapter(into: chapters)
    return folder
  }

  @Test func aVariantRunGoesToItsOwnFolderAndThePageNamesWhatChanged() throws {
    let folder = try checkout()
    let canonical = try convnotes(["run", "map-evaluation", "--profile", "quick", "--threads", "1"], in: folder)
    #expect(canonical.status == 0, "\(canonical.err)")
    #expect(canonical.err.contains("map-evaluation: 9 of 9 claims of chapters/14-map-evaluation.md hold"), "\(canonical.err)")
    #expect(canonical.err.contains("figures: ") && canonical.err.contains("pr-curves.png"))
    let canonicalResults = folder.appendingPathComponent("results/map-evaluation/results.json")
    let before = try Data(contentsOf: canonicalResults)

    let variant = try convnotes(
      ["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--set", "nmsThreshold=0.95"], in: folder)
    #expect(variant.status == 0, "\(variant.err)")
    #expect(variant.err.contains("variant run into results-try/ with nmsThreshold = 0.95 (default 0.5)"), "\(variant.err)")
    #expect(try Data(contentsOf: canonicalResults) == before, "the canonical results were overwritten")
    let stored = try JSONSerialization.jsonObject(
      with: Data(contentsOf: folder.appendingPathComponent("results-try/map-evaluation/results.json"))) as? [String: Any]
    let overrides = stored?["overrides"] as? [[String: String]]
    #expect(overrides == [["key": "nmsThreshold", "defaultValue": "0.5", "value": "0.95"]])
    #expect(((stored?["config"] as? [String: Any])?["nmsThreshold"] as? Double) == 0.95)
    // The figure files carry the command that regenerates them (a PNG tEXt chunk: keyword, zero byte, text).
    let png = try Data(contentsOf: folder.appendingPathComponent("results-try/map-evaluation/figures/pr-curves.png"))
    let command = "command\0convnotes run map-evaluation --profile quick --seed 0 --threads 1 --set nmsThreshold=0.95"
    #expect(png.range(of: Data(command.utf8)) != nil)

    let report = try convnotes(["report", "--results", "results-try", "--site", "report-try", "--source-root", repository.path], in: folder)
    #expect(report.status == 0, "\(report.err)")
    let page = try String(contentsOf: folder.appendingPathComponent("report-try/map-evaluation.html"), encoding: .utf8)
    #expect(page.contains("changed nmsThreshold = 0.95 (default 0.5)"))
  }

  @Test func aBadSettingStopsBeforeAnyWork() throws {
    let folder = try checkout()
    let r = try convnotes(["run", "map-evaluation", "--profile", "quick", "--set", "nmsTreshold=0.4"], in: folder)
    #expect(r.status == 1)
    #expect(r.err == "convnotes: map-evaluation: no configuration field `nmsTreshold`; did you mean `nmsThreshold`? (`convnotes params map-evaluation` lists them)\n", "\(r.err)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("results-try").path))
    let two = try convnotes(["run", "map-evaluation", "tsne", "--set", "x=1"], in: folder)
    #expect(two.status != 0 && two.err.contains("--set changes one experiment's configuration: name exactly one"))
  }

  @Test func paramsListsTheFieldsWithTypesAndValues() throws {
    let r = try convnotes(["params", "map-evaluation", "--profile", "quick"])
    #expect(r.status == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n").map(String.init)
    #expect(lines.first == "map-evaluation, quick profile: `convnotes run map-evaluation --profile quick --set key=value` changes a field")
    #expect(lines.contains { $0.hasPrefix("  nmsThreshold ") && $0.hasSuffix(" number                   0.5") })
    #expect(lines.contains { $0.hasPrefix("  scene.classes ") && $0.hasSuffix("shirt,sneaker,bag") })
    let json = try convnotes(["params", "map-evaluation", "--json"])
    let rows = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: String]]
    #expect(rows?.contains(["key": "nmsThreshold", "type": "number", "value": "0.5"]) == true)
  }
}

/// map-evaluation writes what it scored as COCO JSON; scoring those files
/// again through `eval-detections` (the JSON reader, a second path) must
/// give the numbers the experiment recorded from memory.
@Test func mapEvaluationsCOCOFilesScoreToItsRecordedNumbers() throws {
  let folder = TestSupport.temporaryURL("map-files")
  let run = try convnotes(["run", "map-evaluation", "--profile", "quick", "--threads", "1", "--out", folder.path])
  #expect(run.status == 0, "\(run.err)")
  let experiment = folder.appendingPathComponent("map-evaluation")
  let results = try JSONSerialization.jsonObject(with: Data(contentsOf: experiment.appendingPathComponent("results.json"))) as? [String: Any]
  let values = results?["values"] as? [String: [String: Any]]
  func recorded(_ key: String) -> Double? { values?[key]?["value"] as? Double }
  for (file, key) in [("detections.json", "coco.ap"), ("detections-before-nms.json", "beforeNms.ap")] {
    let eval = try convnotes([
      "eval-detections", "--gt", experiment.appendingPathComponent("ground-truth.json").path,
      "--dt", experiment.appendingPathComponent(file).path, "--metric", "coco", "--json",
    ])
    #expect(eval.status == 0, "\(eval.err)")
    let scored = try JSONSerialization.jsonObject(with: Data(eval.out.utf8)) as? [String: Any]
    let ap = ((scored?["coco"] as? [String: Any])?["AP"] as? Double)
    #expect(ap != nil && recorded(key) != nil && abs(ap! - recorded(key)!) < 1e-9, "\(file): \(String(describing: ap)) vs \(key) \(String(describing: recorded(key)))")
  }
}
