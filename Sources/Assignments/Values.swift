// What passes between the grader and a submission's check process: named
// numeric arrays (shape + values as Double, so Float32 and integers round-trip
// exactly), one `Values` per case of a test, as JSON. Non-finite numbers are
// written as the strings "nan", "inf", "-inf" (a submission may return them).
import Detection
import Foundation
import Tensor

/// One named input or output: a shape and its values in row-major order.
public struct NumericArray: Codable, Sendable, Equatable {
  public var shape: [Int]
  public var values: [Double]
  /// Compared exactly (indices, labels) rather than by relative error.
  public var integral: Bool

  public init(shape: [Int], values: [Double], integral: Bool = false) {
    (self.shape, self.values, self.integral) = (shape, values, integral)
  }
  public init(_ t: Tensor) { self.init(shape: t.shape, values: t.scalars.map(Double.init)) }
  public init(doubles: [Double]) { self.init(shape: [doubles.count], values: doubles) }
  public init(ints: [Int]) { self.init(shape: [ints.count], values: ints.map(Double.init), integral: true) }
  public init(scalar: Double) { self.init(shape: [], values: [scalar]) }
  public init(boxes: [Box]) { self.init(shape: [boxes.count, 4], values: boxes.flatMap { [$0.x1, $0.y1, $0.x2, $0.y2] }) }
}

/// The named arrays of one case.
public struct Values: Codable, Sendable, Equatable {
  public var arrays: [String: NumericArray]
  public init(_ arrays: [String: NumericArray] = [:]) { self.arrays = arrays }

  public subscript(key: String) -> NumericArray? {
    get { arrays[key] }
    set { arrays[key] = newValue }
  }

  func array(_ key: String) throws -> NumericArray {
    guard let a = arrays[key] else { throw CheckError("missing input `\(key)`") }
    return a
  }
  public func tensor(_ key: String) throws -> Tensor {
    let a = try array(key)
    return Tensor(shape: a.shape, scalars: a.values.map { Float($0) })
  }
  public func doubles(_ key: String) throws -> [Double] { try array(key).values }
  public func ints(_ key: String) throws -> [Int] { try array(key).values.map { Int($0) } }
  public func scalar(_ key: String) throws -> Double {
    let v = try array(key).values
    guard v.count == 1 else { throw CheckError("input `\(key)` is not a scalar") }
    return v[0]
  }
  public func boxes(_ key: String) throws -> [Box] {
    let v = try array(key).values
    return stride(from: 0, to: v.count - 3, by: 4).map { Box(x1: v[$0], y1: v[$0 + 1], x2: v[$0 + 2], y2: v[$0 + 3]) }
  }
}

/// A check that could not run (bad input file, unknown test).
public struct CheckError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

enum ValuesJSON {
  static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(value)
  }
  static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try decoder.decode(type, from: data)
  }
}
