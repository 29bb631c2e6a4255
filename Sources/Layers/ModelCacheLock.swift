// One writer per model key, across processes and machines sharing the cache
// folder: an exclusive advisory lock (flock(2)) on `.<key>.lock` beside the
// model file, held while a job checks the cache, trains and saves. A second
// job that wants the same model blocks on the lock and, when it gets it,
// finds the first job's file and loads it instead of training again. The
// lock is released when the holder closes the file or dies (the kernel drops
// flock locks of a killed process), so a crashed job never wedges the cache.
// flock works across NFS clients on Linux >= 2.6.12 (emulated with POSIX
// byte-range locks) and on Lustre/GPFS mounted with flock support.
// Lock files stay (empty, hidden); deleting them could let two jobs lock
// different inodes of the same name.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension ModelCache {
  public func lockURL(for key: String) -> URL { folder.appendingPathComponent(".\(key).lock") }

  /// Runs `body` holding the exclusive lock of `key`; `waiting` is called
  /// once if another process holds it first.
  public func withLock<T>(_ key: String, waiting: () -> Void = {}, _ body: () throws -> T) throws -> T {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = lockURL(for: key).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw SafeTensorsError(path: path, message: "cannot open the model cache lock (\(String(cString: strerror(errno))))")
    }
    defer { close(fd) }  // closing releases the lock
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK else {
        throw SafeTensorsError(path: path, message: "cannot lock (\(String(cString: strerror(errno))))")
      }
      waiting()
      while flock(fd, LOCK_EX) != 0 {
        guard errno == EINTR else { throw SafeTensorsError(path: path, message: "cannot lock (\(String(cString: strerror(errno))))") }
      }
    }
    return try body()
  }
}
