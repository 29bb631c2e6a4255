// Bad input for every command that reads a file, as one table: each row
// writes its input files into a fresh folder ($D in the arguments and the
// expected line), runs `convnotes`, and checks the exit status and the first
// line of stderr after the progress lines (`[1/1] id ...`). A line ending in
// "…" is matched as a prefix (the rest is the system's wording of an errno).
// For `verify`, whose findings are its report, the line is the first of stdout
// (chapters are named `chapters/<file>` whatever --chapters says: Site's display path).
// Rows with status 0 are valid-but-probably-wrong inputs: the line is the warning.
import TestSupport
import Foundation
import Testing

struct BadInput: Sendable, CustomTestStringConvertible {
  var name: String
  var files: [String: Data] = [:]
  var arguments: [String]
  var status: Int32
  var line: String
  var stdout = false
  var testDescription: String { name }
}

/// A ground truth with one image of 100 x 80, one category and one object.
let goodGT = #"{"images": [{"id": 1, "width": 100, "height": 80}], "categories": [{"id": 1, "name": "a"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20]}]}"#
let goodDT = #"[{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9}]"#

func eval(_ name: String, gt: String = goodGT, dt: String = goodDT, extra: [String] = [], status: Int32 = 1, _ line: String) -> BadInput {
  BadInput(
    name: "eval-detections: " + name, files: ["gt.json": Data(gt.utf8), "dt.json": Data(dt.utf8)],
    arguments: ["eval-detections", "--gt", "$D/gt.json", "--dt", "$D/dt.json"] + extra, status: status, line: line)
}

func floats(_ values: [Float]) -> Data {
  var d = Data()
  for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
  return d
}

func tsne(_ name: String, _ input: Data, rows: Int = 4, cols: Int = 2, _ line: String) -> BadInput {
  BadInput(
    name: "tsne: " + name, files: ["x.bin": input],
    arguments: ["tsne", "--input", "$D/x.bin", "--rows", String(rows), "--cols", String(cols), "--output", "$D/y.bin", "--perplexity", "1"],
    status: 64, line: line)  // (tsne's checks are ArgumentParser validation errors: exit 64)
}

let chapterOK = "---\nexperiment: map-evaluation\n---\n# T\n"

let badInputs: [BadInput] = [
  // eval-detections: the ground truth (--gt)
  BadInput(
    name: "eval-detections: --gt missing", files: ["dt.json": Data(goodDT.utf8)],
    arguments: ["eval-detections", "--gt", "$D/none.json", "--dt", "$D/dt.json"], status: 1, line: "convnotes: $D/none.json: cannot read the file (…"),
  eval("--gt empty", gt: "", "convnotes: $D/gt.json: not valid JSON (…"),
  eval("--gt not JSON", gt: "images: 1", "convnotes: $D/gt.json: not valid JSON (…"),
  eval("--gt trailing comma", gt: "{\"images\": [{\"id\": 1},],\n \"categories\": [], \"annotations\": []}", "convnotes: $D/gt.json: not valid JSON: trailing comma at line 1, column 22 (before `]`)"),
  eval("--gt and --dt swapped", gt: goodDT, dt: goodGT, "convnotes: $D/gt.json: expected a COCO annotation file (an object with images, categories, annotations), got a JSON array: this looks like a detections file; are --gt and --dt swapped?"),
  eval("--gt without annotations", gt: #"{"images": [], "categories": []}"#, "convnotes: $D/gt.json: annotations: missing"),
  eval("--gt image id 1.5", gt: #"{"images": [{"id": 1.5}], "categories": [], "annotations": []}"#, "convnotes: $D/gt.json: images[0].id: expected an integer id, got 1.5"),
  eval("--gt duplicate image id", gt: #"{"images": [{"id": 1}, {"id": 1}], "categories": [], "annotations": []}"#, "convnotes: $D/gt.json: images[1].id: duplicate image id 1"),
  eval("--gt annotation of an unknown category", gt: #"{"images": [{"id": 1}], "categories": [], "annotations": [{"id": 1, "image_id": 1, "category_id": 4, "bbox": [0, 0, 1, 1]}]}"#, "convnotes: $D/gt.json: annotations[0].category_id: category id 4 is not in `categories`"),
  eval("--gt negative area", gt: #"{"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": -1}]}"#, "convnotes: $D/gt.json: annotations[0].area: must be a finite number >= 0, got -1.0"),
  // eval-detections: the detections (--dt)
  eval("--dt only an object", dt: #"{"a": 1}"#, "convnotes: $D/dt.json: expected a JSON array of detections"),
  eval("--dt is a ground truth", dt: goodGT, "convnotes: $D/dt.json: expected a JSON array of detections, got an object with `annotations`: this looks like a ground-truth file; are --gt and --dt swapped?"),
  eval("--dt trailing comma", dt: "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 1},\n]", "convnotes: $D/dt.json: not valid JSON: trailing comma at line 1, column 69 (before `]`)"),
  eval("--dt bbox of three numbers", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3], "score": 1}]"#, "convnotes: $D/dt.json: [0].bbox: expected [x, y, width, height], got 3 numbers"),
  eval("--dt negative height", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, -4], "score": 1}]"#, "convnotes: $D/dt.json: [0].bbox[3]: height must be >= 0, got -4.0"),
  eval("--dt score a string", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": "high"}]"#, "convnotes: $D/dt.json: [0].score: expected a number"),
  eval("--dt score missing", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]"#, "convnotes: $D/dt.json: [0].score: missing"),
  eval("--dt unknown image", dt: #"[{"image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 1}]"#, "convnotes: $D/dt.json: [0].image_id: image id 9 is not an image of the ground truth"),
  eval("--dt truncated", dt: String(goodDT.prefix(30)), "convnotes: $D/dt.json: not valid JSON (…"),
  eval("--metric unknown", extra: ["--metric", "voc12"], status: 64, "convnotes: The value 'voc12' is invalid for '--metric <metric>'. Please provide one of 'coco', 'voc07', 'voc10' or 'all'."),
  eval("--output is a folder", extra: ["--output", "$D"], "convnotes: $D: …"),
  // eval-detections: valid, probably wrong (exit 0, a warning)
  eval("--dt category not in the ground truth", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9}, {"image_id": 1, "category_id": 2, "bbox": [10, 10, 20, 20], "score": 0.8}]"#, status: 0,
    "convnotes: warning: $D/dt.json: 1 of 2 detections have a category_id that is not in the ground truth's categories (2); they are not scored (as in pycocotools)"),
  eval("--dt boxes as corners", dt: #"[{"image_id": 1, "category_id": 1, "bbox": [60, 40, 90, 70], "score": 0.9}]"#, status: 0,
    "convnotes: warning: $D/dt.json: 1 of 1 boxes run past their image (e.g. [0].bbox = [60.0, 40.0, 90.0, 70.0] on a 100x80 image); they fit if read as [x1, y1, x2, y2]: COCO boxes are [x, y, width, height]"),
  // tsne
  BadInput(
    name: "tsne: --input missing", arguments: ["tsne", "--input", "$D/none.bin", "--rows", "4", "--cols", "2", "--output", "$D/y.bin", "--perplexity", "1"],
    status: 64, line: "convnotes: cannot read --input $D/none.bin"),
  tsne("wrong size", floats([1, 2, 3]), "convnotes: $D/x.bin: 12 bytes, but --rows 4 x --cols 2 float32 needs 32"),
  tsne("float64", Data(count: 64), "convnotes: $D/x.bin: 64 bytes, but --rows 4 x --cols 2 float32 needs 32; the file is exactly twice that size: is it float64? (numpy: x.astype(\"<f4\").tofile(...))"),
  tsne("NaN", floats([0, 1, 2, 3, 4, .nan, 6, 7]), "convnotes: $D/x.bin: value at row 2, column 1 is nan, not a finite number"),
  tsne("rows x cols overflow", floats([0, 1, 2, 3]), rows: 1 << 62, cols: 4, "convnotes: $D/x.bin: --rows 4611686018427387904 x --cols 4 float32 is too large a matrix"),
  tsne("empty file", Data(), "convnotes: $D/x.bin: 0 bytes, but --rows 4 x --cols 2 float32 needs 32"),
  // verify and report: results and chapters
  BadInput(
    name: "verify: results.json not JSON", files: ["r/map-evaluation/results.json": Data("{".utf8), "c/14-map-evaluation.md": Data(chapterOK.utf8)],
    arguments: ["verify", "--results", "$D/r", "--chapters", "$D/c"], status: 1, line: "$D/r/map-evaluation/results.json: cannot read results (not valid JSON (…", stdout: true),
  BadInput(
    name: "verify: chapter without front matter", files: ["c/14-map-evaluation.md": Data("# T\n".utf8)],
    arguments: ["verify", "--results", "$D/r", "--chapters", "$D/c"], status: 1,
    line: "chapters/14-map-evaluation.md:1: front matter missing: the file must start with `---`", stdout: true),
  BadInput(
    name: "verify: unknown front matter key", files: ["c/14-map-evaluation.md": Data("---\nexperiment: map-evaluation\ncolour: red\n---\n".utf8)],
    arguments: ["verify", "--results", "$D/r", "--chapters", "$D/c"], status: 1,
    line: "chapters/14-map-evaluation.md:3: unknown front matter key `colour` (expected experiment, title, lecture)", stdout: true),
  BadInput(
    name: "verify: no results for the chapter", files: ["c/14-map-evaluation.md": Data(chapterOK.utf8)],
    arguments: ["verify", "--results", "$D/r", "--chapters", "$D/c"], status: 1,
    line: "chapters/14-map-evaluation.md:2: no results for experiment `map-evaluation` in $D/r (run `convnotes run map-evaluation`)", stdout: true),
  BadInput(
    name: "verify: results.json an array", files: ["r/map-evaluation/results.json": Data("[]".utf8), "c/14-map-evaluation.md": Data(chapterOK.utf8)],
    arguments: ["verify", "--results", "$D/r", "--chapters", "$D/c"], status: 1,
    line: "$D/r/map-evaluation/results.json: cannot read results (wrong type at the top level (expected an object))", stdout: true),
  BadInput(
    name: "report: chapter not UTF-8", files: ["c/14-map-evaluation.md": Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A])],
    arguments: ["report", "--results", "$D/r", "--chapters", "$D/c", "--site", "$D/site"], status: 1,
    line: "convnotes: chapters/14-map-evaluation.md: cannot read the chapter (missing, or not UTF-8)"),
  BadInput(
    name: "report: no chapters folder", arguments: ["report", "--results", "$D/r", "--chapters", "$D/none", "--site", "$D/site"], status: 1,
    line: "convnotes: $D/none: cannot list chapters (…"),
  // merge: shard folders
  BadInput(
    name: "merge: a folder without shard.json", files: ["s1/x": Data()], arguments: ["merge", "$D/s1", "--out", "$D/m"], status: 1,
    line: "convnotes: $D/s1/shard.json: missing; $D/s1 is not the results folder of a finished shard (`convnotes all --shard i/n --out $D/s1` writes it last)"),
  BadInput(
    name: "merge: shard.json not JSON", files: ["s1/shard.json": Data("{".utf8)], arguments: ["merge", "$D/s1", "--out", "$D/m"], status: 1,
    line: "convnotes: $D/s1/shard.json: not a shard manifest (…"),
  // run: the data set (--data-dir)
  BadInput(
    name: "run: Fashion-MNIST missing", arguments: ["run", "fashion-scenes", "--profile", "quick", "--data-dir", "$D/none", "--out", "$D/r", "--models", "$D/m"],
    status: 1, line: "convnotes: $D/none/t10k-images-idx3-ubyte.gz: missing (install Debian's dataset-fashion-mnist, or pass --data-dir)"),
  BadInput(
    name: "run: Fashion-MNIST file not gzip", files: ["d/t10k-images-idx3-ubyte.gz": Data("not gzip at all".utf8)],
    arguments: ["run", "fashion-scenes", "--profile", "quick", "--data-dir", "$D/d", "--out", "$D/r", "--models", "$D/m"],
    status: 1, line: "convnotes: $D/d/t10k-images-idx3-ubyte.gz: content checksum crc32:…"),
  // grade and the grader's child: the submission and the case file
  BadInput(
    name: "grade: submission missing", arguments: ["grade", "layers", "--submission", "$D/none"], status: 64, line: "convnotes: no submission folder $D/none"),
  BadInput(
    name: "assignment check: case file not JSON", files: ["in.json": Data("{".utf8)],
    arguments: ["assignment", "check", "layers", "conv-forward", "--input", "$D/in.json", "--output", "$D/out.json"], status: 1,
    line: "convnotes: $D/in.json: not a case file of layers/conv-forward (…"),
]

struct BadInputTableTests {
  @Test(arguments: badInputs)
  func badInputGetsAClearFirstLine(_ row: BadInput) throws {
    let folder = try TestSupport.temporaryFolder("bad-input")
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, data) in row.files {
      let url = folder.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
    let r = try convnotes(row.arguments.map { $0.replacingOccurrences(of: "$D", with: folder.path) }, in: folder)
    #expect(r.status == row.status, "\(row.name): exit \(r.status)\nstderr: \(r.err)\nstdout: \(r.out)")
    let text = row.stdout ? r.out : r.err
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let first = lines.first { !$0.hasPrefix("[") && !$0.hasPrefix("  ") } ?? ""
    let expected = row.line.replacingOccurrences(of: "$D", with: folder.path)
    if expected.hasSuffix("…") {
      #expect(first.hasPrefix(String(expected.dropLast())), "\(row.name): \(first)")
    } else {
      #expect(first == expected, "\(row.name)")
    }
    // Nothing half-written: no output file of a failed command.
    if row.status != 0 {
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("y.bin").path))
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site").path))
    }
  }
}
