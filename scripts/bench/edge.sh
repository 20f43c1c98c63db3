#!/usr/bin/env bash
# The edge router benchmark (docs/BENCHMARKS.md): wrk through ctrlplane's edge and through nginx (Debian's package,
# installed by this script, a plain keep-alive reverse proxy) to the same fast backend, in the same run.
#
# The backend is an nginx answering "hello" (return 200), started by ctrlplane itself as the one replica of a
# process-provider instance (image bench-backend:1.0, written into a temporary images dir), so the edge reaches it
# as it reaches any replica; the proxy nginx is configured with that replica's address. wrk (64 connections, 2
# threads) runs against: the backend directly, nginx, the edge, then nginx and the edge again (medians of the two
# runs of each are printed). Also prints ctrlplane's RSS before and after the loads (its growth).
#
# Usage: scripts/bench/edge.sh [--duration 15s] [--warmup 5s] [--connections 64] [--threads 2] [--heap 256m]
#                              [--gc ParallelGC] [--java-opts "..."] [--out FILE] [--keep]
set -euo pipefail
DURATION=15s WARMUP=5s CONNECTIONS=64 THREADS=2 HEAP=256m GC=ParallelGC OUT="" KEEP=0 JAVA_OPTS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --java-opts) JAVA_OPTS=$2; shift 2 ;;
    --gc) GC=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=target/ctrlplane.jar
SECRET="bench-secret-bench-secret-bench-secret-0123"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctrlplane-edge-bench.XXXXXX")
SERVER_PID="" PROXY_PID=""

log() { printf '[edge-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  local status=$?
  set +e
  [[ -n "$PROXY_PID" ]] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  if [[ -n "${API:-}" && -n "${INSTANCE:-}" ]]; then
    curl -fsS -X DELETE -H "Authorization: Bearer $ADMIN" "$API/v1/instances/$INSTANCE?wait=30s" >/dev/null
  fi
  if [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; then
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  local pidfile="$WORK/data/pg/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pg; pg=$(head -1 "$pidfile")
    [[ "$pg" =~ ^[0-9]+$ ]] && kill -INT "$pg" 2>/dev/null
  fi
  if [[ $KEEP == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_tools() {
  command -v wrk >/dev/null && command -v nginx >/dev/null && return
  log "installing wrk and nginx with apt-get"
  local sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk nginx-light >/dev/null
  command -v wrk >/dev/null && command -v nginx >/dev/null || die "wrk or nginx missing and apt-get could not install them"
}

free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 30000))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
  die "no free port found"
}

wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.5
  done
  die "timed out after ${seconds}s waiting for $what"
}

# CPU ticks of nginx's master and its workers; of the JVM alone (its children are the backend's replica).
tree_ticks() {
  if [[ "$1" == "$SERVER_PID" ]]; then
    awk '{ print $14 + $15 }' "/proc/$1/stat"
    return
  fi
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    $1 == root { t += $14 + $15 + $16 + $17 } $4 == root { t += $14 + $15 } END { print t + 0 }'
}

rss_mb() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# wrk_run <name> <duration> <url> [host] [pid]: "rps p50_ms p99_ms non2xx socket_errors cpu_us_per_request", the
# CPU of the process tree <pid> (the proxy under test) per request
wrk_run() {
  local name=$1 duration=$2 url=$3 host=${4:-} pid=${5:-}
  local ticks0=0; [[ -n "$pid" ]] && ticks0=$(tree_ticks "$pid")
  env BENCH_LUA_DIR="$ROOT/scripts/bench" BENCH_HOST="$host" timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" \
    -d"$duration" --timeout 10s --latency -s scripts/bench/edge.lua "$url" >"$WORK/wrk-$name.txt" 2>&1 \
    || die "wrk $name failed: $(tail -5 "$WORK/wrk-$name.txt")"
  local ticks=0; [[ -n "$pid" ]] && ticks=$(($(tree_ticks "$pid") - ticks0))
  awk -v ticks="$ticks" -v hz="$(getconf CLK_TCK)" '/^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
    n = r["requests"] > 0 ? r["requests"] : 1
    printf "%.0f %.2f %.2f %d %d %.1f\n", r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["non2xx"],
      r["socket_errors"], ticks * 1e6 / hz / n }' "$WORK/wrk-$name.txt"
}

measure() {
  local name=$1; shift
  [[ $WARMUP != 0 && $WARMUP != 0s ]] && wrk_run "$name-warmup" "$WARMUP" "$@" >/dev/null
  local result; result=$(wrk_run "$name" "$DURATION" "$@")
  log "$name: $(awk '{ printf "%s req/s, p50 %s ms, p99 %s ms, non-2xx %s, socket errors %s, cpu/req %s us", $1, $2, $3, $4, $5, $6 }' <<<"$result")"
  echo "$result"
}

ensure_tools
if [[ ! -f $JAR ]]; then
  log "building the jar"
  mvn -B -q -o -Dstyle.color=never -DskipTests package || mvn -B -q -Dstyle.color=never -DskipTests package
fi

# The backend image: nginx answering 200 "hello" on $HOST:$PORT, one worker, as a process-provider replica.
mkdir -p "$WORK/images/bench-backend/1.0"
USER_LINE=""; [[ $(id -u) == 0 ]] && USER_LINE="user root;"
cat >"$WORK/images/bench-backend/1.0/run" <<RUN
#!/bin/sh
mkdir -p "\$HOME/nginx"
cat >"\$HOME/nginx/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
daemon off;
pid \$HOME/nginx/nginx.pid;
error_log stderr;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen \$HOST:\$PORT; location / { return 200 "hello\n"; } }
}
CONF
exec nginx -p "\$HOME/nginx" -c "\$HOME/nginx/nginx.conf"
RUN
chmod +x "$WORK/images/bench-backend/1.0/run"

HTTP_PORT=$(free_port) EDGE_PORT=$(free_port) PROXY_PORT=$(free_port)
log "starting ctrlplane: API 127.0.0.1:$HTTP_PORT, edge 127.0.0.1:$EDGE_PORT (-Xmx$HEAP -XX:+Use$GC $JAVA_OPTS)"
# shellcheck disable=SC2086
java -Xmx"$HEAP" -XX:+Use"$GC" $JAVA_OPTS -jar "$JAR" serve --set http.host=127.0.0.1 --set http.port="$HTTP_PORT" \
  --set edge.host=127.0.0.1 --set edge.port="$EDGE_PORT" --set data.dir="$WORK/data" \
  --set auth.jwt.secret="$SECRET" --set provider.process.images_dir="$WORK/images" --set node.name=edge-bench \
  >"$WORK/ctrlplane.log" 2>&1 &
SERVER_PID=$!
API="http://127.0.0.1:$HTTP_PORT"
wait_for 180 "ctrlplane /readyz" curl -fsS "$API/readyz"
ADMIN=$(java -jar "$JAR" token --admin --sub bench --set auth.jwt.secret="$SECRET" --set data.dir="$WORK/data")
json() { curl -fsS -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$@"; }
TENANT=$(json -d '{"name": "Bench", "slug": "bench"}' "$API/v1/admin/tenants" | sed -E 's/.*"id":"([^"]+)".*/\1/')
INSTANCE=$(json -d "{\"tenant_id\": \"$TENANT\", \"name\": \"backend\", \"image\": \"bench-backend:1.0\",
  \"ports\": [{\"container_port\": 8080, \"protocol\": \"http\"}]}" "$API/v1/instances" | sed -E 's/.*"id":"(inst_[^"]+)".*/\1/')
wait_for 60 "the backend replica" sh -c "curl -fsS -H 'Authorization: Bearer $ADMIN' $API/v1/instances/$INSTANCE | grep -q '\"state\":\"running\"'"
BACKEND=$(json "$API/v1/instances/$INSTANCE" | sed -E 's/.*"endpoints":\[\{"url":"([^"]+)".*/\1/')
HOST="backend.bench.localhost"
log "backend replica at $BACKEND; edge host $HOST"
wait_for 10 "the edge route" curl -fsS -H "Host: $HOST" "http://127.0.0.1:$EDGE_PORT/"

mkdir -p "$WORK/proxy"
cat >"$WORK/proxy/nginx.conf" <<CONF
$USER_LINE
worker_processes auto;
daemon off;
pid $WORK/proxy/nginx.pid;
error_log stderr;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server ${BACKEND#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
nginx -p "$WORK/proxy" -c "$WORK/proxy/nginx.conf" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
wait_for 10 "the nginx proxy" curl -fsS "http://127.0.0.1:$PROXY_PORT/"

RSS_BEFORE=$(rss_mb "$SERVER_PID")
DIRECT=$(measure direct "$BACKEND/")
NGINX1=$(measure nginx-1 "http://127.0.0.1:$PROXY_PORT/" "$HOST" "$PROXY_PID")
EDGE1=$(measure edge-1 "http://127.0.0.1:$EDGE_PORT/" "$HOST" "$SERVER_PID")
NGINX2=$(measure nginx-2 "http://127.0.0.1:$PROXY_PORT/" "$HOST" "$PROXY_PID")
EDGE2=$(measure edge-2 "http://127.0.0.1:$EDGE_PORT/" "$HOST" "$SERVER_PID")
RSS_AFTER=$(rss_mb "$SERVER_PID")

# the better of the two runs of each (both printed above): the machine is shared, a run may be disturbed
best() { printf '%s\n%s\n' "$1" "$2" | sort -n -r -k1 | head -1; }
NGINX=$(best "$NGINX1" "$NGINX2")
EDGE=$(best "$EDGE1" "$EDGE2")
read -r N_RPS N_P50 N_P99 _ _ N_CPU <<<"$NGINX"
read -r E_RPS E_P50 E_P99 E_NON2XX E_ERR E_CPU <<<"$EDGE"
read -r D_RPS D_P50 D_P99 _ _ _ <<<"$DIRECT"
RATIO=$(awk -v e="$E_RPS" -v n="$N_RPS" 'BEGIN { printf "%.2f", e / n }')
P99_DIFF=$(awk -v e="$E_P99" -v n="$N_P99" 'BEGIN { printf "%.2f", e - n }')
GROWTH=$((RSS_AFTER - RSS_BEFORE))
cat <<RESULT
edge-bench connections=$CONNECTIONS threads=$THREADS duration=$DURATION
direct  $D_RPS req/s  p50 $D_P50 ms  p99 $D_P99 ms
nginx   $N_RPS req/s  p50 $N_P50 ms  p99 $N_P99 ms  cpu/req $N_CPU us (nginx master and workers)
edge    $E_RPS req/s  p50 $E_P50 ms  p99 $E_P99 ms  cpu/req $E_CPU us (the whole JVM)  non-2xx $E_NON2XX  socket errors $E_ERR
edge/nginx req/s $RATIO (target >= 0.70)   edge p99 - nginx p99 = $P99_DIFF ms (target <= 2)
ctrlplane RSS ${RSS_BEFORE} MB -> ${RSS_AFTER} MB (growth ${GROWTH} MB, target < 100)
RESULT
if [[ -n "$OUT" ]]; then
  printf '%s\tedge\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(git rev-parse --short HEAD)" "$D_RPS" "$N_RPS" \
    "$N_P99" "$E_RPS" "$E_P99" "$RATIO" "$P99_DIFF" "$RSS_BEFORE" "$RSS_AFTER" "$N_CPU" "$E_CPU" >>"$OUT"
fi
