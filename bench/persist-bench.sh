#!/usr/bin/env bash
# bench/persist-bench.sh — persistence benchmarks against redis-server (part of `make
# bench`): BGSAVE extra memory (PSS of the server and its fork children, sampled every
# 5 ms) and snapshot time for KEYS keys under a concurrent SET load, and SET throughput
# with appendfsync always / everysec. Knobs: KEYS=1000000 VALUE=100 CLIENTS=50
# REQUESTS=200000 ROUNDS=2. Results: bench/RESULTS-persist.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ROOT/build/warden" ] || { echo "build Warden first: make" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "need redis-benchmark (apt-get install redis-tools)" >&2; exit 1; }
exec /usr/bin/python3 "$ROOT/bench/persist_bench.py"
