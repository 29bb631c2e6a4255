// The fingerprint of the code behind a result or a trained model, for input
// fingerprints and model-cache keys. It is read from the table embedded when
// the binary was built (BuildInfo, made by Plugins/SourceFingerprints), so it
// describes the code that runs, whatever the working directory, and changes
// whenever a file it depends on changes (and the binary is rebuilt).
//
// A unit is a module name (its folder and, from Package.swift, every module
// it depends on) or a folder under Sources ("Models/SceneNetwork").
import BuildInfo
import Support

public enum CodeFingerprint {
  /// The folders (paths from the root) that `units` stand for, sorted.
  public static func folders(
    of units: [String], modules: [String: (path: String, dependencies: [String])] = BuildInfo.modules
  ) -> [String] {
    var folders = Set<String>()
    for unit in units {
      if unit.contains("/") {
        folders.insert("Sources/" + unit)
      } else if let module = modules[unit] {
        folders.insert(module.path)
        for dependency in module.dependencies { if let d = modules[dependency] { folders.insert(d.path) } }
      } else {
        folders.insert("Sources/" + unit)  // absent: hashes as "absent", never silently dropped
      }
    }
    return folders.sorted()
  }

  /// One hash of the folders behind `units`.
  public static func of(
    units: [String], table: [String: String] = BuildInfo.folderFingerprints,
    modules: [String: (path: String, dependencies: [String])] = BuildInfo.modules
  ) -> String {
    var parts: [String: String] = [:]
    for folder in folders(of: units, modules: modules) { parts[folder] = table[folder] ?? "absent" }
    return SourceTreeFingerprint.combine(parts)
  }
}
