// Which assignments this copy of the sources has been stripped for. Empty in
// the reference; `convnotes assignment make <id>` rewrites this file in the
// student copy, so the copy's own `convnotes grade <id>` knows it cannot
// compute expected values and checks against the shipped fixtures instead.
public enum Edition {
  public static let strippedAssignments: [String] = []
}
