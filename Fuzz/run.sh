#!/bin/sh
# Runs each fuzz target for FUZZ_SECONDS (default 60) on its corpus
# (.build/fuzz/corpus/<target>, see seed.sh), at low priority. A crash leaves
# its input in .build/fuzz/artifacts/ and makes the exit status non-zero.
# Each run appends "date target seconds executions result" to
# .build/fuzz/runs.tsv.  Usage: sh Fuzz/run.sh [target ...]
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-60}"
B=.build/fuzz
mkdir -p $B/artifacts $B/logs
export FUZZ_ROOT="$PWD"
export FUZZ_RESULTS="${FUZZ_RESULTS:-$PWD/.build/quick-results}"  # `make test` leaves a quick run here
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for t in ${*:-idx gzip safetensors coco chapter png tsne}; do
  log=$B/logs/$t.log
  nice -n "${FUZZ_NICE:-19}" "$B/bin/fuzz-$t" "$B/corpus/$t" -max_total_time="$SECONDS_EACH" -timeout=20 \
    -rss_limit_mb=4096 -artifact_prefix="$B/artifacts/$t-" -print_final_stats=1 > "$log" 2>&1
  code=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $code -eq 0 ]; then result=clean; else result="FINDING (exit $code, see $log)"; status=1; fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$SECONDS_EACH" "${executions:-?}" "$result" | tee -a $B/runs.tsv
done
exit $status
