// swift-tools-version: 6.1
//
// ConvNotes: an executable companion to the CS231n lectures on localization,
// detection and visualizing ConvNets. Module layout and contracts: README.md
// ("Where things live"). Imports point one way:
//   C shims <- Support <- (WorkerTeam <- Gemm) <- Tensor <- Layers <- Detection <- Datasets
//   <- ExperimentKit (<- BuildInfo) <- Models <- Experiments <- convnotes;
//   Plot and Report import no numeric module.
import PackageDescription

let package = Package(
  name: "ConvNotes",
  products: [
    .executable(name: "convnotes", targets: ["convnotes"]),
    // The reusable modules, for other Swift packages (README: "Use it as a library").
    .library(name: "Tensor", targets: ["Tensor"]),
    .library(name: "Layers", targets: ["Layers"]),
    .library(name: "Detection", targets: ["Detection"]),
    .library(name: "Datasets", targets: ["Datasets"]),
    .library(name: "Embedding", targets: ["Embedding"]),
    .library(name: "Plot", targets: ["Plot"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    // Tests only: reads .github/workflows/report.yml to check it against the CLI.
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // MARK: - C libraries (system), the only places C is imported
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
      providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
    .systemLibrary(
      name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
      providers: [.apt(["libfftw3-dev"])]),
    .systemLibrary(
      name: "CCmark", path: "Sources/CCmark", pkgConfig: "libcmark-gfm",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

    // MARK: - Library modules
    .target(name: "Support", exclude: ["README.md"]),
    // The packed matrix product: generic code (Gemm) specialised in two modules
    // built for AVX-512 and AVX2; Tensor picks one at run time. They are
    // optimised even in debug builds (tests would otherwise crawl).
    // The persistent threads the parallel loops run on (Gemm and Tensor).
    .target(name: "WorkerTeam", exclude: ["README.md"], swiftSettings: [.unsafeFlags(["-O"])]),
    .target(name: "Gemm", dependencies: ["WorkerTeam"], exclude: ["README.md"], swiftSettings: [.unsafeFlags(["-O"])]),
    .target(name: "GemmAVX512", dependencies: ["Gemm"], swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "skylake-avx512"])]),
    .target(name: "GemmAVX2", dependencies: ["Gemm"], swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "haswell"])]),
    // The element-wise loops around the products (im2col, col2im, the fused
    // ReLU + pooling), generic in VectorLoops and built per instruction set
    // the same way; Tensor's VectorLoopsDoor picks one (same bits in each).
    .target(name: "VectorLoops", exclude: ["README.md"], swiftSettings: [.unsafeFlags(["-O"])]),
    .target(name: "VectorLoopsAVX512", dependencies: ["VectorLoops"], swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "skylake-avx512"])]),
    .target(name: "VectorLoopsAVX2", dependencies: ["VectorLoops"], swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "haswell"])]),
    .target(
      name: "Tensor", dependencies: ["CBLAS", "Support", "WorkerTeam", "Gemm", "GemmAVX512", "GemmAVX2", "VectorLoops", "VectorLoopsAVX512", "VectorLoopsAVX2"],
      exclude: ["README.md"]),
    .target(name: "Layers", dependencies: ["Tensor", "Support"], exclude: ["README.md"]),
    .target(name: "Detection", dependencies: ["Tensor"], exclude: ["README.md"]),
    .target(name: "Datasets", dependencies: ["Tensor", "Detection", "CZlib"], exclude: ["README.md"]),
    .target(name: "Embedding", dependencies: ["Tensor", "CFFTW"], exclude: ["README.md"]),
    .target(name: "Plot", dependencies: ["CPangoCairo", "CZlib", "Support"], exclude: ["README.md"]),
    .target(
      name: "Report",
      dependencies: ["CCmark", "Support", .product(name: "Mustache", package: "swift-mustache")],
      exclude: ["README.md"]),
    .target(name: "SpeedBenchmarks", dependencies: ["Gemm", "Tensor", "Layers", "Datasets", "Detection", "Embedding", "Plot", "Support"]),

    // MARK: - Experiments: the framework, the shared networks, one folder per topic
    // BuildInfo embeds the fingerprints of Sources/ at build time (the plugin
    // below runs the source-fingerprint tool); cache keys are made from them.
    .executableTarget(name: "source-fingerprint", dependencies: ["Support"]),
    .plugin(name: "SourceFingerprints", capability: .buildTool(), dependencies: ["source-fingerprint"]),
    .target(name: "BuildInfo", plugins: ["SourceFingerprints"]),
    .target(
      name: "ExperimentKit",
      dependencies: ["BuildInfo", "Support", "Tensor", "Layers", "Datasets", "Detection", "Plot"], exclude: ["README.md"]),
    .target(name: "Models", dependencies: ["ExperimentKit", "Support", "Tensor", "Layers", "Datasets", "Detection"], exclude: ["README.md"]),
    .target(
      name: "Experiments",
      dependencies: ["ExperimentKit", "Models", "Support", "Tensor", "Layers", "Datasets", "Detection", "Embedding", "Plot"],
      exclude: ["README.md"]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "convnotes",
      dependencies: [
        "Experiments", "ExperimentKit", "Models", "Report", "Detection", "Embedding", "Support", "SpeedBenchmarks", "Tensor", "Gemm",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    // Shared by the test targets: the repository root, temporary folders, fixtures.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "SupportTests", dependencies: ["TestSupport", "Support"]),
    .testTarget(name: "WorkerTeamTests", dependencies: ["WorkerTeam"]),
    .testTarget(name: "TensorTests", dependencies: ["TestSupport", "Tensor", "Gemm", "Support"]),
    .testTarget(name: "LayersTests", dependencies: ["TestSupport", "Layers", "Tensor"]),
    .testTarget(name: "DatasetsTests", dependencies: ["TestSupport", "Datasets", "Detection", "Tensor"]),
    .testTarget(name: "DetectionTests", dependencies: ["TestSupport", "Detection", "Tensor"], exclude: ["Fixtures"]),
    .testTarget(name: "PlotTests", dependencies: ["TestSupport", "Plot", "CPangoCairo", "CZlib"], exclude: ["Goldens"]),
    .testTarget(name: "ReportTests", dependencies: ["TestSupport", "Report", "Support"]),
    .testTarget(name: "EmbeddingTests", dependencies: ["TestSupport", "Embedding", "Tensor"]),
    .testTarget(name: "ExperimentsTests", dependencies: ["TestSupport", "Experiments", "ExperimentKit", "Models", "Support", "Datasets", "Detection", "Report", "Tensor", "Layers"]),
    .testTarget(
      name: "ConvNotesCLITests", dependencies: ["TestSupport", "convnotes", .product(name: "Yams", package: "Yams")], exclude: ["Consumer"]),
  ]
)

// MARK: - Assignments (issue 16): student copies with solutions stripped, and the autograder.
// Appended as one block; `convnotes` gains the module below.
package.targets += [
  .target(name: "Assignments", dependencies: ["Support", "Tensor", "Layers", "Detection"], exclude: ["README.md"]),
  .testTarget(name: "AssignmentsTests", dependencies: ["Assignments", "Layers", "Detection", "Tensor", "Support"]),
]
for target in package.targets where target.name == "convnotes" { target.dependencies.append("Assignments") }
