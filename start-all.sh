#!/usr/bin/env bash
# Starts Colmena on this machine, each part in the background with its log in logs/:
# Redis (unless one already answers), the API and dashboard, the coordinator with a demo
# load, and two agents, nodo1 and nodo2. Then prints the dashboard address and returns.
#
#   ./start-all.sh          start everything
#   ./start-all.sh stop     stop exactly what this script started, and only that
#   ./start-all.sh status   show what it started and whether each part still runs
#
# Settings come from the same environment variables the jar reads, for example
#   COLMENA_API_PORT=8080 COLMENA_DEMO_RATE=2 ./start-all.sh
set -euo pipefail
cd "$(dirname "$0")"

JAR=dist/colmena.jar
RUN_DIR=.run
LOG_DIR=logs
API_PORT=${COLMENA_API_PORT:-8000}
REDIS_URL=${COLMENA_REDIS_URL:-redis://127.0.0.1:6379}
DEMO_RATE=${COLMENA_DEMO_RATE:-1}
AGENTS=${COLMENA_AGENTS:-"nodo1 nodo2"}
# Small heaps: an agent only samples and runs tasks; the coordinator batches; the API serves JSON.
AGENT_JAVA=${COLMENA_AGENT_JAVA_OPTS:-"-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1"}
SERVICE_JAVA=${COLMENA_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx512m"}
# Parts in the order they start; `stop` goes in reverse.
PARTS="redis api coordinator $AGENTS"

say() { printf '%s\n' "$*"; }
die() { printf 'start-all.sh: %s\n' "$*" >&2; exit 1; }

# Host and port of the Redis URL (redis://[user:pass@]host:port[/db]).
redis_host() { local h=${REDIS_URL#*://}; h=${h##*@}; h=${h%%/*}; printf '%s' "${h%%:*}"; }
redis_port() { local h=${REDIS_URL#*://}; h=${h##*@}; h=${h%%/*}; [[ $h == *:* ]] && printf '%s' "${h##*:}" || printf 6379; }

# Whether something accepts connections on host:port (bash's /dev/tcp; no curl or nc needed).
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pid_of() { [[ -f $RUN_DIR/$1.pid ]] && cat "$RUN_DIR/$1.pid" || true; }

# A recorded pid counts only if that process is still ours: a java running colmena.jar.
is_ours() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'colmena.jar'
  else
    ps -p "$pid" -o command= 2>/dev/null | grep -q 'colmena.jar'
  fi
}

launch() { # name, java options, arguments...
  local name=$1 opts=$2; shift 2
  # Each start gets a fresh log; the previous one is kept as .1.
  [[ -f $LOG_DIR/$name.log ]] && mv -f "$LOG_DIR/$name.log" "$LOG_DIR/$name.log.1"
  # shellcheck disable=SC2086
  nohup java $opts -jar "$JAR" "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

start() {
  command -v java >/dev/null || die "java not found; install JDK 17 or newer"
  local v; v=$(java -version 2>&1 | head -n1 | sed -E 's/.*version "([0-9]+).*/\1/')
  [[ $v =~ ^[0-9]+$ && $v -ge 17 ]] || die "Java 17 or newer is needed; found: $(java -version 2>&1 | head -n1)"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  for p in $PARTS; do
    if is_ours "$(pid_of "$p")"; then die "already running ($p, pid $(pid_of "$p")); ./start-all.sh stop first"; fi
  done
  if [[ ! -f $JAR ]]; then
    say "Building $JAR (first run only; Maven downloads what it needs)..."
    ./mvnw -B -q -DskipTests package || die "build failed; see the output above"
  fi

  local host port; host=$(redis_host); port=$(redis_port)
  if answers "$host" "$port"; then
    say "Redis already answering at $host:$port; using it"
  elif [[ $host == 127.0.0.1 || $host == localhost ]]; then
    say "Starting Redis on $host:$port (logs/redis.log)"
    launch redis "-Xmx64m" redis --port "$port"
    for _ in $(seq 1 100); do answers "$host" "$port" && break; sleep 0.1; done
    answers "$host" "$port" || die "Redis did not start; see logs/redis.log"
  else
    die "no Redis answers at $host:$port, and it is not on this machine"
  fi

  export COLMENA_REDIS_URL=$REDIS_URL COLMENA_API_PORT=$API_PORT
  say "Starting the API on port $API_PORT (logs/api.log)"
  # shellcheck disable=SC2086
  launch api "$SERVICE_JAVA" api
  say "Starting the coordinator, demo load $DEMO_RATE tasks/s (logs/coordinator.log)"
  launch coordinator "$SERVICE_JAVA" coordinator --demo-rate "$DEMO_RATE"
  for a in $AGENTS; do
    say "Starting agent $a (logs/$a.log)"
    launch "$a" "$AGENT_JAVA" agent --id "$a"
  done

  for _ in $(seq 1 300); do
    # The API logs its address last, after the admin password on a first start.
    grep -q "listening on" "$LOG_DIR/api.log" 2>/dev/null && answers 127.0.0.1 "$API_PORT" && break
    is_ours "$(pid_of api)" || die "the API stopped; see logs/api.log: $(tail -n 3 "$LOG_DIR/api.log")"
    sleep 0.1
  done
  answers 127.0.0.1 "$API_PORT" || die "the API did not answer on port $API_PORT within 30 s; see logs/api.log"
  say ""
  if grep -q "admin account created" "$LOG_DIR/api.log"; then
    # Shown this once (it is in the first lines of logs/api.log); only its hash is stored.
    grep -A 2 "admin account created" "$LOG_DIR/api.log" | sed -n '2,3p' | sed 's/^.*INFO /  /'
    say "  Write the password down: it is not shown again."
  elif grep -q "NO LOGIN" "$LOG_DIR/api.log"; then
    say "WARNING: started with --no-auth (COLMENA_NO_AUTH): anyone who reaches port $API_PORT is admin."
  else
    say "Log in as admin (password set on the first start, or COLMENA_ADMIN_PASSWORD)."
  fi
  say "Colmena is running. Dashboard: http://localhost:$API_PORT"
  say "Logs are in $LOG_DIR/. Stop everything with: ./start-all.sh stop"
}

stop() {
  local parts="" p
  for p in $PARTS; do parts="$p $parts"; done
  local stopped=0
  for p in $parts; do
    local pid; pid=$(pid_of "$p")
    if is_ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      # An agent may take its --grace (10 s) for running tasks, then hands the rest back.
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "$p (pid $pid) did not stop within 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      say "Stopped $p (pid $pid)"
      stopped=$((stopped + 1))
    fi
    rm -f "$RUN_DIR/$p.pid"
  done
  [[ $stopped -gt 0 ]] || say "Nothing started by start-all.sh is running"
}

status() {
  local p
  for p in $PARTS; do
    local pid; pid=$(pid_of "$p")
    if is_ours "$pid"; then say "$p: running (pid $pid)"; else say "$p: not running"; fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command \"$1\"; use start, stop or status" ;;
esac
