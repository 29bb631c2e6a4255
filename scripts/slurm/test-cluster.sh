#!/bin/sh
# The Slurm route, tested for real: brings up a one-node Slurm cluster on this
# machine (munged, slurmctld and slurmd on localhost, configured in a
# temporary folder), submits a quick-profile run as an array of three shards
# plus the dependent merge + report job (scripts/slurm/submit.sh), waits, and
# checks that every results.json of the merged run equals, byte for byte, a
# single-process run with the same seed, profile and thread count.
#   scripts/slurm/test-cluster.sh [REFERENCE_RESULTS_DIR]
# REFERENCE_RESULTS_DIR: a single-process `convnotes all --profile quick
# --threads 2` results folder (make test leaves one in .build/quick-results);
# without it the script makes one. Installs slurm-wlm and munge when missing
# (root only). The daemons are stopped by their pid files on every exit.
set -eu
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/.build/release/convnotes
reference=${1:-}
[ -x "$bin" ] || { echo "test-cluster: $bin is missing; run 'make build' first" >&2; exit 2; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { echo "test-cluster: slurm-wlm and munge are missing; install them with: sudo apt-get install -y slurm-wlm munge" >&2; exit 2; }
  echo "test-cluster: installing slurm-wlm and munge" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
fi
[ "$(id -u)" -eq 0 ] || { echo "test-cluster: the one-node cluster runs its daemons as root; run as root" >&2; exit 2; }

work=$(mktemp -d /tmp/convnotes-slurm.XXXXXX)
munge_pid=""
stop() {
  for f in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  [ -n "$munge_pid" ] && kill "$munge_pid" 2>/dev/null || true
  sleep 1
  rm -rf "$work"
}
trap stop EXIT INT TERM

# munge: a key, its folders, the daemon as the munge user.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 400 /etc/munge/munge.key
if [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
  echo "test-cluster: munged already running; using it" >&2
else
  su -s /bin/sh munge -c /usr/sbin/munged
  sleep 1
  munge_pid=$(cat /run/munge/munged.pid)
fi

host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=convnotes-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MinJobAge=3600
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  [ $i -le 30 ] || { echo "test-cluster: the node did not come up idle in 30 s" >&2; cat "$work/slurmctld.log" "$work/slurmd.log" >&2; exit 1; }
  sleep 1
done
echo "test-cluster: one-node cluster up ($host, $cpus CPUs)" >&2

if [ -z "$reference" ]; then
  reference=$work/single
  "$bin" all --profile quick --threads 2 --out "$reference" --models "$work/single-models"
fi

# Three shards of the quick profile sharing one empty model cache: every shared
# network is trained by one shard while the others wait on its lock.
run=$work/run
out=$(scripts/slurm/submit.sh -n 3 -p quick -o "$run" -m "$work/models" -- --cpus-per-task=1)
echo "test-cluster: $out" >&2
merge=$(echo "$out" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
[ -n "$merge" ] || { echo "test-cluster: could not read the merge job id from: $out" >&2; exit 1; }
state=""
i=0
while :; do
  state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  i=$((i + 5))
  [ $i -le 3600 ] || { echo "test-cluster: the merge job did not finish within an hour (state $state)" >&2; exit 1; }
  sleep 5
done
for log in "$run"/shard-*.log "$run/merge.log"; do
  [ -f "$log" ] && { echo "--- $log"; tail -n 5 "$log"; } >&2
done
[ "$state" = COMPLETED ] || { echo "test-cluster: merge job $merge ended $state" >&2; exit 1; }

# The merged run equals the single-process run, byte for byte.
status=0
for dir in "$reference"/*/; do
  id=$(basename "$dir")
  [ -f "$dir/results.json" ] || continue
  if ! cmp -s "$dir/results.json" "$run/results/$id/results.json"; then
    echo "test-cluster: $id: merged results.json differs from $dir/results.json" >&2
    status=1
  fi
done
single=$(ls "$reference"/*/results.json | wc -l)
merged=$(ls "$run"/results/*/results.json | wc -l)
[ "$single" -eq "$merged" ] || { echo "test-cluster: $merged merged experiments, $single in the single run" >&2; status=1; }
[ -f "$run/report/index.html" ] || { echo "test-cluster: no report at $run/report/index.html" >&2; status=1; }
models=$(ls "$work/models"/*.safetensors 2>/dev/null | grep -vc checkpoint || true)
[ $status -eq 0 ] && echo "test-cluster: passed: 3 shards merged, $merged results.json identical to the single run, $models models trained once in the shared cache, report rendered" >&2
exit $status
