#!/bin/sh
# Builds the libFuzzer targets of Fuzz/Targets/ (one per parser).
#   1. The library modules they reach, with SwiftPM, instrumented for
#      libFuzzer (coverage) and AddressSanitizer, in .build/fuzz (debug, so
#      `@testable import` reaches the internal parsers).
#   2. Each target: swiftc -sanitize=fuzzer,address, linked with those
#      modules' objects, into .build/fuzz/bin/fuzz-<name>.
# Usage: sh Fuzz/build.sh [target ...]   (default: all)
set -eu
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
SWIFTC="${SWIFTC:-swiftc}"
BUILD=.build/fuzz
for module in Datasets Layers Plot Embedding Report; do
  # (one -sanitize flag: swiftc keeps only the last of several, so SwiftPM's
  # --sanitize=fuzzer --sanitize=address would give ASan without coverage)
  $SWIFT build --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address --target "$module" >&2
done
DEBUG="$BUILD/debug"
mkdir -p "$BUILD/bin"
targets="${*:-idx gzip safetensors coco chapter png tsne}"
for name in $targets; do
  case "$name" in
    idx | gzip) modules="Datasets Detection Tensor Gemm GemmAVX2 GemmAVX512 Support" ;;
    safetensors) modules="Layers Tensor Gemm GemmAVX2 GemmAVX512 Support" ;;
    coco) modules="Detection Tensor Gemm GemmAVX2 GemmAVX512 Support" ;;
    png) modules="Plot Support" ;;
    tsne) modules="Embedding Tensor Gemm GemmAVX2 GemmAVX512 Support" ;;
    chapter) modules="Report Mustache Support" ;;
    *) echo "unknown fuzz target $name" >&2; exit 2 ;;
  esac
  objects=""
  for m in $modules; do objects="$objects $(ls "$DEBUG/$m.build/"*.o)"; done
  # (ld.gold's "Cannot export local symbol __asan_*" warnings are noise)
  # shellcheck disable=SC2086
  { $SWIFTC -sanitize=fuzzer,address -parse-as-library -g \
    -I "$DEBUG/Modules" \
    -I Sources/CBLAS -I Sources/CZlib -I Sources/CPangoCairo -I Sources/CFFTW -I Sources/CCmark \
    $(pkg-config --cflags-only-I pangocairo openblas | sed 's/-I/-Xcc -I/g') \
    -L/usr/lib/x86_64-linux-gnu/openblas-pthread \
    "Fuzz/Targets/$name.swift" $objects -o "$BUILD/bin/fuzz-$name" 2>&1 1>&3 |
    grep -v "Cannot export local symbol" >&2 || true; } 3>&1
  test -x "$BUILD/bin/fuzz-$name"
  echo "$BUILD/bin/fuzz-$name"
done
