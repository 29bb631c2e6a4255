// `convnotes run <id> --set key=value`: any field of an experiment's
// configuration changed from the command line, typed and validated.
//
// The configuration is encoded to JSON and flattened into dotted keys
// ("training.learningRate"); each override must name one of those keys (an
// unknown one is answered with the nearest name) and is parsed as the type
// the field already has (number, true/false, text, or a comma-separated
// list of numbers or texts). The changed JSON is decoded back into the
// configuration type, so a value the type cannot hold (2.5 for an integer
// field, an unknown enum case) is an error naming the key, not a silent cast.
import Foundation
import Support

/// One `key=value` argument of `--set`.
public struct ConfigOverride: Sendable, Equatable, Codable {
  public var key: String
  public var value: String

  public init(key: String, value: String) { (self.key, self.value) = (key, value) }

  /// Parses `key=value` (the value may itself contain `=`).
  public init(argument: String) throws {
    guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
      throw ConfigError("--set \(argument): expected key=value (see `convnotes params <id>` for the keys)")
    }
    self.init(key: String(argument[..<eq]), value: String(argument[argument.index(after: eq)...]))
  }
}

/// A field the overrides changed: what the profile's configuration had, and what ran.
public struct ConfigChange: Sendable, Equatable, Codable {
  public var key: String
  public var defaultValue: String
  public var value: String

  public init(key: String, defaultValue: String, value: String) {
    (self.key, self.defaultValue, self.value) = (key, defaultValue, value)
  }
}

/// One settable field of a configuration: its dotted key, type and current value.
public struct ConfigField: Sendable, Equatable {
  public var key: String
  public var type: String
  public var value: String
}

public enum ConfigOverrides {
  /// Every settable field of `config`, in key order.
  public static func fields<C: Encodable>(of config: C) throws -> [ConfigField] {
    var out: [ConfigField] = []
    func walk(_ value: JSONValue, _ prefix: String) {
      if case .object(let members) = value {
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
          walk(member, prefix.isEmpty ? name : prefix + "." + name)
        }
      } else if !prefix.isEmpty {
        out.append(ConfigField(key: prefix, type: typeName(value), value: text(value)))
      }
    }
    walk(try JSONValue.from(config), "")
    return out
  }

  /// `config` with `overrides` applied, and the fields that changed.
  /// Errors name the experiment, the key and what was expected.
  public static func apply<C: Codable>(
    _ overrides: [ConfigOverride], to config: C, experiment: String
  ) throws -> (config: C, changes: [ConfigChange]) {
    guard !overrides.isEmpty else { return (config, []) }
    var json = try JSONValue.from(config)
    let known = try fields(of: config)
    var changes: [ConfigChange] = []
    for override in overrides {
      guard let field = known.first(where: { $0.key == override.key }) else {
        let groups = known.filter { $0.key.hasPrefix(override.key + ".") }.map(\.key)
        if !groups.isEmpty {
          throw ConfigError("\(experiment): `\(override.key)` is a group of fields; set one of \(groups.prefix(6).joined(separator: ", "))")
        }
        let hint = nearestString(to: override.key, in: known.map(\.key)).map { "; did you mean `\($0)`?" } ?? ""
        throw ConfigError("\(experiment): no configuration field `\(override.key)`\(hint) (`convnotes params \(experiment)` lists them)")
      }
      let old = try value(at: field.key, in: json)
      let new = try parse(override.value, like: old, key: field.key, experiment: experiment)
      json = replacing(field.key.split(separator: ".").map(String.init), in: json, with: new)
      // Decoded after each field, so that an error names the field that broke it.
      do {
        _ = try JSONDecoder().decode(C.self, from: JSONEncoder().encode(json))
      } catch {
        throw ConfigError("\(experiment): `--set \(override.key)=\(override.value)`: " + expectation(old: old, new: new, error: error))
      }
      changes.removeAll { $0.key == field.key }
      if text(new) != field.value { changes.append(ConfigChange(key: field.key, defaultValue: field.value, value: text(new))) }
    }
    return (try JSONDecoder().decode(C.self, from: JSONEncoder().encode(json)), changes)
  }

  /// What the field expects, from its current value and the decoder's complaint.
  static func expectation(old: JSONValue, new: JSONValue, error: Error) -> String {
    func integral(_ v: JSONValue) -> Bool {
      switch v {
      case .number(let d): d.rounded() == d
      case .array(let items): items.allSatisfy(integral)
      default: true
      }
    }
    if integral(old) && !integral(new) { return "expected a whole number (the field is an integer)" }
    if case .string = old { return "not one of the values this field accepts (now \(text(old)))" }
    if case .array(let a) = old, case .array(let b) = new, a.count != b.count {
      return "expected \(a.count) values, got \(b.count) (now \(text(old)))"
    }
    if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
    return "the configuration cannot hold this value (now \(text(old)))"
  }

  static func value(at key: String, in json: JSONValue) throws -> JSONValue {
    var node = json
    for part in key.split(separator: ".") {
      guard case .object(let members) = node, let next = members[String(part)] else {
        throw ConfigError("no field `\(key)`")
      }
      node = next
    }
    return node
  }

  static func replacing(_ path: [String], in json: JSONValue, with new: JSONValue) -> JSONValue {
    guard let head = path.first, case .object(var members) = json else { return new }
    members[head] = replacing(Array(path.dropFirst()), in: members[head] ?? .null, with: new)
    return .object(members)
  }

  /// `text` read as the JSON type of `like`.
  static func parse(_ text: String, like: JSONValue, key: String, experiment: String) throws -> JSONValue {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func fail(_ expected: String) -> ConfigError {
      ConfigError("\(experiment): `--set \(key)=\(text)`: expected \(expected)")
    }
    switch like {
    case .number(let current):
      guard let d = Double(trimmed), d.isFinite else { throw fail("a number (now \(formatNumber(current)))") }
      return .number(d)
    case .bool:
      switch trimmed.lowercased() {
      case "true", "yes", "1": return .bool(true)
      case "false", "no", "0": return .bool(false)
      default: throw fail("true or false")
      }
    case .string: return .string(text)
    case .array(let items):
      let parts = trimmed.isEmpty ? [] : trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let element = items.first ?? .number(0)
      if case .array = element { throw fail("a field that is not a list of lists (set it in Swift)") }
      if case .object = element { throw fail("a field that is not a list of groups (set it in Swift)") }
      do {
        return .array(try parts.map { try parse($0, like: element, key: key, experiment: experiment) })
      } catch {
        throw fail("comma-separated \(typeName(element))s (now \(self.text(like)))")
      }
    case .null: return trimmed == "null" ? .null : (Double(trimmed).map { .number($0) } ?? .string(text))
    case .object: throw fail("one of the group's fields")
    }
  }

  static func typeName(_ value: JSONValue) -> String {
    switch value {
    case .number: "number"
    case .bool: "true/false"
    case .string: "text"
    case .array(let items): "comma-separated " + (items.first.map(typeName) ?? "number") + "s"
    case .null: "optional"
    case .object: "group"
    }
  }

  static func text(_ value: JSONValue) -> String {
    switch value {
    case .number(let d): formatNumber(d)
    case .bool(let b): b ? "true" : "false"
    case .string(let s): s
    case .array(let items): items.map(text).joined(separator: ",")
    case .null: "null"
    case .object: "{…}"
    }
  }

  static func formatNumber(_ d: Double) -> String {
    if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
    return String(d)
  }
}
