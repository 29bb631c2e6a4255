// Reading `results/<id>/results.json` and `timings.json`. Report reads the
// files, not the Experiments module's Swift types, so it can be tested on
// fixture JSON; this is the subset of the schema it needs.
import Foundation

public struct StoredValue: Sendable, Equatable, Codable {
  public var value: Double
  public var unit: String?
  public var format: String?
  public var description: String?
}

public struct StoredTable: Sendable, Equatable, Codable {
  public var caption: String?
  public var columns: [String]
  public var formats: [String]?
  public var rows: [[Cell]]

  /// A table cell: a number or a piece of text.
  public enum Cell: Sendable, Equatable, Codable {
    case number(Double)
    case text(String)
    case empty

    public init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if c.decodeNil() { self = .empty }
      else if let d = try? c.decode(Double.self) { self = .number(d) }
      else if let b = try? c.decode(Bool.self) { self = .text(b ? "yes" : "no") }
      else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
      var c = encoder.singleValueContainer()
      switch self {
      case .number(let d): try c.encode(d)
      case .text(let s): try c.encode(s)
      case .empty: try c.encodeNil()
      }
    }
  }
}

public struct StoredFigure: Sendable, Equatable, Codable {
  public var png: String
  public var svg: String?
  public var width: Double?
  public var height: Double?
  public var caption: String?
  /// Smallest text in the figure's own px (nil: no text, or results from before it was recorded).
  public var smallestTextSize: Double?
}

public struct StoredProvenance: Sendable, Equatable, Codable {
  public var commit: String?
  public var dirty: Bool?
  public var profile: String?
  public var seed: UInt64?
  public var threads: Int?
  public var openblasCoretype: String?
  public var openblasCore: String?
  public var gemmKernel: String?
  public var swift: String?
  public var data: [String: String]?
}

public struct StoredResults: Sendable, Equatable, Codable {
  public var id: String
  public var title: String?
  public var lecture: String?
  public var provenance: StoredProvenance?
  public var values: [String: StoredValue]
  public var tables: [String: StoredTable]?
  public var figures: [String: StoredFigure]?
  /// The configuration fields `convnotes run --set` changed (nil for a canonical run).
  public var overrides: [StoredConfigChange]?
}

public struct StoredConfigChange: Sendable, Equatable, Codable {
  public var key: String
  public var defaultValue: String
  public var value: String
}

public struct StoredTimings: Sendable, Equatable, Codable {
  public var finishedAt: String?
  public var seconds: Double?
  /// Noisy numbers (times, speedups) a chapter may quote and check.
  public var measured: [String: StoredValue]?
}

/// The results folder: one subfolder per experiment id.
public struct ResultsStore: Sendable {
  public var root: URL

  public init(root: URL) { self.root = root }

  /// The results of `id`, nil when that experiment has not run. Its values
  /// include the measured (noisy) numbers of timings.json.
  public func results(_ id: String) throws -> StoredResults? {
    let url = root.appendingPathComponent(id).appendingPathComponent("results.json")
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      var results = try JSONDecoder().decode(StoredResults.self, from: Data(contentsOf: url))
      for (key, value) in timings(id)?.measured ?? [:] where results.values[key] == nil { results.values[key] = value }
      return results
    } catch {
      throw ReportError(file: url.path, line: 0, message: "cannot read results (\(describe(error)))")
    }
  }

  public func timings(_ id: String) -> StoredTimings? {
    let url = root.appendingPathComponent(id).appendingPathComponent("timings.json")
    guard let data = try? Data(contentsOf: url) else { return nil }
    return try? JSONDecoder().decode(StoredTimings.self, from: data)
  }

  public func figureURL(_ id: String, _ relative: String) -> URL {
    root.appendingPathComponent(id).appendingPathComponent(relative)
  }
}

func describe(_ error: Error) -> String {
  if let decoding = error as? DecodingError {
    switch decoding {
    case .keyNotFound(let key, let context):
      return "missing field `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      let name = "\(type)"
      let kind =
        name.hasPrefix("Dictionary") ? "an object" : name.hasPrefix("Array") ? "an array" : name == "String" ? "a string"
        : ["Double", "Float", "Int"].contains(name) ? "a number" : name
      return "wrong type at \(path.isEmpty ? "the top level" : "`\(path)`") (expected \(kind))"
    case .dataCorrupted(let context):
      return "not valid JSON (\(context.debugDescription))"
    @unknown default:
      return "\(decoding)"
    }
  }
  return error.localizedDescription
}
