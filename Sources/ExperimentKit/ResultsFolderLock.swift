// One run at a time per results folder. Two `convnotes` processes writing
// the same results/ would race on its experiments' folders and on the
// prerequisites' results they read; instead the second stops before any work
// with a message naming the first (pid, host, start time). The lock is an
// exclusive flock(2) on results/.convnotes.lock, released when the holder
// exits or is killed; the file keeps the holder's description for the message.
// A `--keep-going` run holds it in the parent; its children (one per
// experiment) are told so by CONVNOTES_RESULTS_LOCKED_BY=<parent pid> and do
// not lock again.
// Holding the lock also means no other run is writing here, so leftovers of
// killed runs (.staging-<id>-<pid>/, .<id>.old-<pid>/) are swept.
import Foundation
import Support

#if canImport(Glibc)
  import Glibc
#endif

public final class ResultsFolderLock {
  public static let fileName = ".convnotes.lock"
  public static let inheritedVariable = "CONVNOTES_RESULTS_LOCKED_BY"

  let descriptor: Int32?

  private init(descriptor: Int32?) { self.descriptor = descriptor }
  deinit { if let descriptor { close(descriptor) } }

  /// Takes the lock of `folder` (creating it), or returns a no-op lock when
  /// the parent process holds it for us; throws naming the holder otherwise.
  public static func acquire(_ folder: URL) throws -> ResultsFolderLock {
    if let parent = ProcessInfo.processInfo.environment[inheritedVariable], Int32(parent) == getppid() {
      return ResultsFolderLock(descriptor: nil)
    }
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
      throw FileError(path: folder.path, message: "cannot create the results folder (\(error.localizedDescription))")
    }
    let path = folder.appendingPathComponent(fileName).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw FileError(path: path, message: "cannot open the results folder's lock (\(String(cString: strerror(errno)))); is the folder writable?")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
      close(fd)
      throw FileError(
        path: folder.path,
        message: "in use by another convnotes run (\(holder.isEmpty ? "holder unknown" : holder)); wait for it to finish, or give this run another --out")
    }
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count)
    let description = "pid \(getpid()) on \(String(cString: host)) since \(ISO8601DateFormatter().string(from: Date()))\n"
    _ = ftruncate(fd, 0)
    _ = description.withCString { pwrite(fd, $0, strlen($0), 0) }
    sweepLeftovers(in: folder)
    return ResultsFolderLock(descriptor: fd)
  }

  /// The environment a child process gets so that it runs under this lock.
  public static var environmentForChildren: [String: String] {
    ProcessInfo.processInfo.environment.merging([inheritedVariable: String(getpid())]) { $1 }
  }

  /// Staging folders and moved-aside old results left by runs that were killed.
  static func sweepLeftovers(in folder: URL) {
    let fm = FileManager.default
    for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".staging-") || name.contains(".old-") {
      try? fm.removeItem(at: folder.appendingPathComponent(name))
    }
  }
}
