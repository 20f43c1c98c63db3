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
cd "$(dirname "$0")/../.."
mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >/dev/null \
  || mvn -B -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
RESULTS=$(timeout 900 java -Xmx512m -XX:+UseParallelGC \
  -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
  dev.ctrlplane.bench.DockerBench "$ROUNDS" 2>/dev/null | grep -E '^(docker|podman)-')
echo "$RESULTS"
[[ -n "$OUT" ]] && echo "$RESULTS" | sed "s/^/$(git rev-parse --short HEAD)\t/" >> "$OUT"
exit 0
