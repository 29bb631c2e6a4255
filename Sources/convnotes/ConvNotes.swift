// The `convnotes` command-line tool: run experiments, build and verify the
// report, score detections. `convnotes --help` lists the subcommands.
import ArgumentParser
import Foundation
import Gemm

@main
struct ConvNotesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convnotes",
    abstract: "Reproduce the CS231n detection and visualization lectures, and build the report.",
    discussion: """
      Typical use:
        convnotes list                       what can run, and when it last ran
        convnotes run map-evaluation         one experiment (full profile)
        convnotes all --profile quick        every experiment, prerequisites first
        convnotes report                     build report/index.html
        convnotes verify                     check every claim of every chapter
        convnotes eval-detections --gt GT.json --dt DT.json
        convnotes all --shard 2/3 --out shard-2  one of three jobs; then
        convnotes merge shard-1 shard-2 shard-3 --out results
      """,
    subcommands: [
      ListCommand.self, RunCommand.self, ParamsCommand.self, AllCommand.self, ReportCommand.self, VerifyCommand.self, CheckSiteCommand.self,
      EvalDetectionsCommand.self, TSNECommand.self, BenchCommand.self,
      ProposalsCommand.self,  // issue 17: region proposals for a user's images
      AssignmentCommand.self, GradeCommand.self,  // issue 16: Sources/Assignments
      ShardsCommand.self, MergeCommand.self,  // running at scale: README "Running at scale"
    ])

  /// Errors print as one line (`convnotes: ...`); help and version print in full.
  static func main() {
    // A bad CONVNOTES_GEMM stops every command before any work (exit 2).
    _ = GemmKernel.forcedByEnvironment()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)  // the command has already said why
    } catch {
      let code = exitCode(for: error)
      if code == .success || error is CleanExit {
        exit(withError: error)
      }
      let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      FileHandle.standardError.write(Data("convnotes: \(message)\n".utf8))
      Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
  }
}
