// Receptive-field arithmetic for a chain of layers (Araujo, Norris & Sim,
// "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019).
//
// Convention: a unit at index u of a layer's output (along one axis) sees
// the input pixels [u * jump - padding, u * jump - padding + size - 1],
// possibly reaching outside the image where padding was added. Through a
// layer of kernel k, stride s, padding p:
//   size' = size + (k - 1) * jump,  padding' = padding + p * jump,  jump' = jump * s.
// Element-wise layers (ReLU, BatchNorm, Dropout) leave all three unchanged.

public struct ReceptiveField: Sendable, Equatable {
  /// Pixels a unit sees along one axis.
  public var size: Int
  /// Input pixels between neighbouring units.
  public var jump: Int
  /// How far before pixel 0 unit 0's field starts.
  public var padding: Int

  public init(size: Int = 1, jump: Int = 1, padding: Int = 0) {
    (self.size, self.jump, self.padding) = (size, jump, padding)
  }

  /// The field after `layer`, which must be a Conv2D, a pooling layer or element-wise.
  // snippet.through
  public func through(_ layer: any Layer) -> ReceptiveField {
    let (k, s, p): (Int, Int, Int)
    switch layer {
    case let conv as Conv2D: (k, s, p) = (conv.kernelSize, conv.stride, conv.padding)
    case let pool as MaxPool2D: (k, s, p) = (pool.size, pool.stride, 0)
    case let pool as AvgPool2D: (k, s, p) = (pool.size, pool.stride, 0)
    default: return self
    }
    return ReceptiveField(size: size + (k - 1) * jump, jump: jump * s, padding: padding + p * jump)
  }
  // snippet.end

  /// The field of a unit of the named layer's output in `network`.
  public static func of(_ layerName: String, in network: Sequential) -> ReceptiveField {
    var field = ReceptiveField()
    for layer in network.layers {
      field = field.through(layer)
      if layer.name == layerName { return field }
    }
    preconditionFailure("ReceptiveField.of: no layer named \(layerName)")
  }

  /// The input pixels [first, last] that unit `u` sees (may extend past the image).
  public func pixels(of u: Int) -> ClosedRange<Int> {
    (u * jump - padding)...(u * jump - padding + size - 1)
  }
}
