#!/usr/bin/env bash
# The events benchmark (docs/BENCHMARKS.md): src/test/java/dev/ctrlplane/bench/EventsBench in one JVM with the node
# it measures (its own embedded PostgreSQL): events/s and commit-to-arrival p50/p99 on one SSE stream, then with a
# webhook to a receiver on loopback, then the RSS cost of 1,000 idle streams.
#
# Usage: scripts/bench/events.sh [--warmup 5] [--seconds 15] [--producers 32] [--out FILE]
set -euo pipefail
WARMUP=5 SECONDS_=15 PRODUCERS=32 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --producers) PRODUCERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/java-bench.sh"
run_java_bench 600 EventsBench '^events-' "$OUT" "$WARMUP" "$SECONDS_" "$PRODUCERS"
exit 0
