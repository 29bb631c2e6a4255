// "Is this binary older than its sources?" The build embeds the fingerprint
// of Sources/ (BuildInfo); when the checkout it was built from is still
// there and its Sources/ now hash differently, results made by this binary
// would belong to the old code, so the tool says so before it runs.
import BuildInfo
import Foundation
import Support

public enum SourceFreshness {
  /// A warning when the sources under `root` differ from those the binary was
  /// built from; nil when they match or the checkout is not there.
  public static func warning(
    root: URL = URL(fileURLWithPath: BuildInfo.sourceRoot), built: String? = BuildInfo.folderFingerprints["Sources"]
  ) -> String? {
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources").path), let built else { return nil }
    let now = SourceTreeFingerprint.folders(root: root)["Sources"]
    guard now != built else { return nil }
    let changed = changedFolders(root: root)
    return "warning: this convnotes binary was built from older sources than \(root.path)/Sources"
      + (changed.isEmpty ? "" : " (changed since the build: \(changed.prefix(5).joined(separator: ", "))\(changed.count > 5 ? ", ..." : ""))")
      + "; its results and cache keys describe the code it was built from. Rebuild: swift build -c release --product convnotes"
  }

  /// Top-level module folders whose fingerprint differs from the build's.
  static func changedFolders(root: URL) -> [String] {
    let now = SourceTreeFingerprint.folders(root: root)
    let topLevel = Set(now.keys).union(BuildInfo.folderFingerprints.keys).filter { $0.split(separator: "/").count == 2 }
    return topLevel.filter { now[$0] != BuildInfo.folderFingerprints[$0] }.sorted()
  }
}
