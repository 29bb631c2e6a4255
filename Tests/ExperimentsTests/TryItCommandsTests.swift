// Every `convnotes run <id> ... --set key=value` a chapter offers in its
// "Try it" section must name a catalog experiment and fields its
// configuration has, with values of the right type: a student pastes them as
// they are.
import ExperimentKit
import Experiments
import Foundation
import TestSupport
import Testing

struct TryItCommandsTests {
  struct Command { var file: String; var line: Int; var id: String; var profile: Profile; var settings: [String] }

  static func commands() throws -> [Command] {
    let folder = TestSupport.repositoryRoot.appendingPathComponent("chapters")
    var out: [Command] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".md") {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let code = raw.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
        let words = code.split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "convnotes", words[1] == "run", words.contains("--set") else { continue }
        var profile = Profile.full
        var settings: [String] = []
        var i = 3
        while i < words.count {
          if words[i] == "--set", i + 1 < words.count { settings.append(words[i + 1]); i += 2; continue }
          if words[i] == "--profile", i + 1 < words.count, let p = Profile(rawValue: words[i + 1]) { profile = p; i += 2; continue }
          i += 1
        }
        out.append(Command(file: name, line: n + 1, id: words[2], profile: profile, settings: settings))
      }
    }
    return out
  }

  @Test func everyChapterWithAnExperimentOffersVariantCommands() throws {
    let files = Set(try Self.commands().map(\.file))
    for e in Catalog.all {
      #expect(files.contains { $0.hasSuffix("-\(e.id).md") }, "chapter of \(e.id) has no `convnotes run \(e.id) --set ...` command")
    }
  }

  @Test func everyTryItCommandParses() throws {
    let commands = try Self.commands()
    #expect(commands.count >= 30)
    for c in commands {
      guard let experiment = Catalog.experiment(id: c.id) else {
        Issue.record("\(c.file):\(c.line): unknown experiment `\(c.id)`")
        continue
      }
      func check<E: Experiment>(_ e: E.Type) throws -> [ConfigChange] {
        var options = RunOptions(profile: c.profile, resultsRoot: URL(fileURLWithPath: "/nonexistent"))
        options.overrides = [E.id: try c.settings.map(ConfigOverride.init(argument:))]
        return try E.resolvedConfig(options).changes
      }
      do {
        let changes = try check(experiment)
        #expect(!changes.isEmpty, "\(c.file):\(c.line): the command changes nothing (the values equal the profile's)")
      } catch {
        Issue.record("\(c.file):\(c.line): \(error)")
      }
    }
  }
}
