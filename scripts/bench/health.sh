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
source "$(dirname "$0")/java-bench.sh"
run_java_bench 900 HealthBench '^health' "$OUT" "$WARMUP" "$SECONDS_" "$CHECKS"
exit 0
