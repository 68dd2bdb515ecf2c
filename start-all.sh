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
#   COLMENA_DB_URL='jdbc:sqlserver://...' COLMENA_DB_USER=colmena COLMENA_DB_PASSWORD=... ./start-all.sh
# (the API and the coordinator both get the database settings; docs/sqlserver.md)
set -euo pipefail
cd "$(dirname "$0")"

JAR=dist/colmena.jar
# Class-data sharing: each part maps the classes it needs, parsed and verified, from this archive
# (`colmena cds` builds it, about 15 s, after each build); the API and the agents start ~30 % sooner.
# COLMENA_CDS=off starts without it.
ARCHIVE=dist/colmena.jsa
RUN_DIR=.run
LOG_DIR=logs
API_PORT=${COLMENA_API_PORT:-8000}
REDIS_URL=${COLMENA_REDIS_URL:-redis://127.0.0.1:6379}
DEMO_RATE=${COLMENA_DEMO_RATE:-1}
AGENTS=${COLMENA_AGENTS:-"nodo1 nodo2"}
# Small heaps: an agent only samples and runs tasks; the coordinator batches; the API serves JSON.
# A young generation of 32 MB for the API: with the default (a third of the
# heap) each collection copies what H2's page cache churned, and the dashboard's requests waited
# 0.3-1 s behind it under load (docs/BENCHMARKS.md, bench api --api-process).
# Agents and the coordinator are compiled as Java does by default, by C1 then C2: C1 alone made an
# agent's face detection take a quarter longer (bench faces) and the coordinator's steady work
# cost about 60 % more; C2's compiling takes the first minute or two under heavy load (docs/BENCHMARKS.md).
AGENT_JAVA=${COLMENA_AGENT_JAVA_OPTS:-"-XX:+UseSerialGC -Xms8m -Xmx256m"}
SERVICE_JAVA=${COLMENA_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx512m -Xmn32m"}
# The coordinator's young generation is 128 MB: it allocates about 1 GB/s at full speed, and with
# 32 MB it stopped every 22 ms (docs/BENCHMARKS.md).
COORDINATOR_JAVA=${COLMENA_COORDINATOR_JAVA_OPTS:-${COLMENA_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx512m -Xmn128m"}}
# How long the parts wait for Redis at start (the jar's own --wait-for-redis), and this script for the API.
export COLMENA_WAIT_FOR_REDIS=${COLMENA_WAIT_FOR_REDIS:-60s}
WAIT_SECONDS=60
API_WAIT_SECONDS=120
# After the API answers: how long every part may take to say it works, then how long all are watched.
READY_WAIT_SECONDS=60
SETTLE_SECONDS=2
# Parts in the order they start; `stop` goes in reverse.
PARTS="redis api coordinator $AGENTS"

say() { printf '%s\n' "$*"; }
die() { printf 'start-all.sh: %s\n' "$*" >&2; exit 1; }

# Host and port of the Redis URL (redis://[user:pass@]host:port[/db]).
redis_host() { local h=${REDIS_URL#*://}; h=${h##*@}; h=${h%%/*}; printf '%s' "${h%%:*}"; }
redis_port() { local h=${REDIS_URL#*://}; h=${h##*@}; h=${h%%/*}; [[ $h == *:* ]] && printf '%s' "${h##*:}" || printf 6379; }

# Whether something accepts connections on host:port (bash's /dev/tcp; no curl or nc needed).
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# What listens on TCP port $1, as "name (pid N)", if ss or lsof can tell; else empty.
port_owner() {
  local out=""
  if command -v ss >/dev/null; then
    out=$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n1 \
      | sed -E 's/users:\(\("([^"]*)",pid=([0-9]+)/\1 (pid \2)/')
  fi
  if [[ -z $out ]] && command -v lsof >/dev/null; then
    out=$(lsof -nP -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | awk 'NR==2 {print $1 " (pid " $2 ")"}')
  fi
  printf '%s' "$out"
}

# The last lines of a part's log, indented, for a message.
last_lines() { tail -n "${2:-3}" "$LOG_DIR/$1.log" 2>/dev/null | sed 's/^/  /'; }

# The first line of a part's log that says what went wrong (an error or an exception), if any.
why_line() { grep -m1 -E ' ERROR |Exception|Error:|^error:|^colmena [a-z]+: ' "$LOG_DIR/$1.log" 2>/dev/null | cut -c1-300 || true; }

# Fails naming the part that stopped, the line of its log that says why, and the end of its log.
died() {
  local why; why=$(why_line "$1")
  die "the $1 part stopped${why:+: $why}
The end of $LOG_DIR/$1.log:
$(last_lines "$1" 5)
Stop the other parts with ./start-all.sh stop, then start again."
}

# Fails naming the first part this script started that is no longer running.
check_alive() {
  local p
  for p in $PARTS; do
    [[ -f $RUN_DIR/$p.pid ]] || continue
    running "$(pid_of "$p")" || died "$p"
  done
}

# The log line by which a part says it is working (empty: none to wait for).
ready_line() {
  case $1 in
    redis) ;;
    api) printf '%s' 'listening on' ;;
    coordinator) printf '%s' 'is the leader|Standing by' ;;
    *) printf '%s' "Agent '$1' started" ;;
  esac
}

# Whether the API or the coordinator is bringing TaskHistory up to date, once, after an upgrade:
# adding columns (H2 copies the table to do it, about a quarter of a minute per million rows here)
# or counting it for the first time; the time it takes counts towards no limit below. Each
# "Adding column" line in a log is ended by an "Added column" or a "Could not add column" one, and
# each "Counting TaskHistory by node" line by a "Counted N rows of TaskHistory in", a "Could not
# count TaskHistory" or an "Another process counted TaskHistory at the same time" one.
upgrading_database() {
  local p adding ended
  for p in api coordinator; do
    adding=$(grep -cE "Adding column|Counting TaskHistory by node" "$LOG_DIR/$p.log" 2>/dev/null || true) # grep -c: 0, and status 1, for none
    ended=$(grep -cE "Added column|Could not add column|rows of TaskHistory in|Could not count TaskHistory|counted TaskHistory at the same time" "$LOG_DIR/$p.log" 2>/dev/null || true)
    (( ${adding:-0} > ${ended:-0} )) && UPGRADING_PART=$p && return 0
  done
  return 1
}

UPGRADE_TENTHS=0
upgrade_wait() { # a tenth of a second more of upgrading, said every 10 s
  (( UPGRADE_TENTHS % 100 == 0 )) && say "Upgrading the database, once: bringing TaskHistory up to date ($((UPGRADE_TENTHS / 10)) s; see $LOG_DIR/${UPGRADING_PART:-coordinator}.log)..."
  UPGRADE_TENTHS=$((UPGRADE_TENTHS + 1))
  check_alive
}

# Waits until every part started has said it works, failing as soon as one of them stops; then
# watches them all for SETTLE_SECONDS more, so a part that dies right after starting (a database
# lock, a refused Redis password) is named here rather than found later on the dashboard.
wait_ready() {
  local waited=0 p pending line
  while :; do
    pending=""
    for p in $PARTS; do
      [[ -f $RUN_DIR/$p.pid ]] || continue
      running "$(pid_of "$p")" || died "$p"
      line=$(ready_line "$p")
      [[ -z $line ]] || grep -qE "$line" "$LOG_DIR/$p.log" 2>/dev/null || pending="$pending $p"
    done
    [[ -n $pending ]] || break
    if upgrading_database; then
      sleep 0.1; upgrade_wait
      continue
    fi
    [[ $waited -lt $((READY_WAIT_SECONDS * 10)) ]] || die "not working within $READY_WAIT_SECONDS s:$pending; see $LOG_DIR/"
    (( waited > 0 && waited % 50 == 0 )) && say "Waiting for:$pending ($((waited / 10)) s)..."
    sleep 0.1; waited=$((waited + 1))
  done
  for _ in $(seq 1 $((SETTLE_SECONDS * 10))); do check_alive; sleep 0.1; done
}

pid_of() { [[ -f $RUN_DIR/$1.pid ]] && cat "$RUN_DIR/$1.pid" || true; }

# Whether a process this run just started is still there (its command line may not show the jar yet).
running() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

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

# Sets CDS to the Java option that starts a part from the archive, building the archive first when
# no JVM can start from it (none yet, a new build of the jar, another Java); empty if that fails.
CDS=""
archive() {
  [[ ${COLMENA_CDS:-on} != off ]] || return 0
  if ! java -XX:SharedArchiveFile="$ARCHIVE" -Xshare:on -jar "$JAR" version >/dev/null 2>&1; then
    say "Building $ARCHIVE (class-data sharing: the parts start sooner; once per build, about 15 s; log: $LOG_DIR/cds.log)..."
    if ! java -jar "$JAR" cds >"$LOG_DIR/cds.log" 2>&1; then
      say "Could not build $ARCHIVE; the parts start without it. The end of $LOG_DIR/cds.log:"
      say "$(tail -n 5 "$LOG_DIR/cds.log")"
      return 0
    fi
  fi
  CDS="-XX:SharedArchiveFile=$ARCHIVE"
}

start() {
  command -v java >/dev/null || die "java not found; install JDK 17 or newer"
  local v; v=$(java -version 2>&1 | head -n1 | sed -E 's/.*version "([0-9]+).*/\1/')
  [[ $v =~ ^[0-9]+$ && $v -ge 17 ]] || die "Java 17 or newer is needed; found: $(java -version 2>&1 | head -n1)"
  mkdir -p "$RUN_DIR" "$LOG_DIR" data
  # Logs, the database, its password and Redis's AOF are for this user's eyes only.
  chmod 700 "$RUN_DIR" "$LOG_DIR" data 2>/dev/null || true
  for p in $PARTS; do
    if is_ours "$(pid_of "$p")"; then die "already running ($p, pid $(pid_of "$p")); ./start-all.sh stop first"; fi
  done
  rm -f "$RUN_DIR"/*.pid # left by a run that did not stop cleanly: none of them is running
  if answers 127.0.0.1 "$API_PORT"; then
    local who; who=$(port_owner "$API_PORT")
    die "port $API_PORT, for the dashboard, is already in use${who:+ by $who}; close that program or choose another port: COLMENA_API_PORT=8080 ./start-all.sh"
  fi
  if [[ ! -f $JAR ]]; then
    say "Building $JAR (first run only: Maven downloads what it needs, a few minutes; log: $LOG_DIR/build.log)..."
    ./mvnw -B -DskipTests package >"$LOG_DIR/build.log" 2>&1 \
      || die "the build failed; its last lines (all of it is in $LOG_DIR/build.log):
$(tail -n 15 "$LOG_DIR/build.log")"
  fi

  archive

  local host port; host=$(redis_host); port=$(redis_port)
  if answers "$host" "$port"; then
    local who; who=$(port_owner "$port")
    say "Redis already answering at $host:$port${who:+ ($who)}; using it"
  elif [[ $host == 127.0.0.1 || $host == localhost ]]; then
    say "Starting Redis on $host:$port (logs/redis.log)"
    launch redis "-Xmx64m $CDS" redis --port "$port"
    local waited=0
    until answers "$host" "$port"; do
      running "$(pid_of redis)" || die "Redis stopped while starting; the end of $LOG_DIR/redis.log:
$(last_lines redis 5)"
      [[ $waited -lt $((WAIT_SECONDS * 10)) ]] || die "Redis did not answer within $WAIT_SECONDS s; see $LOG_DIR/redis.log"
      (( waited % 50 == 0 )) && say "Waiting for Redis at $host:$port ($((waited / 10)) s)..."
      sleep 0.1; waited=$((waited + 1))
    done
  else
    die "no Redis answers at $host:$port, and it is not on this machine"
  fi

  export COLMENA_REDIS_URL=$REDIS_URL COLMENA_API_PORT=$API_PORT
  # The API and the coordinator read the same COLMENA_DB_URL, COLMENA_DB_USER and COLMENA_DB_PASSWORD.
  if [[ -n ${COLMENA_DB_URL:-} ]]; then
    say "TaskHistory for the API and the coordinator: $(printf '%s' "$COLMENA_DB_URL" \
      | sed -E 's/([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Pp][Ww][Dd])=[^;]*/\1=***/g')"
  else
    say "TaskHistory for the API and the coordinator: the H2 database in data/ (SQL Server: see docs/sqlserver.md)"
  fi
  say "Starting the API on port $API_PORT (logs/api.log)"
  # shellcheck disable=SC2086
  launch api "$SERVICE_JAVA $CDS" api
  say "Starting the coordinator, demo load $DEMO_RATE tasks/s (logs/coordinator.log)"
  launch coordinator "$COORDINATOR_JAVA $CDS" coordinator --demo-rate "$DEMO_RATE"
  for a in $AGENTS; do
    say "Starting agent $a (logs/$a.log)"
    launch "$a" "$AGENT_JAVA $CDS" agent --id "$a"
  done

  local waited=0
  # The API logs its address last, after the admin password on a first start.
  until grep -q "listening on" "$LOG_DIR/api.log" 2>/dev/null && answers 127.0.0.1 "$API_PORT"; do
    (( waited % 10 == 0 )) && check_alive
    if upgrading_database; then
      sleep 0.1; upgrade_wait
      continue
    fi
    [[ $waited -lt $((API_WAIT_SECONDS * 10)) ]] \
      || die "the API did not answer on port $API_PORT within $API_WAIT_SECONDS s; the end of $LOG_DIR/api.log:
$(last_lines api 5)"
    (( waited > 0 && waited % 50 == 0 )) && say "Waiting for the dashboard at http://localhost:$API_PORT ($((waited / 10)) s)..."
    sleep 0.1; waited=$((waited + 1))
  done
  wait_ready
  say ""
  if [[ -f data/admin-password.txt ]]; then
    # Shown here, from an owner-only file (never in logs/api.log); the admin's first login deletes it.
    say "The admin account was created:"
    say "  user:     admin"
    say "  password: $(cat data/admin-password.txt)"
    say "  Write it down (data/admin-password.txt goes at the first login). Forgot it later?"
    say "  java -jar dist/colmena.jar admin reset-password"
  elif grep -q "NO LOGIN" "$LOG_DIR/api.log"; then
    say "WARNING: started with --no-auth (COLMENA_NO_AUTH): anyone who reaches port $API_PORT is admin."
  else
    say "Log in as admin (password set on the first start; forgot it? java -jar dist/colmena.jar admin reset-password)."
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

# One field of the "installation" object in /api/health's JSON ($1: the JSON, $2: id, name or namespace).
installation_field() {
  printf '%s' "$1" | grep -o '"installation":{[^}]*}' | grep -o "\"$2\":\"[^\"]*\"" | head -n1 | sed -E 's/^"[a-z]+":"(.*)"$/\1/'
}

status() {
  local p
  for p in $PARTS; do
    local pid; pid=$(pid_of "$p")
    if is_ours "$pid"; then say "$p: running (pid $pid)"; else say "$p: not running"; fi
  done
  # Which installation the API serves, from /api/health (bash's /dev/tcp: no curl needed).
  local health=""
  if answers 127.0.0.1 "$API_PORT"; then
    health=$( (exec 3<>"/dev/tcp/127.0.0.1/$API_PORT" && printf 'GET /api/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
      && timeout 5 cat <&3) 2>/dev/null || true)
  fi
  if [[ $health == *'"installation"'* ]]; then
    local id name ns
    id=$(installation_field "$health" id); name=$(installation_field "$health" name); ns=$(installation_field "$health" namespace)
    say "installation: ${id:-(none yet: the coordinator makes it)}${name:+ \"$name\"}"
    say "namespace: ${ns:-(default)}"
    if [[ $health == *'"problem"'* ]]; then
      say "REFUSED: $(printf '%s' "$health" | grep -o '"problem":"[^"]*"' | head -n1 | sed -E 's/^"problem":"(.*)"$/\1/')"
    fi
  else
    say "installation: unknown (no API answers on port $API_PORT)"
    say "namespace: ${COLMENA_NAMESPACE:-(default)}"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command \"$1\"; use start, stop or status" ;;
esac
