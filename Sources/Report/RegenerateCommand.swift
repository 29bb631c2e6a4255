// The command that regenerates a figure, offered under its caption: the
// experiment with the profile, seed and thread count of the run the page
// shows, and the `--set` fields of a variant run. The same command is
// written into the figure files themselves (PNG text chunks, SVG metadata).
extension StoredResults {
  public var regenerateCommand: String? {
    guard let p = provenance, let profile = p.profile else { return nil }
    var command = "convnotes run \(id) --profile \(profile)"
    if let seed = p.seed { command += " --seed \(seed)" }
    if let threads = p.threads { command += " --threads \(threads)" }
    for change in overrides ?? [] { command += " --set \(change.key)=\(change.value)" }
    return command
  }
}
