#!/usr/bin/env bash
# bench/pubsub-bench.sh (`make bench-pubsub`) — Pub/Sub and transactions, Warden against
# redis-server on this machine, run side by side (same load generators, one server at a
# time, rounds alternating between the two).
#
#   publish:1   redis-benchmark PUBLISH (50 clients) with 1 subscriber draining
#   publish:50  the same with 50 subscribers (every message is delivered 50 times)
#   multi:5set  MULTI, 5 x SET, EXEC by 50 connections, one transaction in flight each
#               (bench/pubsub_bench.c: redis-benchmark cannot send a transaction)
#
# For the publish rows the subscribers' process counts what it received; "deliv%" is
# received / (published x subscribers), so a server that drops or disconnects slow
# subscribers shows it. Env knobs: ROUNDS=3 PUBLISHES=200000 TXNS=50000 PIPELINE=1
# WARDEN_ARGS="" (e.g. "--threads 2").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARDEN="$ROOT/build/warden"
ROUNDS=${ROUNDS:-3}
PUBLISHES=${PUBLISHES:-200000}
TXNS=${TXNS:-50000}
PIPELINE=${PIPELINE:-1}
WARDEN_ARGS=${WARDEN_ARGS:-}
[ -x "$WARDEN" ] || { echo "build Warden first: make" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "need redis-benchmark" >&2; exit 1; }
HAVE_REDIS=0
command -v redis-server >/dev/null && HAVE_REDIS=1

TMP=$(mktemp -d /tmp/warden-psbench.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
TOOL="$TMP/pubsub_bench"
${CC:-cc} -O2 -o "$TOOL" "$ROOT/bench/pubsub_bench.c"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() { # name -> sets PORT, SERVER_PID
  PORT=$(free_port)
  if [ "$1" = warden ]; then
    # shellcheck disable=SC2086
    "$WARDEN" --port "$PORT" --bind 127.0.0.1 --save '' $WARDEN_ARGS >"$TMP/server.log" 2>&1 &
  else
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no >"$TMP/server.log" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 100); do [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && return; sleep 0.05; done
  echo "server $1 did not start" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }
# server CPU time so far (user + system), in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK=$(getconf CLK_TCK)

# publish:N -> "rps deliv%"
bench_publish() {
  local nsub=$1 out rps got
  "$TOOL" sub "$PORT" "$nsub" bench 1 >"$TMP/sub.out" &
  local sp=$!
  for _ in $(seq 100); do grep -q ready "$TMP/sub.out" 2>/dev/null && break; sleep 0.05; done
  sleep 0.2
  out=$(redis-benchmark -p "$PORT" -c 50 -n "$PUBLISHES" -P "$PIPELINE" --csv PUBLISH bench hello-subscribers 2>/dev/null | tail -1)
  rps=$(echo "$out" | awk -F'","' '{print $2}')
  wait "$sp" || true
  got=$(awk '/^messages/{print $2}' "$TMP/sub.out")
  awk -v r="$rps" -v g="${got:-0}" -v n="$PUBLISHES" -v s="$nsub" 'BEGIN{printf "%.0f %.1f\n", r, 100.0*g/(n*s)}'
}

bench_multi() {
  "$TOOL" multi "$PORT" 50 "$TXNS" | awk '{printf "%.0f 100.0\n", $6}'
}

SERVERS="warden"
[ $HAVE_REDIS = 1 ] && SERVERS="warden redis"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC')  $(nproc) cores  $(uname -r)"
echo "# Warden: $("$WARDEN" --version)  args: ${WARDEN_ARGS:-(default)}"
[ $HAVE_REDIS = 1 ] && echo "# Redis:  $(redis-server --version)"
echo "# $ROUNDS rounds, $PUBLISHES publishes (50 clients, pipeline $PIPELINE), $TXNS transactions (50 clients)"

for w in publish:1 publish:50 multi:5set; do
  for s in $SERVERS; do : >"$TMP/$w.$s"; done
  for r in $(seq "$ROUNDS"); do
    for s in $SERVERS; do
      start_server "$s"
      c0=$(cpu_ticks)
      case $w in
        publish:*) res=$(bench_publish "${w#publish:}"); ops=$PUBLISHES ;;
        multi:*) res=$(bench_multi); ops=$TXNS ;;
      esac
      c1=$(cpu_ticks)
      # rate, delivered %, server CPU microseconds per operation
      echo "$res $(awk -v d=$((c1 - c0)) -v t="$TICK" -v n="$ops" 'BEGIN{printf "%.2f", d * 1e6 / t / n}')" >>"$TMP/$w.$s"
      stop_server
    done
  done
done

median() { sort -n | awk '{a[NR]=$1} END{ if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
printf '\n%-12s %11s %11s %6s %8s %8s %10s %10s %6s\n' workload warden_ops redis_ops W/R w_deliv% r_deliv% \
  w_cpu_us r_cpu_us cpuW/R
for w in publish:1 publish:50 multi:5set; do
  wo=$(awk '{print $1}' "$TMP/$w.warden" | median)
  wd=$(awk '{print $2}' "$TMP/$w.warden" | median)
  wc=$(awk '{print $3}' "$TMP/$w.warden" | median)
  if [ $HAVE_REDIS = 1 ]; then
    ro=$(awk '{print $1}' "$TMP/$w.redis" | median)
    rd=$(awk '{print $2}' "$TMP/$w.redis" | median)
    rc=$(awk '{print $3}' "$TMP/$w.redis" | median)
  else ro=0; rd=0; rc=0; fi
  awk -v w="$w" -v a="$wo" -v b="$ro" -v c="$wd" -v d="$rd" -v e="$wc" -v f="$rc" \
    'BEGIN{printf "%-12s %11.0f %11.0f %6.2f %8.1f %8.1f %10.2f %10.2f %6.2f\n", w, a, b, (b>0)?a/b:0, c, d, e, f, (f>0)?e/f:0}'
done
echo "(ops: publishes/s for publish rows, transactions/s for multi; cpu_us: server CPU microseconds"
echo " per publish / per transaction, lower is better; median of $ROUNDS rounds)"
