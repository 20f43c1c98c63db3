#!/usr/bin/env bash
# Runs a ctrlplane node on its embedded defaults: HTTP on :8080, an embedded PostgreSQL under ./data/pg, the
# process provider on ./images. Extra arguments go to `ctrlplane serve` (e.g. --set http.port=9090).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=target/ctrlplane.jar
newest_source=$(find pom.xml conf src/main -newer "$jar" -print -quit 2>/dev/null || true)
if [[ ! -f "$jar" || -n "$newest_source" ]]; then
  echo "building $jar ..." >&2
  mvn -B -q -Dstyle.color=never -DskipTests package
fi
exec java ${JAVA_OPTS:--Xmx512m} -jar "$jar" serve "$@"
