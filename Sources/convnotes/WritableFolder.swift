// Before a run starts any work: the model cache folder must be writable
// (each model key takes a lock file there, and a trained network is saved
// there), so a read-only or unwritable --models fails at once, naming the
// folder, rather than after minutes of training. The check is a real
// write (create and remove a probe file): access(2) says yes to root on
// folders that refuse it (NFS root squash) and permission bits say nothing of
// read-only mounts. The results folder gets the same answer from its lock.
import Foundation
import Support

#if canImport(Glibc)
  import Glibc
#endif

enum WritableFolder {
  static func check(_ folder: URL, what: String, hint: String) throws {
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
      throw FileError(path: folder.path, message: "cannot create the \(what) (\(reason(error))); \(hint)")
    }
    let probe = folder.appendingPathComponent(".convnotes-write-probe-\(getpid())")
    let fd = open(probe.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw FileError(path: folder.path, message: "the \(what) is not writable (\(String(cString: strerror(errno)))); \(hint)")
    }
    close(fd)
    unlink(probe.path)
  }

  static func reason(_ error: Error) -> String {
    ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
      ?? error.localizedDescription
  }
}

extension RunOptionsGroup {
  /// Throws, naming the folder, if the model cache cannot be written.
  func checkModelFolder() throws {
    try WritableFolder.check(
      URL(fileURLWithPath: models), what: "model cache folder",
      hint: "it holds lock files and trained networks; pass a writable --models (or CONVNOTES_MODELS)")
  }
}
