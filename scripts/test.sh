#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own embedded PostgreSQL (or use CTRLPLANE_TEST_PG_URL),
# real child processes and real clustered nodes on 127.0.0.1, and (for the docker provider) Podman's Docker API
# service: podman, runc and busybox-static, as root (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
