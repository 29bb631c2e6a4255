import ArgumentParser
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list")
  func run() throws {}
}
