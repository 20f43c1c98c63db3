#!/usr/bin/env bash
# Benchmarks the instances API against a plain Vert.x "ceiling" server on the same PostgreSQL (docs/BENCHMARKS.md).
#
# Starts ctrlplane on a temporary data dir (embedded PostgreSQL, noop provider, HTTP on 127.0.0.1), seeds tenants and
# instances through the API, then starts the ceiling server (src/test/java/dev/ctrlplane/bench/CeilingServer) on the
# same database. wrk runs on loopback, each ctrlplane load right after the ceiling load it is compared with: ceiling
# read, GET one instance, list (limit 20); ceiling insert, create (spread over the tenants), create (one tenant);
# a PostgreSQL CHECKPOINT before each write load, so each pays for its own writes only.
# Prints req/s, p50, p99 and CPU per request for each, the ratio to the ceiling against the targets, and
# ctrlplane's RSS after the run. Everything it starts is stopped and its temporary directory removed on exit.
#
# Usage: scripts/bench.sh [--duration 20s] [--warmup 10s] [--connections 64] [--threads 2] [--tenants 100]
#                         [--per-tenant 100] [--heap 256m] [--gc ParallelGC] [--pool 16] [--build] [--keep]
#                         [--out FILE]
#   --heap, --gc  the JVM heap and collector of both servers (-Xmx, -XX:+Use<gc>)
#   --build   rebuild the jar and the test classes even if present
#   --keep    keep the temporary directory (logs, wrk output, ids) instead of removing it
#   --out     also append the results as tab-separated lines to FILE (for medians over several runs)
#
# scripts/bench.sh deploy [--warmup 5] [--seconds 20] [--clients 64] [--rounds 5]: the deployment benchmark instead.
# scripts/bench.sh edge [--duration 15s] [--warmup 5s] [--connections 64]: the edge router against nginx instead.
# scripts/bench.sh docker [--rounds 5]: the docker provider benchmark (on Podman, started by it) instead.
# scripts/bench.sh events [--warmup 5] [--seconds 15] [--producers 32]: the events benchmark (SSE, webhooks, idle
#   streams) instead.
# scripts/bench.sh health [--warmup 15] [--seconds 20] [--checks 2500]: the health-check benchmark instead.
set -euo pipefail

# Other suites have scripts of their own: scripts/bench.sh <suite> [...] runs scripts/bench/<suite>.sh [...].
if [[ -n ${1:-} && ${1:0:1} != - && -x "$(dirname "$0")/bench/$1.sh" ]]; then
  suite=$1
  shift
  exec "$(dirname "$0")/bench/$suite.sh" "$@"
fi
if [[ ${1:-} == health ]]; then
  shift
  exec "$(dirname "$0")/bench/health.sh" "$@"
fi

DURATION=20s
WARMUP=10s
CONNECTIONS=64
THREADS=2
TENANTS=100
PER_TENANT=100
HEAP=256m
GC=ParallelGC
POOL=16
BUILD=0
KEEP=0
OUT=""

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --tenants) TENANTS=$2; shift 2 ;;
    --per-tenant) PER_TENANT=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --gc) GC=$2; shift 2 ;;
    --pool) POOL=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JAR=target/ctrlplane.jar
CLASSES=target/test-classes
SECRET="bench-secret-bench-secret-bench-secret-0123"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctrlplane-bench.XXXXXX")
SERVER_PID=""
CEILING_PID=""

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Stops what this run started: the ceiling, then ctrlplane (whose shutdown stops its embedded PostgreSQL).
cleanup() {
  local status=$?
  set +e
  [[ -n "$CEILING_PID" ]] && kill "$CEILING_PID" 2>/dev/null && wait "$CEILING_PID" 2>/dev/null
  if [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; then
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  local pidfile="$WORK/data/pg/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pg; pg=$(head -1 "$pidfile")
    if [[ "$pg" =~ ^[0-9]+$ ]] && kill -INT "$pg" 2>/dev/null; then
      for _ in $(seq 60); do kill -0 "$pg" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  if [[ $KEEP == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk with apt-get"
  local sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
  command -v wrk >/dev/null || die "wrk is not installed and apt-get could not install it"
}

ensure_build() {
  if [[ $BUILD == 1 || ! -f $JAR || ! -f $CLASSES/dev/ctrlplane/bench/CeilingServer.class ]]; then
    log "building the jar and the test classes"
    mvn -B -q -o -Dstyle.color=never -DskipTests package test-compile || mvn -B -q -Dstyle.color=never -DskipTests package test-compile
  fi
}

# A free TCP port on 127.0.0.1 (nothing listens on it now).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 30000))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
  die "no free port found"
}

# wait_for <seconds> <what> <command...>: polls the command every 0.5s.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.5
  done
  die "timed out after ${seconds}s waiting for $what"
}

rss_mb() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# CPU ticks used so far by a process (with its reaped children), and by a postmaster with all its backends.
cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
pg_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v pm="$1" '
    $1 == pm { t += $14 + $15 + $16 + $17 } $4 == pm { t += $14 + $15 } END { print t + 0 }'
}

# run_wrk <name> <duration> <server-pid> <script> <url> [VAR=value...]: prints
# "rps p50_ms p99_ms non2xx socket_errors server_cpu_us_per_request postgres_cpu_us_per_request".
run_wrk() {
  local name=$1 duration=$2 pid=$3 script=$4 url=$5; shift 5
  local output="$WORK/wrk-$name.txt" server0 pg0
  server0=$(cpu_ticks "$pid"); pg0=$(pg_ticks "$PG_PID")
  env BENCH_LUA_DIR="$ROOT/scripts/bench" BENCH_THREADS="$THREADS" "$@" \
    timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 10s --latency \
    -s "scripts/bench/$script" "$url" >"$output" 2>&1 || die "wrk $name failed: $(tail -5 "$output")"
  awk -v server=$(($(cpu_ticks "$pid") - server0)) -v pg=$(($(pg_ticks "$PG_PID") - pg0)) -v hz="$(getconf CLK_TCK)" '
    /^RESULT/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      n = r["requests"] > 0 ? r["requests"] : 1
      printf "%.0f %.1f %.1f %d %d %.0f %.0f\n", r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["non2xx"],
        r["socket_errors"], server * 1e6 / hz / n, pg * 1e6 / hz / n
    }' "$output"
}

# measure <name> <server-pid> <script> <url> [VAR=value...]: a warm-up, then the measured run; results in
# RESULTS[name].
declare -A RESULTS
measure() {
  local name=$1; shift
  if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
    run_wrk "$name-warmup" "$WARMUP" "$@" BENCH_TAG="w${name//_/}$RANDOM" >/dev/null
  fi
  RESULTS[$name]=$(run_wrk "$name" "$DURATION" "$@" BENCH_TAG="m${name//_/}$RANDOM")
  log "$name: $(awk '{ printf "%s req/s, p50 %s ms, p99 %s ms, non-2xx %s, socket errors %s, cpu/req: server %s us, postgres %s us",
    $1, $2, $3, $4, $5, $6, $7 }' <<<"${RESULTS[$name]}")"
}

ensure_wrk
ensure_build

HTTP_PORT=$(free_port)
log "starting ctrlplane on 127.0.0.1:$HTTP_PORT (data in $WORK/data, -Xmx$HEAP -XX:+Use$GC)"
java -Xmx"$HEAP" -XX:+Use"$GC" -jar "$JAR" serve --set http.host=127.0.0.1 --set http.port="$HTTP_PORT" \
  --set data.dir="$WORK/data" --set auth.jwt.secret="$SECRET" --set provider.noop.enabled=true \
  --set store.pool_size="$POOL" --set node.name=bench >"$WORK/ctrlplane.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$HTTP_PORT"
wait_for 180 "ctrlplane /readyz" curl -fsS "$BASE/readyz"
PG_PID=$(sed -n 1p "$WORK/data/pg/postmaster.pid")
PG_PORT=$(sed -n 4p "$WORK/data/pg/postmaster.pid")
STORE_URL="postgresql://postgres:postgres@127.0.0.1:$PG_PORT/postgres"

log "seeding $TENANTS tenants x $PER_TENANT instances through the API"
timeout 300 java -cp "$CLASSES:$JAR" dev.ctrlplane.bench.BenchSeed "$HTTP_PORT" "$SECRET" "$TENANTS" "$PER_TENANT" 32 \
  "$WORK" >"$WORK/seed.log" 2>&1 || die "seeding failed: $(tail -5 "$WORK/seed.log")"
log "$(grep '^seeded' "$WORK/seed.log")"

TOKENS="$WORK/tokens"
IDS="$WORK/ids"
CEILING_PORT=$(free_port)
log "starting the ceiling server on 127.0.0.1:$CEILING_PORT (same PostgreSQL, pool $POOL)"
java -Xmx"$HEAP" -XX:+Use"$GC" -cp "$CLASSES:$JAR" dev.ctrlplane.bench.CeilingServer "$STORE_URL" "$CEILING_PORT" "$POOL" "$IDS" \
  >"$WORK/ceiling.log" 2>&1 &
CEILING_PID=$!
wait_for 120 "the ceiling server" grep -q "^ceiling listening" "$WORK/ceiling.log"
CEILING="http://127.0.0.1:$CEILING_PORT"

# A write load leaves dirty pages that PostgreSQL writes out later, during whatever runs next; a checkpoint before
# each write load (the ceiling's too) makes every write load pay for its own writes and no other's.
checkpoint() {
  curl -fsS -X POST "$CEILING/checkpoint" >/dev/null || die "CHECKPOINT failed"
}

# Each ctrlplane load runs right after the ceiling load it is compared with, so that both see the same machine.
measure read "$CEILING_PID" get.lua "$CEILING" BENCH_IDS="$IDS" BENCH_PATH=/read/
measure get "$SERVER_PID" get.lua "$BASE" BENCH_IDS="$IDS" BENCH_TOKENS="$TOKENS"
measure list "$SERVER_PID" list.lua "$BASE" BENCH_TOKENS="$TOKENS"
checkpoint
measure insert "$CEILING_PID" create.lua "$CEILING" BENCH_PATH=/insert
checkpoint
measure create "$SERVER_PID" create.lua "$BASE" BENCH_TOKENS="$TOKENS"
checkpoint
measure create_1t "$SERVER_PID" create.lua "$BASE" BENCH_TOKENS="$TOKENS" BENCH_TENANTS=1
RSS=$(rss_mb "$SERVER_PID")

# report <name> <ceiling> <minimum ratio, empty: none>: one table row (and one --out line).
report() {
  local name=$1 ceiling=$2 target=$3
  read -r rps p50 p99 non2xx errors server_us pg_us <<<"${RESULTS[$name]}"
  read -r crps _ <<<"${RESULTS[$ceiling]}"
  awk -v n="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v bad="$((non2xx + errors))" -v c="$ceiling" \
      -v crps="$crps" -v t="$target" -v su="$server_us" -v pu="$pg_us" -v out="$OUT" \
      -v conns="$CONNECTIONS" -v dur="$DURATION" 'BEGIN {
    ratio = crps > 0 ? rps / crps : 0
    ok = (t == "" || ratio >= t) && p99 <= 50 && bad == 0
    goal = n == c ? "(ceiling)" : t == "" ? "p99<=50ms" : sprintf(">=%.1f x %s, p99<=50ms", t, c)
    verdict = n == c ? "" : t == "" ? (ok ? "(info) pass" : "(info) FAIL") : (ok ? "pass" : "FAIL")
    printf "%-10s %8d %7.1f %7.1f %6d %6.2f %8d %8d  %-24s %s\n", n, rps, p50, p99, bad, ratio, su, pu, goal, verdict
    if (out != "") printf "%s\t%s\t%d\t%.1f\t%.1f\t%d\t%.3f\t%d\t%d\n", n, conns "c/" dur, rps, p50, p99, bad, ratio, su, pu >> out
  }'
}

echo
echo "ctrlplane vs ceiling: wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1, $(nproc) cores; $TENANTS tenants x $PER_TENANT instances"
printf "%-10s %8s %7s %7s %6s %6s %8s %8s  %-24s %s\n" endpoint req/s p50_ms p99_ms errors ratio srv_us pg_us \
  target result
report get read 0.5
report list read 0.3
report create insert 0.4
report create_1t insert ""
report read read ""
report insert insert ""
echo "(srv_us, pg_us: CPU time per request of the server process and of PostgreSQL, in microseconds)"
RSS_OK=$([[ $RSS -lt 400 ]] && echo pass || echo FAIL)
echo "ctrlplane RSS after the run: $RSS MB (target < 400 MB; -Xmx$HEAP -XX:+Use$GC): $RSS_OK"
[[ -n "$OUT" ]] && printf "rss\t%s\t%d\n" "$CONNECTIONS""c/$DURATION" "$RSS" >>"$OUT"
exit 0
