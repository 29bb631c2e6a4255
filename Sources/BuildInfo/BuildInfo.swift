// What this binary was built from: the fingerprint of every source folder,
// the module graph of Package.swift and the checkout's path, embedded at
// build time by Plugins/SourceFingerprints. Cache keys are made from these,
// never from the files in the working directory, so they describe the code
// that actually runs and are the same from any folder.
public enum BuildInfo {
  /// The checkout the binary was built from.
  public static let sourceRoot: String = generatedSourceRoot

  /// Folder ("Sources/Datasets", "Sources/Models/SceneNetwork") -> hash of its files.
  /// "Sources" is the whole tree.
  public static let folderFingerprints: [String: String] = generatedFolderFingerprints

  /// Target name -> its folder and every target it depends on (recursively).
  public static let modules: [String: (path: String, dependencies: [String])] = generatedModules
}
