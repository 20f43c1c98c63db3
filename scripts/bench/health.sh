#!/usr/bin/env bash
# The health benchmark (docs/BENCHMARKS.md): src/test/java/dev/ctrlplane/bench/HealthBench in one JVM with the node
# it measures (its own embedded PostgreSQL) and a fast HTTP server (FastServer) in a JVM of its own: http checks at a
# 1 s interval, stored per second, with the scheduling lag (due → started) p50/p99/max and GET-one-instance p50/p99
# measured during the load.
#
# Usage: scripts/bench/health.sh [--warmup 15] [--seconds 20] [--checks 2500] [--out FILE]
set -euo pipefail
WARMUP=15 SECONDS_=20 CHECKS=2500 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --checks) CHECKS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >/dev/null \
  || mvn -B -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
RESULTS=$(timeout 900 java -Xmx512m -XX:+UseParallelGC --add-opens java.base/java.lang=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
  dev.ctrlplane.bench.HealthBench "$WARMUP" "$SECONDS_" "$CHECKS" 2>/dev/null | grep '^health')
echo "$RESULTS"
[[ -n "$OUT" ]] && echo "$RESULTS" | sed "s/^/$(git rev-parse --short HEAD)\t/" >> "$OUT"
exit 0
