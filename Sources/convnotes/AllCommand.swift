import ArgumentParser
struct AllCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "all")
  func run() throws {}
}
