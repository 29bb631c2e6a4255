// Writes that never leave half a file behind: write to a temporary file in
// the destination's folder, then rename it over the destination (rename is
// atomic within one file system). An interrupted run leaves the old file.
import Foundation

public enum AtomicFile {
  /// Writes `data` to `url` atomically, creating the parent folder if needed.
  public static func write(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw FileError(path: folder.path, message: "cannot create the folder (\(error.localizedDescription))")
    }
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try data.write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw FileError(path: url.path, message: "cannot write (\(error.localizedDescription))")
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw FileError(path: url.path, message: "cannot replace the file (\(reason))")
    }
  }

  /// Writes UTF-8 text atomically.
  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  /// Replaces the folder `destination` by the folder `staged` in two renames:
  /// the old folder moves aside, the new one takes its name, the old one is
  /// deleted. Until the second rename the old folder is intact.
  public static func replaceDirectory(_ destination: URL, with staged: URL) throws {
    let fm = FileManager.default
    let aside = destination.deletingLastPathComponent()
      .appendingPathComponent(".\(destination.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
    try? fm.removeItem(at: aside)
    let hadOld = fm.fileExists(atPath: destination.path)
    if hadOld && rename(destination.path, aside.path) != 0 {
      throw FileError(path: destination.path, message: "cannot move the old folder aside (\(String(cString: strerror(errno))))")
    }
    if rename(staged.path, destination.path) != 0 {
      let reason = String(cString: strerror(errno))
      if hadOld { _ = rename(aside.path, destination.path) }
      throw FileError(path: destination.path, message: "cannot move the new folder in place (\(reason))")
    }
    if hadOld { try? fm.removeItem(at: aside) }
  }
}

/// A file-system failure naming the path.
public struct FileError: Error, CustomStringConvertible {
  public var path: String
  public var message: String
  public init(path: String, message: String) { (self.path, self.message) = (path, message) }
  public var description: String { "\(path): \(message)" }
}
