// Fingerprints of a source tree, for cache keys that describe the code that
// runs. One function hashes a folder (recursively, in sorted path order,
// every file but Markdown: a README edit changes no result); the build-tool
// plugin (Plugins/SourceFingerprints) runs it over Sources/ when the binary
// is built and embeds the table (BuildInfo), and the run-time staleness check
// runs it again over the checkout to see whether the sources have moved on
// since the build.
import Foundation

public enum SourceTreeFingerprint {
  /// Files under `folder` (relative paths, sorted) that count as source.
  public static func files(in folder: URL) -> [String] {
    let fm = FileManager.default
    guard let paths = try? fm.subpathsOfDirectory(atPath: folder.path) else { return [] }
    return paths.filter { path in
      var isDirectory: ObjCBool = false
      let name = (path as NSString).lastPathComponent
      return !name.hasPrefix(".") && !name.hasSuffix(".md")
        && fm.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }.sorted()
  }

  /// A fingerprint per folder: for every folder under `root/Sources` that
  /// holds source files (directly or below), the hash of its files' relative
  /// paths and bytes. Keys are paths from `root` ("Sources/Datasets",
  /// "Sources/Experiments/Lecture09/Saliency"); "Sources" itself is the whole tree.
  public static func folders(root: URL) -> [String: String] {
    let sources = root.appendingPathComponent("Sources")
    let files = files(in: sources)
    var contents: [String: Data] = [:]
    for file in files { contents[file] = (try? Data(contentsOf: sources.appendingPathComponent(file))) ?? Data() }
    var byFolder: [String: [String]] = [:]
    for file in files {
      var parts = file.split(separator: "/").dropLast().map(String.init)
      byFolder["Sources", default: []].append(file)
      while !parts.isEmpty {
        byFolder["Sources/" + parts.joined(separator: "/"), default: []].append(file)
        parts.removeLast()
      }
    }
    return byFolder.mapValues { members in
      var bytes = Data()
      for file in members.sorted() {
        bytes.append(Data("\(file)\n\(contents[file]!.count)\n".utf8))
        bytes.append(contents[file]!)
      }
      return fnv1a64Hex(bytes)
    }
  }

  /// One hash of several named parts, order-independent in the names.
  public static func combine(_ parts: [String: String]) -> String {
    fnv1a64Hex(Data(parts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined().utf8))
  }
}
