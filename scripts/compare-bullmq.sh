#!/usr/bin/env bash
# Colmena's throughput beside BullMQ's, in the same minutes: alternates `colmena bench throughput`
# and ../shared/peers/bullmq-throughput.sh (BullMQ 6.7, one Node worker at concurrency 50) RUNS
# times each (default 3) and prints every figure, the medians and their ratio. Needs dist/colmena.jar
# (./start-all.sh builds it, or ./mvnw -q package -DskipTests) and node; the peer script installs
# Debian's redis-server if missing. Only ratios measured in the same minutes mean anything on a
# shared machine, so run it on a quiet one.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
peer=${PEER:-../shared/peers/bullmq-throughput.sh}
[ -f dist/colmena.jar ] || { echo "dist/colmena.jar is missing: ./mvnw -q package -DskipTests" >&2; exit 2; }
[ -x "$peer" ] || [ -f "$peer" ] || { echo "no peer script at $peer (set PEER=...)" >&2; exit 2; }
colmena=(); bullmq=()
for i in $(seq 1 "$runs"); do
  # The bench exits 1 while its own target is not met: its figure counts all the same.
  c=$( (java -jar dist/colmena.jar bench throughput 2>/dev/null || true) | tee >(cat >&2) \
      | sed -n 's/^ *\([0-9,]*\) tasks\/s from first submission.*/\1/p' | tr -d ,)
  b=$( (bash "$peer" 1 2>&1 || true) | tee >(cat >&2) | grep -oE '[0-9][0-9,.]* jobs/s' | sed -n 1p | grep -oE '[0-9][0-9,.]*' | tr -d ,) || true
  echo "round $i: colmena ${c:-?} tasks/s, bullmq ${b:-?} jobs/s"
  colmena+=("${c:-0}"); bullmq+=("${b:-0}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc=$(median "${colmena[@]}"); mb=$(median "${bullmq[@]}")
echo "medians: colmena ${mc} tasks/s (every task stored DONE in TaskHistory), bullmq ${mb} jobs/s (nothing stored)"
awk -v c="$mc" -v b="$mb" 'BEGIN { if (b > 0) printf "ratio: %.2fx BullMQ (target 3x)\n", c / b }'
