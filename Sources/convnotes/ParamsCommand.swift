// `convnotes params <id>`: the fields `convnotes run <id> --set key=value`
// can change, with their types and the profile's values.
import ArgumentParser
import ExperimentKit
import Experiments
import Foundation

struct ParamsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "params", abstract: "List the configuration fields of an experiment (for `run <id> --set key=value`).")

  @Argument(help: "Experiment id (see `convnotes list`).")
  var id: String

  @Option(help: "Show this profile's values.")
  var profile: Profile = .full

  @Flag(help: "JSON: [{key, type, value}].")
  var json = false

  func validate() throws {
    guard Catalog.experiment(id: id) != nil else {
      let hint = Catalog.nearest(to: id).map { "; did you mean `\($0)`?" } ?? ""
      throw ValidationError("unknown experiment `\(id)`\(hint) (see `convnotes list`)")
    }
  }

  func run() throws {
    func fields<E: Experiment>(_ e: E.Type) throws -> [ConfigField] { try ConfigOverrides.fields(of: E.config(for: profile)) }
    let list = try fields(Catalog.experiment(id: id)!)
    if json {
      let rows = list.map { ["key": $0.key, "type": $0.type, "value": $0.value] }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(rows), as: UTF8.self))
      return
    }
    let width = list.map(\.key.count).max() ?? 0
    let typeWidth = list.map(\.type.count).max() ?? 0
    print("\(id), \(profile.rawValue) profile: `convnotes run \(id) --profile \(profile.rawValue) --set key=value` changes a field")
    for field in list {
      print("  " + field.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
        + field.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + "  " + field.value)
    }
  }
}
