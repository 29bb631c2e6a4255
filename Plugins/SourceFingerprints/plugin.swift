// Build-tool plugin: embeds the fingerprints of the sources a binary is built
// from, so that cache keys describe the code that runs (not whatever the
// working directory holds at run time). Every file under Sources/ is an
// input of the command, so the table is remade whenever one changes; the
// package's module graph (each target's recursive dependencies, from
// Package.swift) goes along, so a key can follow a module's imports.
import Foundation
import PackagePlugin

@main
struct SourceFingerprints: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let root = context.package.directoryURL
    let sources = root.appendingPathComponent("Sources")
    var inputs: [URL] = []
    if let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: [.isRegularFileKey]) {
      for case let url as URL in walker where !url.lastPathComponent.hasSuffix(".md") && !url.lastPathComponent.hasPrefix(".") {
        if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { inputs.append(url) }
      }
    }
    // One line per target: name, folder relative to the root, recursive dependencies.
    var graph = ""
    for t in context.package.targets.sorted(by: { $0.name < $1.name }) {
      let path = t.directoryURL.path.hasPrefix(root.path + "/") ? String(t.directoryURL.path.dropFirst(root.path.count + 1)) : t.directoryURL.path
      graph += "\(t.name) \(path) \(t.recursiveTargetDependencies.map(\.name).sorted().joined(separator: ","))\n"
    }
    let graphFile = context.pluginWorkDirectoryURL.appendingPathComponent("module-graph.txt")
    if (try? String(contentsOf: graphFile, encoding: .utf8)) != graph {
      try graph.write(to: graphFile, atomically: true, encoding: .utf8)
    }
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("GeneratedFingerprints.swift")
    return [
      .buildCommand(
        displayName: "Fingerprinting the sources of \(target.name)",
        executable: try context.tool(named: "source-fingerprint").url,
        arguments: [root.path, graphFile.path, output.path],
        inputFiles: inputs + [graphFile],
        outputFiles: [output])
    ]
  }
}
