#!/bin/sh
# `make test-sanitize` (issue 23): the suites whose loops run on several
# threads (packed gemm, conv and pooling, the split loops, t-SNE, the FFT
# repulsion, nearest neighbours) under ThreadSanitizer, and the parsers'
# suites (COCO JSON, IDX/gzip, safetensors, chapters and claims, images, the
# tsne matrix, atomic files) under AddressSanitizer (which includes
# LeakSanitizer). Each sanitizer has its own build folder; only these suites run.
# Two threads whatever the machine has, so the parallel paths are taken.
# OpenBLAS itself is not instrumented: races inside it are out of reach.
set -eu
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
export OPENBLAS_NUM_THREADS=2
export TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

THREADED='PackedGemmTests|MatmulTests|ParallelTests|ThreadCountTests|ConvGroupTests|ReferenceTwinTests|GradientCheckTests|TSNETests|FFTRepulsionTests|NeighborsTests|AffinityTests'
PARSERS='COCOFormatTests|COCOWarningsTests|FashionMNISTTests|IDXFuzzRegressionTests|ModelFileTests|ModelFileFaultTests|ChapterCompilerTests|ChapterFileTests|TableCellValueTests|ImageFileTests|Float32MatrixTests|AtomicFileTests'

start=$(date +%s)
$SWIFT build --build-tests --build-path .build/tsan --sanitize=thread
$SWIFT test --skip-build --build-path .build/tsan --sanitize=thread --filter "$THREADED"
echo "test-sanitize: ThreadSanitizer suites passed ($(($(date +%s) - start)) s so far)"
$SWIFT build --build-tests --build-path .build/asan --sanitize=address
$SWIFT test --skip-build --build-path .build/asan --sanitize=address --filter "$PARSERS"
echo "test-sanitize: AddressSanitizer suites passed ($(($(date +%s) - start)) s in all)"
