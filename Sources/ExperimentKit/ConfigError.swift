// A configuration an experiment cannot run with (a field out of range for its
// data), named with the experiment and field, raised before any work.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
