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
source "$(dirname "$0")/java-bench.sh"
run_java_bench 600 DeployBench '^deploy-' "$OUT" "$WARMUP" "$SECONDS_" "$CLIENTS" "$ROUNDS"
exit 0
