#!/usr/bin/env bash
# Colmena's throughput beside BullMQ's, in the same minutes: alternates `colmena bench throughput`
# and ../shared/peers/bullmq-throughput.sh (BullMQ 6.7, one Node worker at concurrency 50) RUNS
# times each (default 3) and prints every figure, the medians and their ratio.
# `compare-bullmq.sh RUNS latency` does the same for latency at 500 tasks/s: `colmena bench latency`
# against BullMQ's own latency run (add() one at a time, `run.sh latency` from a writable copy),
# and prints the p50 and p99 of each. Needs dist/colmena.jar
# (./start-all.sh builds it, or ./mvnw -q package -DskipTests) and node; the peer script installs
# Debian's redis-server if missing. Only ratios measured in the same minutes mean anything on a
# shared machine, so run it on a quiet one.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
mode=${2:-throughput}
peer=${PEER:-../shared/peers/bullmq-throughput.sh}
[ -f dist/colmena.jar ] || { echo "dist/colmena.jar is missing: ./mvnw -q package -DskipTests" >&2; exit 2; }
[ -x "$peer" ] || [ -f "$peer" ] || { echo "no peer script at $peer (set PEER=...)" >&2; exit 2; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# BullMQ's throughput script on N jobs (its default when empty): its output on stderr, its rate in
# jobs/s on stdout (nothing when it printed none).
bullmq_rate() {
  ( (env ${1:+N=$1} bash "$peer" 1 2>&1 || true) | tee >(cat >&2) | grep -oE '[0-9][0-9,.]* jobs/s' | sed -n 1p \
      | grep -oE '[0-9][0-9,.]*' | tr -d , ) || true
}
# BullMQ's own latency run on N jobs (its default when empty), from the writable copy in $work: its
# output on stderr, its last "add->QueueEvents completed" line on stdout.
bullmq_latency() {
  ( (cd "$work/bullmq" && env ${1:+LAT_N=$1} RUNS=1 PY="$(command -v python3)" ./run.sh latency 2>&1 || true) \
      | tee >(cat >&2) | grep 'add->QueueEvents completed' | tail -1 ) || true
}
if [ "$mode" = latency ]; then
  peers=$(cd "$(dirname "$peer")" && pwd)
  command -v node >/dev/null || { echo "needs node (Debian: apt-get install nodejs npm)" >&2; exit 2; }
  command -v redis-server >/dev/null || { echo "needs redis-server on the PATH (run $peer once: it installs it)" >&2; exit 2; }
  work=${TMPDIR:-/tmp}/colmena-peers-latency; rm -rf "$work"; mkdir -p "$work"
  cp -r "$peers/bullmq" "$peers/lib.sh" "$peers/stats.py" "$work/"; chmod -R u+w "$work"
  # bench latency measures once the JIT compilers have settled (up to 4 minutes at the same rate
  # first); BullMQ's own run is 2,000 jobs from cold. So each round also runs BullMQ on
  # WARM_LAT_JOBS jobs (default 60,000, two minutes at 500/s; 0 for none): a p99 its first seconds
  # weigh little in.
  warm_lat_jobs=${WARM_LAT_JOBS:-60000}
  c50=(); c99=(); b50=(); b99=(); w99=()
  for i in $(seq 1 "$runs"); do
    line=$( (java -jar dist/colmena.jar bench latency 2>/dev/null || true) | tee >(cat >&2) | grep 'submission to stored') || true
    c50+=("$(sed -n 's/.* p50 \([0-9.]*\) ms.*/\1/p' <<<"$line")"); c99+=("$(sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p' <<<"$line")")
    line=$(bullmq_latency)
    b50+=("$(sed -n 's/.*p50=\([0-9.]*\) ms.*/\1/p' <<<"$line")"); b99+=("$(sed -n 's/.*p99=\([0-9.]*\) ms.*/\1/p' <<<"$line")")
    w=
    if [ "$warm_lat_jobs" -gt 0 ]; then
      line=$(bullmq_latency "$warm_lat_jobs")
      w=$(sed -n 's/.*p99=\([0-9.]*\) ms.*/\1/p' <<<"$line")
      # A run that printed no figure is left out of the median, not counted as 0.
      [ -n "$w" ] && w99+=("$w")
    fi
    echo "round $i: colmena p50 ${c50[-1]:-?} ms p99 ${c99[-1]:-?} ms, bullmq p50 ${b50[-1]:-?} ms p99 ${b99[-1]:-?} ms${w:+, bullmq on $warm_lat_jobs jobs p99 $w ms}"
  done
  echo "medians: colmena p50 $(median "${c50[@]}") ms p99 $(median "${c99[@]}") ms (reply after the TaskHistory commit), bullmq p50 $(median "${b50[@]}") ms p99 $(median "${b99[@]}") ms"
  if [ "${#w99[@]}" -gt 0 ]; then echo "bullmq on $warm_lat_jobs jobs: median p99 $(median "${w99[@]}") ms"; fi
  exit 0
fi
# Colmena's figure is its steady rate, measured once its JIT compilers have settled (bench
# throughput runs up to a million tasks first); the peer script's is BullMQ's 20,000 jobs from cold.
# So each round also runs BullMQ on WARM_JOBS jobs (default 200,000; 0 for none), its rate over a
# run long enough that its first seconds weigh little, for a ratio of steady rates too.
warm_jobs=${WARM_JOBS:-200000}
colmena=(); bullmq=(); warm=()
for i in $(seq 1 "$runs"); do
  # The bench exits 1 while its own target is not met: its figure counts all the same.
  c=$( (java -jar dist/colmena.jar bench throughput 2>/dev/null || true) | tee >(cat >&2) \
      | sed -n 's/^ *\([0-9,]*\) tasks\/s from first submission.*/\1/p' | tr -d ,)
  b=$(bullmq_rate)
  w=
  if [ "$warm_jobs" -gt 0 ]; then
    w=$(bullmq_rate "$warm_jobs")
    [ -n "$w" ] && warm+=("$w")
  fi
  echo "round $i: colmena ${c:-?} tasks/s, bullmq ${b:-?} jobs/s${w:+, bullmq on $warm_jobs jobs $w jobs/s}"
  colmena+=("${c:-0}"); bullmq+=("${b:-0}")
done
mc=$(median "${colmena[@]}"); mb=$(median "${bullmq[@]}")
echo "medians: colmena ${mc} tasks/s (every task stored DONE in TaskHistory), bullmq ${mb} jobs/s (nothing stored)"
awk -v c="$mc" -v b="$mb" 'BEGIN { if (b > 0) printf "ratio: %.2fx BullMQ (target 3x)\n", c / b }'
if [ "${#warm[@]}" -gt 0 ]; then
  mw=$(median "${warm[@]}")
  awk -v c="$mc" -v w="$mw" -v n="$warm_jobs" 'BEGIN { if (w > 0) printf "bullmq on %d jobs: median %.0f jobs/s; ratio of steady rates: %.2fx\n", n, w, c / w }'
fi
