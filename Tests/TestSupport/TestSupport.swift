// What the test targets share: the repository root, fresh temporary
// folders, and the fixture files under Tests/.
import Foundation

public enum TestSupport {
  /// The checkout this test target was compiled from (found from this file's path).
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A fresh path (nothing there yet) under the system's temporary folder, named after `label`.
  public static func temporaryURL(_ label: String = "convnotes-test", extension ext: String = "") -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)\(ext)")
  }

  /// A new empty folder under the system's temporary folder, named after `label`.
  public static func temporaryFolder(_ label: String = "convnotes-test") throws -> URL {
    let url = temporaryURL(label)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A fixture file of a test target: Tests/<target>/<path>.
  public static func fixture(_ target: String, _ path: String) -> URL {
    repositoryRoot.appendingPathComponent("Tests").appendingPathComponent(target).appendingPathComponent(path)
  }

  /// The bytes of a fixture file.
  public static func fixtureData(_ target: String, _ path: String) throws -> Data {
    try Data(contentsOf: fixture(target, path))
  }
}
