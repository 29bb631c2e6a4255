#!/bin/sh
# Submits a sharded ConvNotes run to Slurm: a job array of N shards, then a
# merge + report + verify job that runs when every shard has succeeded.
#   scripts/slurm/submit.sh [-n SHARDS] [-p quick|full] [-o RUN_DIR] [-m MODEL_CACHE] [-- SBATCH_OPTION...]
# Run it from the checkout (the jobs start there: chapters/ and Sources/ feed
# the report), on a file system every node mounts, after `make build` (the
# binary is .build/release/convnotes). Logs: RUN_DIR/shard-<i>.log, merge.log.
# Prints the two job ids.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
shards=3
profile=full
run_dir=""
models=${CONVNOTES_MODELS:-$PWD/models}
while [ $# -gt 0 ]; do
  case "$1" in
    -n) shards=$2; shift 2 ;;
    -p) profile=$2; shift 2 ;;
    -o) run_dir=$2; shift 2 ;;
    -m) models=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option $1 (expected -n SHARDS, -p PROFILE, -o RUN_DIR, -m MODEL_CACHE, -- SBATCH_OPTION...)" >&2; exit 2 ;;
  esac
done
case "$shards" in '' | *[!0-9]*) echo "submit.sh: -n expects a positive number of shards, got '$shards'" >&2; exit 2 ;; esac
[ "$shards" -ge 1 ] || { echo "submit.sh: -n expects at least 1 shard" >&2; exit 2; }
bin=${CONVNOTES_BIN:-$PWD/.build/release/convnotes}
[ -x "$bin" ] || { echo "submit.sh: $bin is missing; run 'make build' first (or set CONVNOTES_BIN)" >&2; exit 2; }
[ -n "$run_dir" ] || run_dir=$PWD/runs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$run_dir" "$models"
export CONVNOTES_BIN="$bin" CONVNOTES_SHARDS="$shards" CONVNOTES_PROFILE="$profile" CONVNOTES_RUN_DIR="$run_dir" CONVNOTES_MODELS="$models"
array=$(sbatch --parsable --array=1-"$shards" --output="$run_dir/shard-%a.log" --export=ALL "$@" "$here/convnotes-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --output="$run_dir/merge.log" --export=ALL "$@" "$here/convnotes-merge.sbatch")
merge=${merge%%;*}
echo "array job $array (shards 1-$shards), merge job $merge; results in $run_dir/results, report in $run_dir/report"
