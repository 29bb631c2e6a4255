// swift-tools-version: 6.1
// A package that uses ConvNotes as a library (README: "Use it as a library").
// CONVNOTES_PATH is the checkout; the test sets it.
import Foundation
import PackageDescription

let convnotes = ProcessInfo.processInfo.environment["CONVNOTES_PATH"] ?? "../../.."
let package = Package(
  name: "Consumer",
  dependencies: [.package(name: "ConvNotes", path: convnotes)],
  targets: [
    .executableTarget(
      name: "Consumer",
      dependencies: [
        .product(name: "Detection", package: "ConvNotes"), .product(name: "Embedding", package: "ConvNotes"),
        .product(name: "Plot", package: "ConvNotes"), .product(name: "Tensor", package: "ConvNotes"),
      ])
  ]
)
