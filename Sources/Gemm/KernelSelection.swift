// The matrix-product kernels and what each needs of the processor (Linux
// /proc/cpuinfo "flags", which lists only what both the CPU and the
// kernel's saved register state support). Which one a process uses is
// measured per machine and recorded (Tensor/GemmChoice.swift); the
// environment variable CONVNOTES_GEMM (avx512 | avx2 | openblas) forces
// one, for comparisons and benchmarks; asking for a kernel the processor
// lacks is an error, not a crash.
#if canImport(Glibc)
  import Glibc
#endif

public enum GemmKernel: String, Sendable, CaseIterable {
  case avx512
  case avx2
  case openblas

  /// The instruction-set extensions the build of this kernel may use
  /// (`-target-cpu skylake-avx512` / `haswell` in Package.swift).
  public var requiredFlags: [String] {
    switch self {
    case .avx512: return ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "popcnt"]
    case .avx2: return ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "popcnt"]
    case .openblas: return []
    }
  }

  /// Whether the processor (as /proc/cpuinfo describes it) can run this kernel.
  public func isSupported(flags: Set<String>) -> Bool {
    requiredFlags.allSatisfy { flags.contains($0) }
  }

  /// The kernel CONVNOTES_GEMM forces, nil when it is unset or empty; a
  /// name that is not a kernel, or one the processor cannot run, stops the
  /// process with a message (exit status 2).
  public static func forcedByEnvironment() -> GemmKernel? {
    guard let forced = getenv("CONVNOTES_GEMM").map({ String(cString: $0) }), !forced.isEmpty else { return nil }
    let flags = CPUFlags.current
    guard let kernel = GemmKernel(rawValue: forced) else {
      stop("CONVNOTES_GEMM=\(forced): expected one of \(GemmKernel.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard kernel.isSupported(flags: flags) else {
      stop("CONVNOTES_GEMM=\(forced): this processor lacks \(kernel.requiredFlags.filter { !flags.contains($0) }.joined(separator: ", "))")
    }
    return kernel
  }

  /// The widest packed kernel the given flags allow (OpenBLAS when none):
  /// the order the packed kernels are preferred in when nothing is measured.
  public static func best(for flags: Set<String>) -> GemmKernel {
    [.avx512, .avx2].first { $0.isSupported(flags: flags) } ?? .openblas
  }

  /// Cache blocking: A's 96 x 256 block (96 KB) in L2, a 256-deep strip of B
  /// (32 KB with 32 columns) in L1, B's 256 x 1024 panel (1 MB) in L2/L3.
  /// The same for both tiles (measured: kc 192-384, mc 96-144 within noise).
  public var blocking: GemmBlocking { GemmBlocking(mc: 96, kc: 256, nc: 1024) }
}

/// A bad CONVNOTES_GEMM is a configuration error of the whole process: say
/// so on stderr and exit with status 2 (no crash report, nothing written).
public func stop(_ message: String) -> Never {
  let line = "convnotes: " + message + "\n"
  _ = line.withCString { write(2, $0, strlen($0)) }
  exit(2)
}

/// The CPU feature flags of the first processor in /proc/cpuinfo.
public enum CPUFlags {
  public static let current: Set<String> = parse(cpuinfo: readCPUInfo())

  /// The first processor's "model name" ("AMD EPYC", "Intel(R) Xeon(R) ..."), or "unknown CPU".
  public static let modelName: String = {
    for line in readCPUInfo().split(separator: "\n") where line.hasPrefix("model name") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      return line[line.index(after: colon)...].trimmingPrefix(" ").description
    }
    return "unknown CPU"
  }()

  /// The words of the first "flags" line of a /proc/cpuinfo text.
  public static func parse(cpuinfo: String) -> Set<String> {
    for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
    return []
  }

  static func readCPUInfo() -> String {
    guard let file = fopen("/proc/cpuinfo", "r") else { return "" }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = fread(&buffer, 1, buffer.count, file)
      if got <= 0 { break }
      bytes.append(contentsOf: buffer[0..<got])
      // The first processor's block is enough.
      if bytes.count > (1 << 16) { break }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
