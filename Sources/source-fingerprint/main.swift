// The build-time half of the code fingerprints: run by the SourceFingerprints
// plugin whenever a file under Sources/ changes, it hashes every source
// folder and writes a Swift file with the table, the package's module graph
// and the checkout's path, compiled into BuildInfo.
//
// usage: source-fingerprint <package root> <module graph file> <output .swift>
// The module graph file has one line per target: "name path dep1,dep2,...".
import Foundation
import Support

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
  FileHandle.standardError.write(Data("usage: source-fingerprint ROOT GRAPH OUTPUT\n".utf8))
  exit(2)
}
let root = URL(fileURLWithPath: arguments[1])
let graph = (try? String(contentsOfFile: arguments[2], encoding: .utf8)) ?? ""
let folders = SourceTreeFingerprint.folders(root: root)

func literal(_ s: String) -> String {
  "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

var modules: [(name: String, path: String, dependencies: [String])] = []
for line in graph.split(separator: "\n") {
  let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
  guard fields.count == 3 else { continue }
  modules.append((fields[0], fields[1], fields[2].split(separator: ",").map(String.init).sorted()))
}

var out = "// Generated at build time by Plugins/SourceFingerprints (source-fingerprint). Do not edit.\n"
out += "let generatedSourceRoot = \(literal(root.path))\n"
out += "let generatedFolderFingerprints: [String: String] = [\n"
for (folder, hash) in folders.sorted(by: { $0.key < $1.key }) { out += "  \(literal(folder)): \(literal(hash)),\n" }
out += "]\n"
out += "let generatedModules: [String: (path: String, dependencies: [String])] = [\n"
for m in modules.sorted(by: { $0.name < $1.name }) {
  out += "  \(literal(m.name)): (\(literal(m.path)), [\(m.dependencies.map(literal).joined(separator: ", "))]),\n"
}
out += "]\n"
let output = URL(fileURLWithPath: arguments[3])
let data = Data(out.utf8)
if (try? Data(contentsOf: output)) != data {
  try AtomicFile.write(data, to: output)
}
