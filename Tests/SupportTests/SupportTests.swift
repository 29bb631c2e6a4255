import TestSupport
import Foundation
import Testing

@testable import Support

struct AtomicFileTests {

  @Test func writeCreatesFoldersAndLeavesNoTemporaryFile() throws {
    let folder = try TestSupport.temporaryFolder("support")
    let file = folder.appendingPathComponent("a/b/c.txt")
    try AtomicFile.write("hello", to: file)
    try AtomicFile.write("again", to: file)
    #expect(try String(contentsOf: file, encoding: .utf8) == "again")
    #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["c.txt"])
  }

  @Test func writingIntoAFileThatIsAFolderFailsAndNamesThePath() throws {
    let folder = try TestSupport.temporaryFolder("support")
    let blocker = folder.appendingPathComponent("blocker")
    try AtomicFile.write("x", to: blocker)
    #expect(throws: FileError.self) { try AtomicFile.write("y", to: blocker.appendingPathComponent("inside.txt")) }
    #expect(try String(contentsOf: blocker, encoding: .utf8) == "x")
  }

  @Test func replaceDirectorySwapsTheWholeFolder() throws {
    let root = try TestSupport.temporaryFolder("support")
    let destination = root.appendingPathComponent("results")
    try AtomicFile.write("old", to: destination.appendingPathComponent("old.txt"))
    let staged = root.appendingPathComponent("staged")
    try AtomicFile.write("new", to: staged.appendingPathComponent("new.txt"))
    try AtomicFile.replaceDirectory(destination, with: staged)
    #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path) == ["new.txt"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["results"])
  }
}

struct EditDistanceTests {
  @Test func classicExamples() {
    #expect(editDistance("kitten", "sitting") == 3)
    #expect(editDistance("", "abc") == 3)
    #expect(editDistance("map-evaluation", "map-evaluation") == 0)
    #expect(editDistance("map-evalution", "map-evaluation") == 1)
  }

  @Test func nearestPicksTheClosestThenAlphabetical() {
    #expect(nearestString(to: "ap5", in: ["ap50", "ap75", "ar1"]) == "ap50")
    #expect(nearestString(to: "x", in: [String]()) == nil)
  }
}
