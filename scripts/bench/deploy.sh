#!/usr/bin/env bash
# The deployment benchmark (docs/BENCHMARKS.md): src/test/java/dev/ctrlplane/bench/DeployBench in one JVM with the
# node it measures (its own embedded PostgreSQL): deploys/s and POST-to-succeeded p50/p99 of rolling deploys of
# 2-replica noop instances, then the control plane's own overhead in a 3-replica rolling deploy of real hello replicas.
#
# Usage: scripts/bench/deploy.sh [--warmup 5] [--seconds 20] [--clients 64] [--rounds 5] [--out FILE]
set -euo pipefail
WARMUP=5 SECONDS_=20 CLIENTS=64 ROUNDS=5 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >/dev/null \
  || mvn -B -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
RESULTS=$(timeout 600 java -Xmx512m -XX:+UseParallelGC --add-opens java.base/java.lang=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
  dev.ctrlplane.bench.DeployBench "$WARMUP" "$SECONDS_" "$CLIENTS" "$ROUNDS" 2>/dev/null | grep '^deploy-')
echo "$RESULTS"
[[ -n "$OUT" ]] && echo "$RESULTS" | sed "s/^/$(git rev-parse --short HEAD)\t/" >> "$OUT"
exit 0
