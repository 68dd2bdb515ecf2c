#!/usr/bin/env bash
# How long the API and an agent take to start, with and without the class-data sharing archive
# (dist/colmena.jsa, `java -jar dist/colmena.jar cds`), alternating ROUNDS times (default 3).
# Each round starts a redis-server of its own on a free loopback port and an H2 file in a temporary
# folder, made beforehand, then launches `colmena api` with start-all's Java options and times it
# to "listening on" in its log, then an agent, timed to its first stats key in Redis. Needs
# dist/colmena.jar, dist/colmena.jsa, redis-server and redis-cli. Only figures from the same
# minutes compare on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
for f in dist/colmena.jar dist/colmena.jsa; do
  [ -f "$f" ] || { echo "$f is missing: make build" >&2; exit 2; }
done
java -XX:SharedArchiveFile=dist/colmena.jsa -Xshare:on -jar dist/colmena.jar version >/dev/null 2>&1 \
  || { echo "dist/colmena.jsa does not fit this jar or this Java: java -jar dist/colmena.jar cds" >&2; exit 2; }
command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
  || { echo "redis-server and redis-cli are needed (apt-get install redis-server)" >&2; exit 2; }
SERVICE_JAVA="-XX:+UseSerialGC -Xmx512m -Xmn32m"
AGENT_JAVA="-XX:+UseSerialGC -Xms8m -Xmx256m"
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

one() { # with|without
  local port dir rp ap gp archive="" t0 t1 t2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
  rp=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
  java $SERVICE_JAVA -jar dist/colmena.jar installation --data-dir "$dir" --redis "redis://127.0.0.1:$port" >/dev/null 2>&1 || true
  [[ $1 == with ]] && archive="-XX:SharedArchiveFile=dist/colmena.jsa"
  t0=$(now)
  # shellcheck disable=SC2086
  java $SERVICE_JAVA $archive -jar dist/colmena.jar api --redis "redis://127.0.0.1:$port" --data-dir "$dir" --port 0 \
    --admin-password start-times-password >"$dir/api.log" 2>&1 &
  ap=$!
  until grep -q "listening on" "$dir/api.log"; do sleep 0.01; done
  t1=$(now)
  # shellcheck disable=SC2086
  java $AGENT_JAVA $archive -jar dist/colmena.jar agent --id timed --redis "redis://127.0.0.1:$port" >"$dir/agent.log" 2>&1 &
  gp=$!
  until [ "$(redis-cli -p "$port" exists node:timed:stats)" = 1 ]; do sleep 0.01; done
  t2=$(now)
  printf '%-8s api %5d ms   agent %5d ms\n' "$1" "$(ms "$t0" "$t1")" "$(ms "$t1" "$t2")"
  kill "$ap" "$gp"; wait "$ap" "$gp" 2>/dev/null || true
  kill "$rp"; wait "$rp" 2>/dev/null || true
  rm -rf "$dir"
}

for _ in $(seq 1 "$rounds"); do
  one without
  one with
done
