#!/usr/bin/env bash
# The docker provider benchmark (docs/BENCHMARKS.md): src/test/java/dev/ctrlplane/bench/DockerBench against Podman's
# Docker API service it starts itself (root, podman + runc + busybox-static installed): medians of create-to-running
# (1 and 3 replicas), crash-to-replaced, stop, and podman run's own floor.
#
# Usage: scripts/bench/docker.sh [--rounds 5] [--out FILE]
set -euo pipefail
ROUNDS=5 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/java-bench.sh"
run_java_bench 900 DockerBench '^(docker|podman)-' "$OUT" "$ROUNDS"
exit 0
