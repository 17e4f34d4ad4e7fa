#!/usr/bin/env bash
# bench/run.sh (`make bench`) — Warden against redis-server on this machine.
#
# Throughput: redis-benchmark SET and GET at pipeline 1 and 16 with 50 clients,
# alternating the two servers round by round (shared/bench/bench-compare.sh): requests/s,
# Warden/Redis ratios, server CPU per request, peak RSS.
# Memory: RSS per key after loading 1,000,000 keys with 16-byte values into each server
# (shared/bench/mem-compare.sh), and the ratio.
#
# Env knobs: ROUNDS=3 WORKLOADS="set:1 get:1 set:16 get:16" CLIENTS=50 MEM_KEYS=1000000
#            WARDEN_ARGS="" (extra Warden options, e.g. "--threads 1") SKIP_MEM=1
# Without redis-server only Warden is measured. Without the shared harness
# (../shared/bench next to the repository) plain redis-benchmark runs are printed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARDEN="$ROOT/build/warden"
SHARED="$ROOT/../shared/bench"
ROUNDS=${ROUNDS:-3}
export WORKLOADS=${WORKLOADS:-"set:1 get:1 set:16 get:16"}
export CLIENTS=${CLIENTS:-50}
MEM_KEYS=${MEM_KEYS:-1000000}
WARDEN_ARGS=${WARDEN_ARGS:-}

[ -x "$WARDEN" ] || { echo "build Warden first: make" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "need redis-benchmark (apt-get install redis-tools)" >&2; exit 1; }
HAVE_REDIS=0
command -v redis-server >/dev/null && HAVE_REDIS=1

WCMD="$WARDEN --port {PORT} --bind 127.0.0.1 --save '' $WARDEN_ARGS"
RCMD="redis-server --port {PORT} --bind 127.0.0.1 --save '' --appendonly no"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  $(uname -r)"
echo "# Warden: $("$WARDEN" --version)"
[ $HAVE_REDIS = 1 ] && echo "# Redis:  $(redis-server --version)"

if [ ! -x "$SHARED/bench-compare.sh" ] || [ ! -x "$SHARED/mem-compare.sh" ]; then
  echo "# the shared harness ($SHARED) is not here: plain redis-benchmark runs instead"
  run_plain() { # name cmd
    local name=$1 cmd=$2 port pid
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cmd=${cmd//\{PORT\}/$port}
    bash -c "exec $cmd" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
    for w in $WORKLOADS; do
      t=${w%%:*}; P=${w##*:}
      printf '%-7s %-8s ' "$name" "$w"
      redis-benchmark -p "$port" -c "$CLIENTS" -n 200000 -r 100000 -P "$P" -t "$t" --csv 2>/dev/null | tail -1
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  }
  run_plain warden "$WCMD"
  [ $HAVE_REDIS = 1 ] && run_plain redis "$RCMD"
  exit 0
fi

if [ $HAVE_REDIS = 0 ]; then
  echo "# redis-server is not installed: Warden against itself (ratios are noise)"
  RCMD=$WCMD
fi

echo
echo "## throughput: A = Warden, B = Redis ($ROUNDS rounds, alternating)"
"$SHARED/bench-compare.sh" "$WCMD" "$RCMD" "$ROUNDS"

[ "${SKIP_MEM:-}" = 1 ] && exit 0
echo
echo "## memory: $MEM_KEYS keys, 16-byte values"
TMP=$(mktemp -d /tmp/warden-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
echo "### Warden"
"$SHARED/mem-compare.sh" "$WCMD" "$MEM_KEYS" | tee "$TMP/warden.txt"
WB=$(awk '/^RSS bytes\/key:/{print $3}' "$TMP/warden.txt")
if [ $HAVE_REDIS = 1 ]; then
  echo "### Redis"
  "$SHARED/mem-compare.sh" "$RCMD" "$MEM_KEYS" | tee "$TMP/redis.txt"
  RB=$(awk '/^RSS bytes\/key:/{print $3}' "$TMP/redis.txt")
  echo
  awk -v w="${WB:-0}" -v r="${RB:-0}" 'BEGIN{
    printf "RSS bytes per key (delta after load): Warden %.1f  Redis %.1f  Warden/Redis %.2f\n", w, r, (r > 0) ? w / r : 0 }'
fi
